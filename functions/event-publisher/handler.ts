import { composeEventPublisher } from './composition.js';
import { readEventPublisherConfig } from './config.js';
import { createEventPublisherHandler } from './create-handler.js';

// Cold start: configuration validated and the EventBridge client built once, reused by every invocation.
const { deps, logger } = composeEventPublisher(readEventPublisherConfig(process.env));

export const handler = createEventPublisherHandler(deps, logger);
