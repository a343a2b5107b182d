import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFeedbackStore } from '../../functions/adapters/dynamo-feedback-store.js';
import { defaultDecisionConfig } from '../../functions/core/config.js';
import { applyFeedbackEvent } from '../../functions/core/feedback/apply.js';
import { countOnce } from '../../functions/core/feedback/engagement.js';
import type { FeedbackEvent } from '../../functions/core/feedback/event.js';
import { fromSesEventBridge } from '../../functions/core/feedback/ses.js';
import { countedEvidence, snapshotAt } from '../../functions/core/learning/evidence.js';
import type { ChannelEngagement } from '../../functions/core/model.js';
import { type SesFixture, sesFixture } from '../support/feedback-fixtures.js';
import { type FeedbackWorld, feedbackWorld } from '../support/feedback-world.js';

const HALF_LIFE_DAYS = defaultDecisionConfig.learning.halfLifeDays;

/** A history with a snapshot from five weeks before the fixtures' events, and counters that moved since. */
const HISTORY: ChannelEngagement = {
  delivered: 14,
  opened: 6,
  clicked: 2,
  lastEngagedAt: '2026-10-20T09:00:00.000Z',
  recent: { at: '2026-10-20T09:00:00.000Z', delivered: 7.25, engaged: 3.5, countedDelivered: 11, countedEngaged: 5 },
};

let world: FeedbackWorld;
beforeAll(async () => {
  world = await feedbackWorld('snapshot');
});
afterAll(() => world.destroy());

let sequence = 0;

/** A customer with `email` history, and an email sent to them per entry of `messages`. */
async function customerWith(email: unknown, messages = 1) {
  const customerId = `c-snapshot-${++sequence}`;
  await world.putCustomer({ customerId, email: { address: 'customer@example.com', status: 'active' }, engagement: { email: email as ChannelEngagement } });
  const requests = [];
  for (let m = 0; m < messages; m++) {
    const requestId = `r-snapshot-${sequence}-${m}`;
    await world.sent(requestId, customerId, 'email');
    requests.push((name: SesFixture, at?: string): FeedbackEvent => {
      const result = fromSesEventBridge(sesFixture(name, { requestId, customerId, messageId: `ses-snapshot-${sequence}-${m}` }));
      if (!result.ok) throw new Error(result.reason);
      return at ? { ...result.event, at } : result.event;
    });
  }
  return { customerId, requests };
}

async function emailOf(customerId: string): Promise<ChannelEngagement | undefined> {
  return (await world.customer(customerId))?.engagement?.email;
}

/** What the snapshot must always say of itself: the counters it folded in are the counters written. */
function expectSnapshotOfCounters(history: ChannelEngagement | undefined): void {
  const counted = countedEvidence(history);
  expect(history?.recent).toMatchObject({ countedDelivered: counted.delivered, countedEngaged: counted.engaged });
}

describe('the evidence snapshot an open or a click writes', () => {
  it('is the one countOnce works out for the same history, folding in what the counters gained since the last one', async () => {
    const { customerId, requests } = await customerWith(HISTORY);
    const [ses = never()] = requests;
    const delivery = ses('ses-delivery');
    const open = ses('ses-open');
    await applyFeedbackEvent(delivery, world.deps);
    await applyFeedbackEvent(open, world.deps);

    const expected = countOnce(countOnce(HISTORY, 'delivered', new Date(delivery.at), HALF_LIFE_DAYS), 'opened', new Date(open.at), HALF_LIFE_DAYS);
    const stored = await emailOf(customerId);
    expect(stored).toEqual(expected);
    // Five weeks faded what was dated; the four deliveries and two opens counted since count in full.
    expect(stored?.recent).toMatchObject({ at: open.at, countedDelivered: 15, countedEngaged: 7 });
    const ageDays = (Date.parse(open.at) - Date.parse(HISTORY.recent?.at ?? '')) / 86_400_000;
    expect(stored?.recent?.delivered).toBeCloseTo(7.25 * 0.5 ** (ageDays / HALF_LIFE_DAYS) + 4, 3);
    expect(stored?.recent?.engaged).toBeCloseTo(3.5 * 0.5 ** (ageDays / HALF_LIFE_DAYS) + 2, 3);
  });

  it('is left as it was by an open delivered again, one after the other or racing', async () => {
    const { customerId, requests } = await customerWith(HISTORY);
    const [ses = never()] = requests;
    await applyFeedbackEvent(ses('ses-delivery'), world.deps);
    expect(await applyFeedbackEvent(ses('ses-open'), world.deps)).toMatchObject({ outcome: 'applied' });
    const written = await emailOf(customerId);

    expect(await applyFeedbackEvent(ses('ses-open'), world.deps)).toMatchObject({ outcome: 'duplicate' });
    const copies = await Promise.all(Array.from({ length: 4 }, () => applyFeedbackEvent(ses('ses-open'), world.deps)));
    expect(copies.every((outcome) => outcome.outcome === 'duplicate')).toBe(true);
    expect(await emailOf(customerId)).toEqual(written);
    expectSnapshotOfCounters(written);
  });

  it('counts an open once when its copies race from the start', async () => {
    const { customerId, requests } = await customerWith(HISTORY);
    const [ses = never()] = requests;
    const open = ses('ses-open');
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => applyFeedbackEvent(open, world.deps)));
    expect(outcomes.filter((outcome) => outcome.outcome === 'applied')).toHaveLength(1);
    const stored = await emailOf(customerId);
    expect(stored).toEqual(countOnce(HISTORY, 'opened', new Date(open.at), HALF_LIFE_DAYS));
  });

  it('ends consistent with the counters when two opens of one customer race', async () => {
    const { customerId, requests } = await customerWith(HISTORY, 2);
    const [first = never(), second = never()] = requests;
    const opens = [first('ses-open'), second('ses-open', '2026-11-24T14:00:00.000Z')];
    await Promise.all(opens.map((open) => applyFeedbackEvent(open, world.deps)));

    const stored = await emailOf(customerId);
    expect(stored).toMatchObject({ opened: 8, delivered: 14 });
    expectSnapshotOfCounters(stored);
    expect(opens.map((open) => open.at)).toContain(stored?.recent?.at);
    // Whichever wrote last dated both opens: the sums are those of one open after the other, but
    // for the hour of fading between the two times, which depends on who wrote last.
    const expected = opens.reduce<ChannelEngagement>((history, open) => countOnce(history, 'opened', new Date(open.at), HALF_LIFE_DAYS), HISTORY).recent;
    expect(stored?.recent?.engaged).toBeCloseTo(expected?.engaged ?? Number.NaN, 1);
    expect(stored?.recent?.delivered).toBeCloseTo(expected?.delivered ?? Number.NaN, 1);
  });

  it('is written again, from a fresh read, when another writer changed it between the read and the write', async () => {
    const { customerId, requests } = await customerWith(HISTORY, 2);
    const [first = never(), second = never()] = requests;
    const late = first('ses-open');
    const early = second('ses-open', '2026-11-24T11:00:00.000Z');
    // The first open's snapshot read is answered only after the second open has been applied in full.
    const store = new DynamoFeedbackStore(
      afterFirstRead(world.local.doc, world.local.tables.customers, async () => {
        expect(await applyFeedbackEvent(early, world.deps)).toMatchObject({ outcome: 'applied' });
      }),
      { deliveriesTable: world.local.tables.deliveries, customersTable: world.local.tables.customers, halfLifeDays: HALF_LIFE_DAYS },
    );
    expect(await applyFeedbackEvent(late, { ...world.deps, store })).toMatchObject({ outcome: 'applied' });

    // The early open's writer read both counts (the late one's was already written) and dated them;
    // the late one's first write lost to it, and its retry re-dated that snapshot, not its stale read.
    const counted: ChannelEngagement = { ...HISTORY, opened: 8 };
    const byEarly: ChannelEngagement = { ...counted, recent: snapshotAt(counted, counted, new Date(early.at), HALF_LIFE_DAYS) };
    const stored = await emailOf(customerId);
    expect(stored?.opened).toBe(8);
    expect(stored?.recent).toEqual(snapshotAt(byEarly, byEarly, new Date(late.at), HALF_LIFE_DAYS));
    expectSnapshotOfCounters(stored);
  });

  it.each([
    ['not a map', 'garbage'],
    ['a map of the wrong things', { at: 'yesterday', delivered: -3, engaged: 'many' }],
    ['an empty map', {}],
  ])('replaces a snapshot that is %s, counting every counter in full', async (_, recent) => {
    const { customerId, requests } = await customerWith({ ...HISTORY, recent });
    const [ses = never()] = requests;
    const open = ses('ses-open');
    expect(await applyFeedbackEvent(open, world.deps)).toMatchObject({ outcome: 'applied' });
    const stored = await emailOf(customerId);
    expect(stored?.recent).toEqual({ at: open.at, delivered: 14, engaged: 7, countedDelivered: 14, countedEngaged: 7 });
    expect(stored?.recent).toEqual(countOnce({ ...HISTORY, recent: recent as never }, 'opened', new Date(open.at), HALF_LIFE_DAYS).recent);
  });

  it('is not written for a delivery: that is counted, and dated by the next engagement', async () => {
    const { customerId, requests } = await customerWith(HISTORY);
    const [ses = never()] = requests;
    await applyFeedbackEvent(ses('ses-delivery'), world.deps);
    expect(await emailOf(customerId)).toEqual({ ...HISTORY, delivered: 15 });
  });
});

/** The document client, except that its first read of `table` waits for `meanwhile` before answering. */
function afterFirstRead(client: DynamoDBDocumentClient, table: string, meanwhile: () => Promise<void>): DynamoDBDocumentClient {
  let waited = false;
  const send = async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
    const output = await client.send(command as GetCommand);
    if (!waited && command instanceof GetCommand && command.input.TableName === table) {
      waited = true;
      await meanwhile();
    }
    return output;
  };
  return { send } as unknown as DynamoDBDocumentClient;
}

function never(): never {
  throw new Error('no such request');
}
