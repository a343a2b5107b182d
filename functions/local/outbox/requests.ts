import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadTemplateBundle } from '../../adapters/bundle-template-store.js';
import { ENV } from '../../definitions/tables.js';
import { readBody, sendJson } from '../../tooling/loopback-http.js';
import type { LocalSystem } from '../system.js';

/** The form's "enqueue a request": validated by the real parser, every problem listed. */
export async function enqueueFromPage(system: LocalSystem, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const text = await readBody(req);
  const result = await system.enqueue(text);
  if (!result.ok) return sendJson(res, 400, { problems: result.problems });
  sendJson(res, 202, { requestId: result.requestId, messageId: result.messageId });
}

/** `POST /requests` as the service API answers it: 202 with what was queued, or 400 with every problem. */
export async function ingestOverHttp(system: Pick<LocalSystem, 'ingestApi'>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const answer = await system.ingestApi(await readBody(req));
  sendJson(res, answer.statusCode, answer.body);
}

export interface TemplateExample {
  id: string;
  description: string;
  category: string;
  channels: string[];
  /** A valid request for a demo customer, built from the template's own sample data. */
  example: Record<string, unknown>;
}

/** One ready-to-send example per template in the bundle the orchestrator runs. */
export function templateExamples(system: LocalSystem): { templates: TemplateExample[]; customers: { id: string; name: string; note: string }[] } {
  const bundle = loadTemplateBundle(process.env[ENV.templateBundlePath] ?? '');
  const first = system.customers[0]?.customer.customerId ?? 'c-3001';
  const templates = Object.values(bundle.templates).map(({ manifest }) => ({
    id: manifest.id,
    description: manifest.description,
    category: manifest.category,
    channels: manifest.channels,
    example: {
      requestId: `manual-${manifest.id}-${Date.now().toString(36)}`,
      customerId: first,
      template: manifest.id,
      data: manifest.sampleData.data ?? {},
      ...(manifest.sampleData.context ? { context: manifest.sampleData.context } : {}),
    },
  }));
  const customers = system.customers.map((c) => ({ id: c.customer.customerId, name: String(c.customer.attributes?.firstName ?? ''), note: c.note }));
  return { templates, customers };
}
