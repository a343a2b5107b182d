import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMessageClass } from '../../functions/core/message-class.js';
import type { ConsentBook } from '../../functions/core/model.js';
import { formatProblem } from '../../functions/core/render/problems.js';
import { parseSendRequest } from '../../functions/core/request.js';
import type { TemplateBundle } from '../../functions/core/templates.js';
import { EVERY_TOPIC, topicRegistrySchema } from '../../functions/core/topics.js';
import { checkTemplateFolder, DEFAULT_TEMPLATES_DIR, loadTemplateFolder } from '../../functions/template-compiler/index.js';

const readJson = async <T>(path: string | URL): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

describe('the topic registry in templates/', () => {
  let bundle: TemplateBundle;
  beforeAll(async () => {
    ({ bundle } = await loadTemplateFolder(DEFAULT_TEMPLATES_DIR));
  });

  it('is compiled into the bundle exactly as the file declares it', async () => {
    expect(bundle.topics).toEqual(topicRegistrySchema.parse(await readJson(join(DEFAULT_TEMPLATES_DIR, 'topics.json'))));
  });

  it('makes order updates transactional and required by email, and lets customers leave every marketing topic', () => {
    const topics = bundle.topics?.topics ?? [];
    expect(topics.find((topic) => topic.id === 'order-updates')).toMatchObject({ category: 'transactional', requiredOn: ['email'] });
    for (const topic of topics.filter((t) => t.category === 'marketing')) expect(topic.requiredOn, topic.id).toEqual([]);
  });

  it("declares every template's topic with the template's category and channels", () => {
    for (const { manifest } of Object.values(bundle.templates)) {
      const topic = bundle.topics?.topics.find((t) => t.id === manifest.topic);
      expect(topic?.category, manifest.id).toBe(manifest.category);
      expect(topic?.channels, manifest.id).toEqual(expect.arrayContaining(manifest.channels));
    }
  });
});

describe('the local demo', () => {
  let bundle: TemplateBundle;
  beforeAll(async () => {
    ({ bundle } = await loadTemplateFolder(DEFAULT_TEMPLATES_DIR));
  });

  it('gives its customers consent only for declared topics or "*"', async () => {
    const seed = await readJson<{ customer: { customerId: string; consent?: ConsentBook } }[]>(new URL('../../functions/local/seed/customers.json', import.meta.url));
    const declared = new Set([EVERY_TOPIC, ...(bundle.topics?.topics.map((topic) => topic.id) ?? [])]);
    for (const { customer } of seed) {
      for (const entries of Object.values(customer.consent ?? {})) {
        for (const topic of Object.keys(entries)) expect(declared.has(topic), `${customer.customerId}: ${topic}`).toBe(true);
      }
    }
  });

  it('sends only requests the registry allows', async () => {
    // The seed's relative tokens ($run, $now+20m) stand for an id and an instant.
    const text = await readFile(new URL('../../functions/local/seed/scenario.json', import.meta.url), 'utf8');
    const scenario = JSON.parse(text.replaceAll('$run', 'run').replace(/"\$now[^"]*"/g, '"2026-11-24T12:00:00Z"')) as Record<string, unknown>[];
    for (const body of scenario) {
      const parsed = parseSendRequest(body);
      if (!parsed.ok) throw new Error(`${String(body.requestId)}: ${JSON.stringify(parsed.problems)}`);
      const template = bundle.templates[parsed.request.template];
      expect(template, parsed.request.template).toBeDefined();
      if (template) expect(checkMessageClass(parsed.request, template.manifest, bundle.topics), parsed.request.requestId).toMatchObject({ ok: true });
    }
  });
});

describe('templates check against the registry', () => {
  let dir: string;
  const edit = async (file: string, change: (text: string) => string) => writeFile(join(dir, file), change(await readFile(join(dir, file), 'utf8')));
  const check = async () => (await checkTemplateFolder(dir)).problems.map(formatProblem);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'topics-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const fresh = async () => {
    await rm(dir, { recursive: true, force: true });
    await cp(DEFAULT_TEMPLATES_DIR, dir, { recursive: true });
  };

  it('names a template relabelled to a category its topic does not have', async () => {
    await fresh();
    await edit('service-recovery/template.json', (text) => text.replace('"category": "transactional"', '"category": "marketing"'));
    expect(await check()).toEqual([
      'service-recovery template.json topic: "order-updates" is a transactional topic in topics.json, and the template is marketing',
      // Relabelled, its email also falls under the marketing rule for the preference link.
      expect.stringMatching(/^service-recovery \[email\/default\] email\.mjml: has no link to \{\{ preferences_url \}\}/),
    ]);
  });

  it('names a template channel its topic is not declared for', async () => {
    await fresh();
    await edit('topics.json', (text) => text.replace(/("id": "promotions",[\s\S]*?"channels": )\[[^\]]*\]/, '$1["email", "push"]'));
    expect(await check()).toEqual([
      'back-in-stock template.json topic: topics.json does not declare "promotions" for in_app; the template may use it on email, push',
      'cart-reminder template.json topic: topics.json does not declare "promotions" for sms, in_app; the template may use it on email, push',
      'in-store-offer template.json topic: topics.json does not declare "promotions" for sms, in_app; the template may use it on push',
    ]);
  });

  it('never accepts "*" as a template topic', async () => {
    await fresh();
    await edit('cart-reminder/template.json', (text) => text.replace('"topic": "promotions"', '"topic": "*"'));
    expect(await check()).toEqual([`cart-reminder template.json topic: "*" stands for every topic in a customer's consent and is never the topic of a message`]);
  });

  it('fails without a registry, once rather than per template', async () => {
    await fresh();
    await rm(join(dir, 'topics.json'));
    const { problems, bundle } = await checkTemplateFolder(dir);
    expect(problems.map(formatProblem)).toEqual(['topics.json is missing: every template\'s topic must be declared in it (see templates/README.md)']);
    expect(bundle.topics).toBeUndefined();
  });

  it('names each problem of the registry itself by the topic it is in', async () => {
    await fresh();
    const topics = [
      { id: 'order-updates', name: 'Your orders', description: 'Parcels', category: 'transactional', channels: ['email', 'sms', 'push', 'in_app'] },
      { id: 'promotions', name: 'Offers', description: 'Offers', category: 'marketing', channels: ['email', 'sms', 'push', 'in_app'], requiredOn: ['email'] },
      { id: 'promotions', name: 'Offers again', description: 'Offers', category: 'marketing', channels: ['email'] },
      { id: '*', name: 'Everything', description: 'All of it', category: 'marketing', channels: ['email'], owner: 'growth' },
    ];
    await writeFile(join(dir, 'topics.json'), JSON.stringify({ formatVersion: 1, topics }));
    expect(await check()).toEqual([
      'topics.json topics.1 ("promotions") requiredOn: a marketing topic can never be required: customers may always opt out',
      'topics.json topics.3 ("*") id: must be 1–64 of lowercase letters, digits and -, starting with a letter or digit',
      'topics.json topics.3 ("*"): unknown field(s): owner',
      'topics.json topics.2 ("promotions") id: topic "promotions" is declared twice',
    ]);
  });

  it('says when the registry is not JSON', async () => {
    await fresh();
    await writeFile(join(dir, 'topics.json'), '{ "formatVersion": 1,');
    expect(await check()).toEqual([expect.stringMatching(/^topics\.json is not valid JSON: /)]);
  });
});
