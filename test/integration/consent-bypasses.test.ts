/**
 * The three ways consent could be bypassed before there was a topic registry: a template whose
 * topic has a typo, a request that relabels a template's category or topic, and a one-click
 * unsubscribe from a message whose topic was `"*"`.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templatesCheck } from '../../functions/cli/commands/templates-check.js';
import { checkConsent } from '../../functions/core/consent.js';
import { unsubscribeByLink } from '../../functions/core/feedback/unsubscribe.js';
import type { ConsentBook } from '../../functions/core/model.js';
import type { TemplateBundle } from '../../functions/core/templates.js';
import { DEFAULT_TEMPLATES_DIR, loadTemplateFolder } from '../../functions/template-compiler/index.js';
import { confirmPage, donePage } from '../../functions/unsubscribe/page.js';
import { type FeedbackWorld, feedbackWorld } from '../support/feedback-world.js';
import { harness, reachableCustomer } from '../support/orchestrator-harness.js';

describe('a template whose topic has a typo', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'topic-typo-'));
    await cp(DEFAULT_TEMPLATES_DIR, dir, { recursive: true });
    const file = join(dir, 'cart-reminder', 'template.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"topic": "promotions"', '"topic": "promotion"'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('fails templates check, naming the template and the topic', async () => {
    const errors: string[] = [];
    const code = await templatesCheck({ templatesDir: dir }, { log: () => undefined, error: (line) => errors.push(line) });
    expect(code).toBe(1);
    expect(errors).toEqual(['cart-reminder template.json topic: "promotion" is not a topic declared in topics.json (did you mean "promotions"?)', '5 templates, 1 problems']);
  });
});

describe('a request that relabels its template', () => {
  let bundle: TemplateBundle;
  beforeAll(async () => {
    ({ bundle } = await loadTemplateFolder(DEFAULT_TEMPLATES_DIR));
  });

  /** Opted out of promotions on every channel; order updates still welcome on SMS and push. */
  const optedOut: ConsentBook = {
    email: { promotions: 'opt_out' },
    sms: { promotions: 'opt_out', 'order-updates': 'opt_in' },
    push: { promotions: 'opt_out', 'order-updates': 'opt_in', 'new-arrivals': 'opt_in' },
    in_app: { promotions: 'opt_out' },
  };
  const cartReminder = (over: Record<string, unknown>) => ({
    requestId: 'r-relabel',
    customerId: 'c-1',
    template: 'cart-reminder',
    data: bundle.templates['cart-reminder']?.manifest.sampleData.data,
    ...over,
  });
  const send = async (consent: ConsentBook, over: Record<string, unknown>) => {
    const h = harness({ customers: [reachableCustomer('c-1', { consent })], templates: Object.values(bundle.templates), ...(bundle.topics ? { topics: bundle.topics } : {}) });
    const [outcome] = await h.run([cartReminder(over)]);
    return { outcome, record: h.deliveries.get('r-relabel'), sends: h.totalSends() };
  };

  it.each([
    ['category and topic', { category: 'transactional', topic: 'order-updates' }, ['category', 'topic']],
    ['topic', { topic: 'order-updates' }, ['topic']],
  ])('is REJECTED when it relabels the %s to reach a customer who opted out, and nothing is sent', async (_what, over, paths) => {
    const { outcome, record, sends } = await send(optedOut, over);
    expect(outcome).toMatchObject({ status: 'REJECTED', reason: 'INVALID_MESSAGE_CLASS' });
    expect(sends).toBe(0);
    expect(record?.status).toBe('REJECTED');
    expect(record?.problems?.map((problem) => problem.path)).toEqual(paths);
  });

  it('is REJECTED, saying why, when it makes marketing transactional for a customer who never opted in', async () => {
    const { outcome, record, sends } = await send({}, { category: 'transactional' });
    expect(outcome?.status).toBe('REJECTED');
    expect(sends).toBe(0);
    expect(record?.problems).toEqual([{ path: 'category', message: 'template "cart-reminder" is marketing: a request cannot change a template\'s category' }]);
  });

  it('is REJECTED when it names "*" as its topic, which consent reads as every topic', async () => {
    const { outcome, record, sends } = await send({ email: { '*': 'opt_in', promotions: 'opt_out' }, push: { '*': 'opt_in', promotions: 'opt_out' } }, { topic: '*' });
    expect(outcome?.status).toBe('REJECTED');
    expect(sends).toBe(0);
    expect(record?.problems).toEqual([{ path: 'topic', message: '"*" stands for every topic in a customer\'s consent and is never the topic of a message' }]);
  });

  it('may name another declared topic of the same category, which then decides consent', async () => {
    const { outcome, record } = await send(optedOut, { topic: 'new-arrivals' });
    expect(outcome).toMatchObject({ status: 'SENT', channels: ['push'] });
    expect(record).toMatchObject({ category: 'marketing', topic: 'new-arrivals' });
  });
});

describe('a one-click unsubscribe from a message whose topic was "*"', () => {
  let world: FeedbackWorld;
  beforeAll(async () => {
    world = await feedbackWorld('every-topic');
  });
  afterAll(() => world.destroy());

  const marketingAllowed = (consent: ConsentBook | undefined, topic: string) => checkConsent(consent, 'email', 'marketing', topic).allowed;

  it('takes the customer off every marketing topic on email, keeps order updates, and says so', async () => {
    await world.putCustomer({ customerId: 'c-star', email: { address: 'star@example.com', status: 'active' }, consent: { email: { '*': 'opt_in', 'new-arrivals': 'opt_in' } } });
    await world.sent('r-star', 'c-star', 'email', { topic: '*' });
    const outcome = await unsubscribeByLink({ requestId: 'r-star', customerId: 'c-star', topic: '*' }, world.deps);
    expect(outcome).toMatchObject({ outcome: 'applied', suppression: 'unsubscribe' });
    const consent = (await world.customer('c-star'))?.consent;
    expect(marketingAllowed(consent, 'promotions')).toBe(false);
    expect(marketingAllowed(consent, 'new-arrivals')).toBe(false);
    expect(checkConsent(consent, 'email', 'transactional', 'order-updates').allowed).toBe(true);
    expect(consent?.email?.['new-arrivals']).toMatchObject({ value: 'opt_out', source: 'one_click_unsubscribe' });
    expect((await world.delivery('r-star')).timeline.at(-1)?.detail).toBe('UNSUBSCRIBE every marketing topic (one-click)');
    const done = String(donePage('*').body);
    expect(done).toContain('You will no longer receive any of our <strong>marketing</strong> emails.');
    expect(done).not.toContain('*');
    expect(String(confirmPage('*', '?token=t').body)).toContain('Stop any of our <strong>marketing</strong> emails? Order and account emails keep coming.');
  });

  it('does the same when the message’s record is long gone', async () => {
    await world.putCustomer({ customerId: 'c-star-old', email: { address: 'old@example.com', status: 'active' }, consent: { email: { '*': 'opt_in' } } });
    expect(await unsubscribeByLink({ requestId: 'r-star-gone', customerId: 'c-star-old', topic: '*' }, world.deps)).toMatchObject({ outcome: 'unmatched' });
    expect(marketingAllowed((await world.customer('c-star-old'))?.consent, 'promotions')).toBe(false);
  });
});
