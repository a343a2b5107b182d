import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../functions/core/model.js';
import { sendRequestSchema } from '../../functions/core/request.js';
import { sendRequestJsonSchema, toDraft04 } from '../../lib/request-model-schema.js';

const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';
type Node = { [key: string]: unknown };

/** Every key used as a keyword anywhere in the document (property names excluded). */
function keywords(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => keywords(item, into));
  if (typeof node !== 'object' || node === null) return into;
  for (const [key, value] of Object.entries(node)) {
    into.add(key);
    if (key === 'properties') Object.values(value as Node).forEach((schema) => keywords(schema, into));
    else if (key !== 'enum' && key !== 'default') keywords(value, into);
  }
  return into;
}

describe('send request JSON schema', () => {
  const schema = sendRequestJsonSchema();
  const properties = schema.properties as Record<string, Node>;

  it('is draft-04, the only version API Gateway models accept', () => {
    expect(schema.$schema).toBe(DRAFT_04);
    const newer = [...keywords(schema)].filter((key) => ['const', '$defs', 'prefixItems', 'examples', '$id'].includes(key));
    expect(newer).toEqual([]);
  });

  it('rejects unknown fields at the top level and inside context', () => {
    expect(schema.additionalProperties).toBe(false);
    expect(properties.context?.additionalProperties).toBe(false);
  });

  it('describes exactly the fields of the zod schema, so the two cannot drift', () => {
    expect(Object.keys(properties).sort()).toEqual(Object.keys(sendRequestSchema.shape).sort());
  });

  it('requires only what callers must send; defaulted fields stay optional', () => {
    expect([...(schema.required as string[])].sort()).toEqual(['customerId', 'requestId', 'template']);
  });

  it('carries the constraints zod declares', () => {
    expect(properties.requestId).toMatchObject({ type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' });
    expect(properties.channels).toMatchObject({ type: 'array', minItems: 1, items: { enum: [...CHANNELS] } });
    expect(properties.expiresAt).toMatchObject({ type: 'string', format: 'date-time' });
  });
});

describe('toDraft04', () => {
  it('turns const into a one-value enum, at any depth', () => {
    expect(toDraft04({ properties: { kind: { const: 'x' } } }, '#')).toEqual({ properties: { kind: { enum: ['x'] } } });
  });

  it('keeps enum and default values verbatim even when they look like schemas', () => {
    const node = { enum: [{ prefixItems: 1 }], default: { const: 2 } };
    expect(toDraft04(node, '#')).toEqual(node);
  });

  it('treats property names as names, not keywords', () => {
    expect(toDraft04({ properties: { const: { type: 'string' } } }, '#')).toEqual({ properties: { const: { type: 'string' } } });
  });

  it('refuses keywords draft-04 cannot express, naming where', () => {
    expect(() => toDraft04({ properties: { list: { prefixItems: [] } } }, '#')).toThrow(
      'JSON schema keyword "prefixItems" at #/properties/list is not supported by API Gateway (draft-04)',
    );
  });
});
