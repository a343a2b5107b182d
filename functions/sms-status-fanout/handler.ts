import { composeSmsStatusFanout } from './composition.js';
import { createSmsStatusFanoutHandler } from './create-handler.js';

// Cold start: the EventBridge client built once, reused by every invocation.
const { deps, logger } = composeSmsStatusFanout();

export const handler = createSmsStatusFanoutHandler(deps, logger);
