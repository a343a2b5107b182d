import { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeStatusEvents } from '../adapters/eventbridge-status-events.js';
import { withHttpTimeouts } from '../adapters/http-timeouts.js';
import { SERVICE_NAMES } from '../definitions/metrics.js';
import type { EventPublisherDeps } from './create-handler.js';
import type { EventPublisherConfig } from './config.js';

/** The deployed publisher's ports: EventBridge, at the endpoint the SDK's own settings name. */
export function composeEventPublisher(config: EventPublisherConfig): { deps: EventPublisherDeps; logger: Logger } {
  return {
    deps: { bus: new EventBridgeStatusEvents(new EventBridgeClient(withHttpTimeouts()), { busName: config.busName }) },
    logger: new Logger({ serviceName: SERVICE_NAMES.eventPublisher }),
  };
}
