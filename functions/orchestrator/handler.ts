import { composeOrchestrator } from './composition.js';
import { readOrchestratorConfig } from './config.js';
import { createOrchestratorHandler } from './create-handler.js';

// Cold start: configuration validated and SDK clients built once, reused by every invocation.
// The use case flushes its metrics at the end of every batch, so no metrics middleware is needed.
const { deps, logger } = composeOrchestrator(readOrchestratorConfig(process.env));

export const handler = createOrchestratorHandler(deps, logger);
