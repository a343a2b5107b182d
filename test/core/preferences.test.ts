import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MemoryCustomerDirectory } from '../../functions/adapters/memory/customer-directory.js';
import { fixedClock } from '../../functions/adapters/system-clock.js';
import { checkConsent } from '../../functions/core/consent.js';
import { PermanentError } from '../../functions/core/errors.js';
import { CHANNELS, type Channel, type ConsentBook, type Customer } from '../../functions/core/model.js';
import { planPreferenceEdit, type PreferenceEdit } from '../../functions/core/preferences/edit.js';
import { readPreferences, updatePreferences } from '../../functions/core/preferences/manage.js';
import { preferenceView } from '../../functions/core/preferences/view.js';
import type { ConsentChange } from '../../functions/core/ports.js';
import { PREFERENCE_REGISTRY as REGISTRY } from '../fixtures/preference-registry.js';
import { MemoryConsentWriter } from '../support/memory-consent-writer.js';

const AT = new Date('2026-11-24T12:00:00.000Z');
const stamp = { source: 'preference_centre', at: AT };

function customer(consent: ConsentBook | undefined, changes: (c: Customer) => void = () => undefined): Customer {
  const c: Customer = {
    customerId: 'c-pref-1',
    email: { address: 'ada@example.com', status: 'active' },
    phone: { number: '+447700900123', status: 'active' },
    inApp: { enabled: true },
    ...(consent ? { consent } : {}),
  };
  changes(c);
  return c;
}

/** The record after the changes, as the table's writer would leave it (no concurrent writer). */
function applied(c: Customer, changes: ConsentChange[]): Customer {
  const next = structuredClone(c);
  for (const change of changes) {
    next.consent ??= {};
    (next.consent[change.channel] ??= {})[change.topic] = { value: change.value, updatedAt: change.updatedAt, source: change.source };
  }
  return next;
}

describe('the preference view', () => {
  it('shows the registry’s topics on the channels the customer can be reached on, each choice as the orchestrator decides it', () => {
    const view = preferenceView(REGISTRY, customer({ email: { '*': { value: 'opt_in', updatedAt: '2026-05-12T08:30:00Z', source: 'checkout' } }, sms: { promotions: 'opt_out' } }));

    // No push token: push is not offered. in_app carries promotions and order updates only.
    expect(view.channels.map((c) => c.channel)).toEqual(['email', 'sms', 'in_app']);
    expect(view.topics.map((t) => [t.id, Object.keys(t.choices)])).toEqual([
      ['promotions', ['email', 'sms', 'in_app']],
      ['newsletter', ['email']],
      ['order-updates', ['email', 'sms', 'in_app']],
    ]);
    const promotions = view.topics[0]?.choices;
    expect(promotions?.email).toEqual({
      subscribed: true,
      required: false,
      changeable: true,
      decidedBy: { topic: '*', value: 'opt_in', source: 'checkout', updatedAt: '2026-05-12T08:30:00Z' },
    });
    expect(promotions?.sms).toMatchObject({ subscribed: false, decidedBy: { topic: 'promotions' } });
    // Marketing without an opt-in is not sent: shown as off, with nothing deciding it.
    expect(promotions?.in_app).toEqual({ subscribed: false, required: false, changeable: true });
    expect(view.topics[2]?.choices.email).toMatchObject({ subscribed: true, required: true, changeable: false });
    expect(view.channels.find((c) => c.channel === 'in_app')).toEqual({ channel: 'in_app', marketingTopics: ['promotions'], noMarketing: true });
    expect(view.channels.find((c) => c.channel === 'email')?.noMarketing).toBe(false);
  });

  it('leaves out a channel whose address is suppressed, and locks every choice under a channel-wide opt-out', () => {
    const stopped = { value: 'opt_out', updatedAt: '2026-10-05T07:40:00Z', source: 'sms_opt_out' } as const;
    const view = preferenceView(
      REGISTRY,
      customer({ sms: { '*': stopped, 'order-updates': 'opt_in' } }, (c) => (c.email = { address: 'ada@example.com', status: 'suppressed', reason: 'bounced' })),
    );

    expect(view.channels.map((c) => c.channel)).toEqual(['sms', 'in_app']);
    const sms = view.channels[0];
    expect(sms?.allOff).toEqual({ source: 'sms_opt_out', updatedAt: '2026-10-05T07:40:00Z' });
    for (const topic of view.topics) expect(topic.choices.sms).toMatchObject({ subscribed: false, changeable: false, decidedBy: { topic: '*' } });
  });
});

describe('planning an edit', () => {
  it('writes only the choices that change, stamped with the source and time', () => {
    const c = customer({ email: { '*': 'opt_in' }, sms: { promotions: 'opt_out' } });
    const plan = planPreferenceEdit(
      REGISTRY,
      c,
      {
        choices: [
          { topic: 'promotions', channel: 'email', subscribed: false },
          { topic: 'promotions', channel: 'sms', subscribed: false },
        ],
        noMarketingOn: [],
      },
      stamp,
    );

    expect(plan).toEqual({ ok: true, changes: [{ channel: 'email', topic: 'promotions', value: 'opt_out', source: 'preference_centre', updatedAt: AT.toISOString() }] });
  });

  it('lists every problem against the registry and the record, and plans nothing', () => {
    const c = customer({ sms: { '*': 'opt_out' } });
    const plan = planPreferenceEdit(
      REGISTRY,
      c,
      {
        choices: [
          { topic: 'order-updates', channel: 'email', subscribed: false },
          { topic: 'promotion', channel: 'email', subscribed: false },
          { topic: '*', channel: 'email', subscribed: false },
          { topic: 'newsletter', channel: 'sms', subscribed: true },
          { topic: 'promotions', channel: 'sms', subscribed: true },
          { topic: 'promotions', channel: 'email', subscribed: true },
          { topic: 'promotions', channel: 'in_app', subscribed: true },
          { topic: 'promotions', channel: 'in_app', subscribed: false },
        ],
        noMarketingOn: ['email', 'email'],
      },
      stamp,
    );

    expect(plan.ok).toBe(false);
    expect(plan.ok ? [] : plan.problems).toEqual([
      { path: 'noMarketingOn.1', message: 'email is listed twice' },
      { path: 'topics.order-updates.email', message: 'Order updates is required on email and cannot be switched off' },
      { path: 'topics.promotion.email', message: 'is not a topic; the topics are promotions, newsletter, order-updates' },
      { path: 'topics.*.email', message: '"*" is not a topic; noMarketingOn switches off every marketing topic on a channel' },
      { path: 'topics.newsletter.sms', message: 'Newsletter is not sent by sms; it uses email' },
      { path: 'topics.promotions.sms', message: 'every message on sms is switched off (no source recorded); no topic can be switched on under that here' },
      { path: 'topics.promotions.email', message: 'contradicts noMarketingOn, which switches off every marketing topic on email' },
      { path: 'topics.promotions.in_app', message: 'is asked for both ways' },
    ]);
  });

  it('takes every marketing topic off a channel for "no marketing", while order updates still pass there', () => {
    const c = customer({ email: { '*': 'opt_in', promotions: { value: 'opt_out', updatedAt: '2026-10-02T19:12:00Z', source: 'one_click_unsubscribe' } } });
    const plan = planPreferenceEdit(REGISTRY, c, { choices: [], noMarketingOn: ['email'] }, stamp);

    // promotions already holds an explicit opt-out, kept with its own provenance.
    expect(plan).toEqual({ ok: true, changes: [{ channel: 'email', topic: 'newsletter', value: 'opt_out', source: 'preference_centre', updatedAt: AT.toISOString() }] });
    const after = applied(c, plan.ok ? plan.changes : []);
    expect(checkConsent(after.consent, 'email', 'marketing', 'promotions').allowed).toBe(false);
    expect(checkConsent(after.consent, 'email', 'marketing', 'newsletter').allowed).toBe(false);
    expect(checkConsent(after.consent, 'email', 'transactional', 'order-updates')).toEqual({ allowed: true, basis: 'email/*: opt_in' });
    expect(preferenceView(REGISTRY, after).channels.find((ch) => ch.channel === 'email')?.noMarketing).toBe(true);
  });
});

const channel = fc.constantFrom(...CHANNELS);
const topicKey = fc.constantFrom('*', 'promotions', 'newsletter', 'order-updates');
const entry = fc.oneof(
  fc.constantFrom('opt_in' as const, 'opt_out' as const),
  fc.record({ value: fc.constantFrom('opt_in' as const, 'opt_out' as const), updatedAt: fc.constant('2026-01-01T00:00:00.000Z'), source: fc.constant('import') }),
);
const consentBook = fc.dictionary(channel, fc.dictionary(topicKey, entry, { maxKeys: 4 }), { maxKeys: 4 }) as fc.Arbitrary<ConsentBook>;
const edit: fc.Arbitrary<PreferenceEdit> = fc.record({
  choices: fc.array(fc.record({ topic: fc.constantFrom('promotions', 'newsletter', 'order-updates'), channel, subscribed: fc.boolean() }), { maxLength: 8 }),
  noMarketingOn: fc.uniqueArray(channel, { maxLength: 2 }),
});

describe('every edit the registry allows', () => {
  test.prop([consentBook, edit], { seed: 1124, numRuns: 400 })('leaves the record saying exactly what was asked, and touches nothing else', (book, asked) => {
    const c = customer(book);
    const plan = planPreferenceEdit(REGISTRY, c, asked, stamp);
    fc.pre(plan.ok);
    const changes = plan.changes;
    const after = applied(c, changes);
    const before = preferenceView(REGISTRY, c);
    const view = preferenceView(REGISTRY, after);

    for (const choice of asked.choices) {
      const topic = REGISTRY.topics.find((t) => t.id === choice.topic);
      expect(checkConsent(after.consent, choice.channel, topic?.category ?? 'marketing', choice.topic).allowed).toBe(choice.subscribed);
    }
    for (const silenced of asked.noMarketingOn) {
      for (const topic of REGISTRY.topics.filter((t) => t.category === 'marketing' && t.channels.includes(silenced))) {
        expect(checkConsent(after.consent, silenced, 'marketing', topic.id).allowed).toBe(false);
      }
    }
    // Nothing the edit did not name changes, and no change is a "*" or a no-op.
    const named = new Set(asked.choices.map((ch) => `${ch.channel}/${ch.topic}`));
    for (const t of view.topics) {
      for (const [ch, choice] of Object.entries(t.choices) as [Channel, { subscribed: boolean }][]) {
        const silencedHere = t.category === 'marketing' && asked.noMarketingOn.includes(ch);
        if (!named.has(`${ch}/${t.id}`) && !silencedHere) expect(choice.subscribed).toBe(before.topics.find((b) => b.id === t.id)?.choices[ch]?.subscribed);
      }
    }
    expect(changes.every((change) => change.topic !== '*' && change.source === 'preference_centre')).toBe(true);
  });
});

describe('updating preferences through the ports', () => {
  function world(c: Customer) {
    const customers = new MemoryCustomerDirectory([c]);
    const consent = new MemoryConsentWriter(customers);
    return { customers, consent, deps: { customers, consent, registry: REGISTRY, clock: fixedClock(AT) } };
  }

  it('writes the change and answers with the choices the record now holds', async () => {
    const { customers, deps } = world(customer({ email: { '*': 'opt_in' } }));

    const outcome = await updatePreferences('c-pref-1', { choices: [{ topic: 'promotions', channel: 'email', subscribed: false }], noMarketingOn: [] }, 'app', deps);

    expect(outcome.kind).toBe('saved');
    expect(outcome.kind === 'saved' && outcome.view.topics[0]?.choices.email).toEqual({
      subscribed: false,
      required: false,
      changeable: true,
      decidedBy: { topic: 'promotions', value: 'opt_out', source: 'app', updatedAt: AT.toISOString() },
    });
    expect(customers.get('c-pref-1')?.consent?.email?.promotions).toEqual({ value: 'opt_out', updatedAt: AT.toISOString(), source: 'app' });
  });

  it('never overwrites a newer decision already on the record', async () => {
    const newer = { value: 'opt_in', updatedAt: '2026-11-24T12:00:05.000Z', source: 'api:crm' } as const;
    const { customers, deps } = world(customer({ email: { promotions: newer } }));

    const outcome = await updatePreferences('c-pref-1', { choices: [{ topic: 'promotions', channel: 'email', subscribed: false }], noMarketingOn: [] }, 'app', deps);

    expect(outcome.kind === 'saved' && outcome.applied).toEqual([]);
    expect(outcome.kind === 'saved' && outcome.view.topics[0]?.choices.email?.subscribed).toBe(true);
    expect(customers.get('c-pref-1')?.consent?.email?.promotions).toEqual(newer);
  });

  it('writes nothing for an edit with problems, an unknown customer or one already in place', async () => {
    const { consent, deps } = world(customer({ email: { '*': 'opt_in' } }));

    expect((await updatePreferences('c-pref-1', { choices: [{ topic: 'order-updates', channel: 'email', subscribed: false }], noMarketingOn: [] }, 'app', deps)).kind).toBe(
      'invalid',
    );
    expect((await updatePreferences('c-nobody', { choices: [], noMarketingOn: ['email'] }, 'app', deps)).kind).toBe('unknown');
    expect((await updatePreferences('c-pref-1', { choices: [{ topic: 'promotions', channel: 'email', subscribed: true }], noMarketingOn: [] }, 'app', deps)).kind).toBe('saved');
    expect(consent.calls).toEqual([]);
    expect((await readPreferences('c-nobody', deps)).kind).toBe('unknown');
  });

  it.each([
    ['UNKNOWN_CUSTOMER', { kind: 'unknown' }],
    ['MALFORMED_CUSTOMER', { kind: 'malformed', problems: [{ path: 'consent', message: 'not a map' }] }],
  ])('answers a writer that finds the record gone or reshaped since the read (%s) instead of failing', async (code, expected) => {
    const { deps } = world(customer({ email: { '*': 'opt_in' } }));
    const consent = { apply: async () => Promise.reject(new PermanentError('not a map', code)) };

    const outcome = await updatePreferences('c-pref-1', { choices: [], noMarketingOn: ['email'] }, 'app', { ...deps, consent });

    expect(outcome).toEqual(expected);
  });

  it('reports a record that breaks the contract instead of guessing at it', async () => {
    const customers = new MemoryCustomerDirectory();
    customers.putItem({ customerId: 'c-broken', consent: { email: { promotions: 'yes please' } } });

    const lookup = await readPreferences('c-broken', { customers, registry: REGISTRY });

    expect(lookup).toEqual({ kind: 'malformed', problems: [expect.objectContaining({ path: 'consent.email.promotions' })] });
  });
});
