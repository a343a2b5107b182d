import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { z } from 'zod';
import { sendRequestSchema } from '../functions/core/request.js';

/** The published contract, checked in: upstream systems validate against it or generate types from it. */
export const SEND_REQUEST_SCHEMA_FILE = fileURLToPath(new URL('../schemas/send-request.v1.json', import.meta.url));

/**
 * The send request, contract version 1, as JSON Schema (draft 2020-12), generated from the zod
 * schema the orchestrator parses with so that the two cannot disagree. `io: 'input'`: fields with
 * a default (strategy, priority, data, context) are optional for the sender.
 */
export function sendRequestJsonSchema(): Record<string, unknown> {
  const { $schema, ...generated } = z.toJSONSchema(sendRequestSchema, { io: 'input', reused: 'inline' });
  return {
    $schema,
    $id: 'urn:switchboard:schema:send-request:v1',
    title: 'Switchboard send request, contract version 1',
    description: 'One message to one customer. Fields are only ever added to version 1. Field by field: docs/send-request.md.',
    $comment:
      'Generated from sendRequestSchema in functions/core/request.ts by `npm run schemas`; do not edit. Switchboard also checks what JSON Schema cannot say here: no channel twice, data at most 32 KiB and 32 levels deep, topic never "*", customerId well-formed Unicode, escalateAfter an ISO 8601 duration from PT1M to P7D, and that the template exists and its category and topic pass the topic registry.',
    ...generated,
  };
}

/** The file's exact text: formatted as the repository formats JSON, so the format check passes on it. */
export async function renderSendRequestSchema(): Promise<string> {
  const options = (await prettier.resolveConfig(SEND_REQUEST_SCHEMA_FILE)) ?? {};
  return prettier.format(JSON.stringify(sendRequestJsonSchema()), { ...options, filepath: SEND_REQUEST_SCHEMA_FILE });
}
