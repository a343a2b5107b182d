/**
 * `npm run schemas`: writes the published JSON Schemas from their zod schemas: the send request
 * (`schemas/send-request.v1.json`) and the delivery status event (`schemas/events/`). Tests fail
 * while a checked-in file differs from what this writes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { DELIVERY_STATUS_SCHEMA_FILE, renderDeliveryStatusSchema } from './event-schemas.js';
import { renderSendRequestSchema, SEND_REQUEST_SCHEMA_FILE } from './request-schema.js';

const schemas: [string, () => Promise<string>][] = [
  [SEND_REQUEST_SCHEMA_FILE, renderSendRequestSchema],
  [DELIVERY_STATUS_SCHEMA_FILE, renderDeliveryStatusSchema],
];
for (const [file, render] of schemas) {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, await render(), 'utf8');
  console.log(`schema → ${relative(process.cwd(), file)}`);
}
