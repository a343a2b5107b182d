import { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeEntryBus } from '../adapters/eventbridge-entry-bus.js';
import { withHttpTimeouts } from '../adapters/http-timeouts.js';
import { SERVICE_NAMES } from '../definitions/metrics.js';
import type { SmsStatusFanoutDeps } from './create-handler.js';

/** The deployed fan-out's ports: EventBridge, at the endpoint the SDK's own settings name. Every entry names the default bus itself. */
export function composeSmsStatusFanout(): { deps: SmsStatusFanoutDeps; logger: Logger } {
  return {
    deps: { bus: new EventBridgeEntryBus(new EventBridgeClient(withHttpTimeouts())) },
    logger: new Logger({ serviceName: SERVICE_NAMES.smsStatusFanout }),
  };
}
