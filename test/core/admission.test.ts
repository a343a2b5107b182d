import { describe, expect, it } from 'vitest';
import { BundleTemplateStore, loadTemplateBundle } from '../../functions/adapters/bundle-template-store.js';
import { admissionProblems } from '../../functions/core/admission.js';
import { sendRequestSchema } from '../../functions/core/request.js';
import { TEMPLATE_BUNDLE } from '../infra/synth.js';
import { harness, reachableCustomer } from '../support/orchestrator-harness.js';

const bundle = loadTemplateBundle(TEMPLATE_BUNDLE);
const templates = new BundleTemplateStore(bundle);

/** Requests for the real templates: admitted, and each way the orchestrator rejects one before reading a table. */
const CASES: [string, Record<string, unknown>][] = [
  ['its template as it is', { template: 'order-shipped' }],
  ['another declared topic of the same category', { template: 'cart-reminder', topic: 'new-arrivals' }],
  ['a template the bundle lacks', { template: 'no-such-template' }],
  ['a template’s category changed', { template: 'cart-reminder', category: 'transactional' }],
  ['an undeclared topic', { template: 'cart-reminder', topic: 'promotion' }],
  ['a topic of the other category', { template: 'order-shipped', topic: 'promotions' }],
];

describe('admissionProblems', () => {
  it.each(CASES)('agrees with the orchestrator on %s, problem for problem', async (_name, fields) => {
    const world = harness({ customers: [reachableCustomer('c-1')], templates: Object.values(bundle.templates), ...(bundle.topics ? { topics: bundle.topics } : {}) });
    const body = { requestId: 'r-admission', customerId: 'c-1', createdAt: '2026-11-24T11:59:59Z', ...fields };
    const problems = admissionProblems(sendRequestSchema.parse(body), templates);
    const [outcome] = await world.run([body]);
    if (problems.length === 0) {
      expect(outcome?.status).not.toBe('REJECTED');
    } else {
      expect(outcome?.status).toBe('REJECTED');
      expect(world.deliveries.get('r-admission')?.problems).toEqual(problems);
    }
  });

  it('names the field at fault', () => {
    const paths = (fields: Record<string, unknown>) =>
      admissionProblems(sendRequestSchema.parse({ requestId: 'r', customerId: 'c', ...fields }), templates).map((problem) => problem.path);
    expect(paths({ template: 'no-such-template' })).toEqual(['template']);
    expect(paths({ template: 'cart-reminder', category: 'transactional' })).toEqual(['category']);
    expect(paths({ template: 'cart-reminder', topic: 'promotion' })).toEqual(['topic']);
    expect(paths({ template: 'cart-reminder' })).toEqual([]);
  });
});
