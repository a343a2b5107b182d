import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleTemplateStore, loadTemplateBundle, loadTopicRegistry } from '../../functions/adapters/bundle-template-store.js';
import type { CompiledTemplate, TemplateBundle } from '../../functions/core/templates.js';

const template = (id: string): CompiledTemplate => ({
  manifest: { id, description: id, category: 'marketing', topic: 'promotions', channels: ['sms'], variables: [], sampleData: {} },
  parts: { sms: { default: 'Hello' } },
});
const bundle: TemplateBundle = { formatVersion: 1, templates: { 'cart-reminder': template('cart-reminder'), 'back-in-stock': template('back-in-stock') } };
const topics = {
  formatVersion: 1 as const,
  topics: [{ id: 'promotions', name: 'Offers', description: 'Offers and reminders', category: 'marketing' as const, channels: ['sms' as const], requiredOn: [] }],
};
const dir = mkdtempSync(join(tmpdir(), 'bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('BundleTemplateStore', () => {
  it('answers templates by id and lists the ids in order', () => {
    const store = new BundleTemplateStore(bundle);
    expect(store.get('cart-reminder')?.manifest.id).toBe('cart-reminder');
    expect(store.get('missing')).toBeUndefined();
    expect(store.get('toString')).toBeUndefined();
    expect(store.ids()).toEqual(['back-in-stock', 'cart-reminder']);
  });

  it('answers the topic registry built into the bundle, and none for a bundle built without one', () => {
    expect(new BundleTemplateStore({ ...bundle, topics }).topics()).toEqual(topics);
    expect(new BundleTemplateStore(bundle).topics()).toBeUndefined();
  });

  it('refuses a registry that breaks the schema, so it never decides consent', () => {
    const relabelled = { ...topics, topics: [{ ...topics.topics[0], requiredOn: ['sms'] }] } as unknown as TemplateBundle['topics'];
    expect(() => new BundleTemplateStore({ ...bundle, topics: relabelled })).toThrow(/topic registry is malformed: a marketing topic can never be required/);
  });

  it('rejects a bundle of another format version', () => {
    expect(() => new BundleTemplateStore({ formatVersion: 2, templates: {} } as unknown as TemplateBundle)).toThrow(/format/);
  });
});

describe('loadTemplateBundle', () => {
  it('reads a bundle from disk once per path', () => {
    const path = join(dir, 'templates.json');
    writeFileSync(path, JSON.stringify(bundle));
    const first = loadTemplateBundle(path);
    rmSync(path);
    expect(loadTemplateBundle(path)).toBe(first);
    expect(Object.keys(first.templates)).toHaveLength(2);
  });

  it('refuses a file that is not a bundle', () => {
    const path = join(dir, 'other.json');
    writeFileSync(path, JSON.stringify({ templates: [] }));
    expect(() => loadTemplateBundle(path)).toThrow(/not a template bundle/);
  });
});

describe('loadTopicRegistry', () => {
  it('reads the registry of a bundle on disk', () => {
    const path = join(dir, 'with-topics.json');
    writeFileSync(path, JSON.stringify({ ...bundle, topics }));
    expect(loadTopicRegistry(path)).toEqual(topics);
  });

  it('fails on a bundle without one: nothing that needs topics can work from it', () => {
    const path = join(dir, 'without-topics.json');
    writeFileSync(path, JSON.stringify(bundle));
    expect(() => loadTopicRegistry(path)).toThrow(/has no topic registry/);
  });
});
