import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { z } from 'zod';
import { DETAIL_TYPES, deliveryStatusDetailSchema } from '../functions/core/events/delivery-status-event.js';
import { EVENT_SOURCE } from '../functions/definitions/events.js';

/** The published event contract, checked in: upstream systems validate against it or generate types from it. */
export const DELIVERY_STATUS_SCHEMA_FILE = fileURLToPath(new URL('../schemas/events/delivery-status.v1.json', import.meta.url));

/** A delivery status event as EventBridge hands it to a rule's target: the envelope, with our source, detail-types and detail. */
const deliveryStatusEventSchema = z.object({
  version: z.string().meta({ description: 'The EventBridge envelope version ("0"); the contract version is detail.version.' }),
  id: z.string().meta({ description: 'EventBridge’s id, new on every put: de-duplicate on detail.eventId instead.' }),
  'detail-type': z.enum(Object.values(DETAIL_TYPES)).meta({ description: 'One per status: "Delivery " and the status in words, e.g. "Delivery Render Failed" for RENDER_FAILED.' }),
  source: z.literal(EVENT_SOURCE),
  account: z.string(),
  time: z.string().meta({ description: 'When the status was stored, to the second; detail.at has the milliseconds.' }),
  region: z.string(),
  resources: z.array(z.string()),
  detail: deliveryStatusDetailSchema,
});

/**
 * The delivery status event, contract version 1, as JSON Schema (draft 2020-12), generated from the
 * zod schema the publisher's tests check every event against. `io: 'input'` leaves objects open,
 * so a consumer validating with this file keeps working when version 1 gains a field.
 */
export function deliveryStatusEventJsonSchema(): Record<string, unknown> {
  const { $schema, ...generated } = z.toJSONSchema(deliveryStatusEventSchema, { io: 'input', reused: 'inline' });
  return {
    $schema,
    $id: 'urn:switchboard:schema:event:delivery-status:v1',
    title: 'Switchboard delivery status event, contract version 1',
    description: 'One event per status change of a delivery record, on the Switchboard event bus. Fields are only ever added to version 1. Field by field: docs/events.md.',
    $comment: 'Generated from deliveryStatusDetailSchema in functions/core/events/delivery-status-event.ts by `npm run schemas`; do not edit.',
    ...generated,
  };
}

/** The file's exact text: formatted as the repository formats JSON, so the format check passes on it. */
export async function renderDeliveryStatusSchema(): Promise<string> {
  const options = (await prettier.resolveConfig(DELIVERY_STATUS_SCHEMA_FILE)) ?? {};
  return prettier.format(JSON.stringify(deliveryStatusEventJsonSchema()), { ...options, filepath: DELIVERY_STATUS_SCHEMA_FILE });
}
