import { describe, expect, it } from 'vitest';
import { checkMessageClass, topicProblems } from '../../functions/core/message-class.js';
import { type TopicRegistry, topicRegistrySchema } from '../../functions/core/topics.js';
import { manifest, sendRequest } from '../fixtures/requests.js';

const registry: TopicRegistry = topicRegistrySchema.parse({
  formatVersion: 1,
  topics: [
    {
      id: 'order-updates',
      name: 'Your orders',
      description: 'Where your parcel is',
      category: 'transactional',
      channels: ['email', 'sms', 'push', 'in_app'],
      requiredOn: ['email'],
    },
    { id: 'promotions', name: 'Offers', description: 'Offers and reminders', category: 'marketing', channels: ['email', 'sms', 'push', 'in_app'] },
    { id: 'new-arrivals', name: 'New arrivals', description: 'New collections', category: 'marketing', channels: ['email', 'push'] },
  ],
});
const cartReminder = manifest();
const orderShipped = manifest({ id: 'order-shipped', category: 'transactional', topic: 'order-updates' });

describe('checkMessageClass with a registry', () => {
  it("takes the template's category and topic when the request names neither, or repeats them", () => {
    expect(checkMessageClass(sendRequest(), cartReminder, registry)).toEqual({ ok: true, category: 'marketing', topic: 'promotions' });
    expect(checkMessageClass(sendRequest({ category: 'marketing', topic: 'promotions' }), cartReminder, registry)).toEqual({
      ok: true,
      category: 'marketing',
      topic: 'promotions',
    });
  });

  it('lets a request name another declared topic of the same category on the channels it declares', () => {
    expect(checkMessageClass(sendRequest({ topic: 'new-arrivals', channels: ['push', 'email'] }), cartReminder, registry)).toEqual({
      ok: true,
      category: 'marketing',
      topic: 'new-arrivals',
    });
  });

  it('refuses a change of category, whichever way', () => {
    expect(checkMessageClass(sendRequest({ category: 'transactional' }), cartReminder, registry)).toEqual({
      ok: false,
      problems: [{ path: 'category', message: 'template "cart-reminder" is marketing: a request cannot change a template\'s category' }],
    });
    expect(checkMessageClass(sendRequest({ category: 'marketing' }), orderShipped, registry)).toMatchObject({ ok: false, problems: [{ path: 'category' }] });
  });

  it('refuses a topic of the other category', () => {
    expect(checkMessageClass(sendRequest({ topic: 'order-updates' }), cartReminder, registry)).toEqual({
      ok: false,
      problems: [{ path: 'topic', message: '"order-updates" is a transactional topic in topics.json, and template "cart-reminder" is marketing' }],
    });
    expect(checkMessageClass(sendRequest({ topic: 'promotions' }), orderShipped, registry)).toMatchObject({ ok: false, problems: [{ path: 'topic' }] });
  });

  it('refuses an undeclared topic, suggesting the one a typo most likely meant or else listing the right ones', () => {
    expect(checkMessageClass(sendRequest({ topic: 'Promotion' }), cartReminder, registry)).toEqual({
      ok: false,
      problems: [{ path: 'topic', message: '"Promotion" is not a topic declared in topics.json (did you mean "promotions"?)' }],
    });
    expect(checkMessageClass(sendRequest({ topic: 'black-friday' }), cartReminder, registry)).toEqual({
      ok: false,
      problems: [{ path: 'topic', message: '"black-friday" is not a topic declared in topics.json; its marketing topics are "promotions", "new-arrivals"' }],
    });
  });

  it('refuses a topic on a channel the registry does not declare it for, unless the request leaves that channel out', () => {
    expect(checkMessageClass(sendRequest({ topic: 'new-arrivals' }), cartReminder, registry)).toEqual({
      ok: false,
      problems: [{ path: 'topic', message: 'topics.json does not declare "new-arrivals" for sms, in_app; template "cart-reminder" may use it on email, push' }],
    });
    expect(checkMessageClass(sendRequest({ topic: 'new-arrivals', channels: ['push', 'sms'] }), cartReminder, registry)).toMatchObject({ ok: false });
    expect(checkMessageClass(sendRequest({ topic: 'new-arrivals', channels: ['push'] }), cartReminder, registry)).toMatchObject({ ok: true });
  });

  it('reports a template topic the registry does not know under the template, as a bundle built by hand could have', () => {
    expect(checkMessageClass(sendRequest(), manifest({ topic: 'promotion' }), registry)).toMatchObject({ ok: false, problems: [{ path: 'template' }] });
  });

  it('never takes "*" for a topic, from the request or the template', () => {
    const request = { ...sendRequest(), topic: '*' };
    const problem = { path: 'topic', message: '"*" stands for every topic in a customer\'s consent and is never the topic of a message' };
    expect(checkMessageClass(request, cartReminder, registry)).toEqual({ ok: false, problems: [problem] });
    expect(checkMessageClass(request, cartReminder, undefined)).toEqual({ ok: false, problems: [problem] });
    expect(checkMessageClass(sendRequest(), manifest({ topic: '*' }), undefined)).toEqual({ ok: false, problems: [{ ...problem, path: 'template' }] });
  });

  it('lists every problem at once', () => {
    const check = checkMessageClass(sendRequest({ category: 'transactional', topic: 'order-updates' }), cartReminder, registry);
    expect(check.ok ? [] : check.problems.map((p) => p.path)).toEqual(['category', 'topic']);
  });
});

describe('checkMessageClass without a registry', () => {
  it("allows only the template's own topic and category", () => {
    expect(checkMessageClass(sendRequest({ topic: 'promotions' }), cartReminder, undefined)).toEqual({ ok: true, category: 'marketing', topic: 'promotions' });
    expect(checkMessageClass(sendRequest({ topic: 'new-arrivals' }), cartReminder, undefined)).toEqual({
      ok: false,
      problems: [{ path: 'topic', message: 'the template bundle has no topic registry, so only the template\'s own topic "promotions" can be used' }],
    });
    expect(checkMessageClass(sendRequest({ category: 'transactional' }), cartReminder, undefined)).toMatchObject({ ok: false, problems: [{ path: 'category' }] });
  });
});

describe('topicProblems', () => {
  it('has nothing to say about a topic used as declared', () => {
    expect(topicProblems(registry, { topic: 'order-updates', category: 'transactional', channels: ['email', 'sms'] }, 'the template')).toEqual([]);
  });

  it('names the category mismatch and the undeclared channels together', () => {
    expect(topicProblems(registry, { topic: 'new-arrivals', category: 'transactional', channels: ['sms'] }, 'the template')).toEqual([
      '"new-arrivals" is a marketing topic in topics.json, and the template is transactional',
      'topics.json does not declare "new-arrivals" for sms',
    ]);
  });

  it('says when the registry has no topic of the category at all', () => {
    const marketingOnly = { formatVersion: 1 as const, topics: registry.topics.filter((topic) => topic.category === 'marketing') };
    expect(topicProblems(marketingOnly, { topic: 'receipts', category: 'transactional', channels: ['email'] }, 'the template')).toEqual([
      '"receipts" is not a topic declared in topics.json; it declares no transactional topic',
    ]);
  });
});
