import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sendRequestSchema } from '../../functions/core/request.js';
import { renderSendRequestSchema, SEND_REQUEST_SCHEMA_FILE, sendRequestJsonSchema } from '../../scripts/request-schema.js';

type Node = { [key: string]: unknown };

describe('the published send request schema', () => {
  it('is checked in as `npm run schemas` writes it', async () => {
    // Fails whenever the zod schema changed without the contract file: run `npm run schemas`.
    expect(readFileSync(SEND_REQUEST_SCHEMA_FILE, 'utf8')).toBe(await renderSendRequestSchema());
  });

  const schema = sendRequestJsonSchema();
  const properties = schema.properties as Record<string, Node>;

  it('describes exactly the fields of the zod schema, unknown fields refused at the top and inside context', () => {
    expect(Object.keys(properties).sort()).toEqual(Object.keys(sendRequestSchema.shape).sort());
    expect(schema.additionalProperties).toBe(false);
    expect(properties.context?.additionalProperties).toBe(false);
  });

  it('requires only what a sender must send; defaulted fields stay optional', () => {
    expect([...(schema.required as string[])].sort()).toEqual(['customerId', 'requestId', 'template']);
    expect(properties.strategy?.default).toBe('failover');
  });

  it('names itself and carries the constraints zod declares', () => {
    expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', $id: 'urn:switchboard:schema:send-request:v1' });
    expect(properties.requestId).toMatchObject({ type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' });
    expect(properties.channels).toMatchObject({ type: 'array', minItems: 1, items: { enum: ['push', 'sms', 'email', 'in_app'] } });
    expect(properties.sendAt?.anyOf).toHaveLength(2);
  });
});
