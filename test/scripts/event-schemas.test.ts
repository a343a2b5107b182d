import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANNOUNCED_STATUSES, DETAIL_TYPES } from '../../functions/core/events/delivery-status-event.js';
import { DELIVERY_STATUS_SCHEMA_FILE, renderDeliveryStatusSchema } from '../../scripts/event-schemas.js';

describe('schemas/events/delivery-status.v1.json', () => {
  it('is what `npm run schemas` writes from the zod schema: run it after changing the event', async () => {
    expect(readFileSync(DELIVERY_STATUS_SCHEMA_FILE, 'utf8')).toBe(await renderDeliveryStatusSchema());
  });

  it('lists every detail-type and announced status, and leaves objects open for fields version 1 may gain', () => {
    const schema = JSON.parse(readFileSync(DELIVERY_STATUS_SCHEMA_FILE, 'utf8'));
    expect(schema.properties['detail-type'].enum).toEqual(Object.values(DETAIL_TYPES));
    expect(schema.properties.detail.properties.status.enum).toEqual([...ANNOUNCED_STATUSES]);
    expect(JSON.stringify(schema)).not.toContain('additionalProperties');
  });
});
