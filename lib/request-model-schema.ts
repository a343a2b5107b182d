import { z } from 'zod';
import { sendRequestSchema } from '../functions/core/request.js';

/**
 * The JSON schema of `POST /requests` for the API Gateway request validator, generated from the
 * same zod schema the orchestrator parses with, so the two cannot disagree on field names.
 * API Gateway models are JSON Schema draft-04. Refinements zod cannot express as JSON schema (a
 * channel listed twice, `data` over 32 KiB) still reach the queue and are recorded REJECTED by
 * the orchestrator.
 */
const DRAFT_04_KEYWORDS = new Set([
  '$schema',
  'id',
  '$ref',
  'title',
  'description',
  'default',
  'type',
  'enum',
  'format',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'items',
  'additionalItems',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
  'properties',
  'additionalProperties',
  'patternProperties',
  'dependencies',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'definitions',
]);
/** Keywords whose value maps names to schemas, so their keys are not keywords. */
const NAMED_SCHEMAS = new Set(['properties', 'patternProperties', 'definitions', 'dependencies']);

export type JsonSchemaDocument = { [key: string]: unknown };

export function sendRequestJsonSchema(): JsonSchemaDocument {
  // `io: 'input'` because fields with defaults (strategy, priority, data, context) are optional for callers.
  const generated = z.toJSONSchema(sendRequestSchema, { target: 'draft-04', io: 'input', reused: 'inline' });
  return toDraft04(generated, '#') as JsonSchemaDocument;
}

/** Rewrites the few newer keywords draft-04 can express differently; refuses the rest loudly. */
export function toDraft04(node: unknown, path: string): unknown {
  if (Array.isArray(node)) return node.map((item, index) => toDraft04(item, `${path}/${index}`));
  if (typeof node !== 'object' || node === null) return node;
  const out: JsonSchemaDocument = {};
  const entries: [string, unknown][] = Object.entries(node);
  for (const [key, value] of entries) {
    if (key === 'const') {
      out.enum = [value];
    } else if (key === 'enum' || key === 'default') {
      out[key] = value; // Values, not schemas.
    } else if (key === 'examples' || key === '$comment') {
      // Annotations only; draft-04 has no such keyword.
    } else if (!DRAFT_04_KEYWORDS.has(key)) {
      throw new Error(`JSON schema keyword "${key}" at ${path} is not supported by API Gateway (draft-04)`);
    } else if (NAMED_SCHEMAS.has(key) && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, toDraft04(schema, `${path}/${key}/${name}`)]));
    } else {
      out[key] = toDraft04(value, `${path}/${key}`);
    }
  }
  return out;
}
