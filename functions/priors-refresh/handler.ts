import { composePriorsRefresh } from './composition.js';
import { readPriorsRefreshConfig } from './config.js';
import { createPriorsRefreshHandler } from './create-handler.js';

// Cold start: configuration validated and the DynamoDB client built once, reused by every invocation.
const { deps, logger } = composePriorsRefresh(readPriorsRefreshConfig(process.env));

export const handler = createPriorsRefreshHandler(deps, logger);
