import * as z from 'zod';
import { readEnvironment, requiredSetting } from '../composition/environment.js';
import { ENV } from '../definitions/tables.js';

const schema = z.object({
  [ENV.eventBusName]: requiredSetting('EventBridge bus the delivery status events are put on'),
});

export interface EventPublisherConfig {
  /** A bus name, or `default` for the account's default bus. */
  busName: string;
}

export function readEventPublisherConfig(env: Record<string, string | undefined>): EventPublisherConfig {
  const v = readEnvironment(schema, env);
  return { busName: v[ENV.eventBusName] };
}
