import { CHANNELS, type Channel } from '../model.js';

/** A path into a stored document: attribute names and list indexes. */
export type DocumentPath = readonly (string | number)[];

/**
 * What an erased customer's delivery records keep. They stay because they are the record of
 * what was sent, when, on which channel and under which consent rule: the evidence a regulator
 * asks for, and the idempotency keys that stop a redelivered request from being sent again.
 * They keep no address, no customer id, no text a provider or a template put there, and they
 * still expire with the deliveries table's retention.
 */
const KEEP = {
  record: [
    'requestId',
    'customerId',
    'template',
    'category',
    'topic',
    'strategy',
    'status',
    'channel',
    'channels',
    'attempts',
    'timeline',
    'decision',
    'createdAt',
    'updatedAt',
    'retries',
    'lastRetry',
    'leaseUntil',
    'expiresAtEpoch',
    'erasedAt',
  ],
  /** Provider message ids lead to the provider's logs, which hold the address; error messages may quote it. */
  attempt: ['channel', 'at', 'outcome', 'error'],
  error: ['code'],
  /** Details are provider text (bounce diagnostics, subscription notes); event ids embed provider ids. */
  timelineEvent: ['status', 'at', 'channel'],
  decision: ['ranked', 'excluded'],
  /** Reasons name stores, time zones and engagement; scores and their components stay. */
  ranked: ['channel', 'score', 'components'],
  excluded: ['channel', 'reason'],
  lastRetry: ['code', 'at'],
} as const;

export interface DeliveryErasure {
  remove: DocumentPath[];
  /** Every ranked channel's `reasons` emptied (readers expect the list), and the pseudonymous owner. */
  set: { path: DocumentPath; value: unknown }[];
  /** Provider message ids of the attempts, whose lookup items must go too. */
  providerMessages: { channel: Channel; providerMessageId: string }[];
}

/**
 * The attribute-level changes that strip one stored delivery record down to what `KEEP` allows,
 * owned by `pseudonym` from then on. Removing and setting single attributes (never rewriting a
 * list) leaves alone any timeline event a concurrent feedback write appends meanwhile.
 */
export function deliveryErasure(item: Record<string, unknown>, pseudonym: string, at: string): DeliveryErasure {
  const remove: DocumentPath[] = [];
  const set: DeliveryErasure['set'] = [];
  const strip = (value: unknown, path: DocumentPath, keep: readonly string[]): Record<string, unknown> | undefined => {
    if (!isMap(value)) {
      // Removing a list element would shift the indexes the other changes name: it is nulled instead.
      if (typeof path[path.length - 1] === 'number') set.push({ path, value: null });
      else remove.push(path);
      return undefined;
    }
    for (const key of Object.keys(value)) if (!keep.includes(key)) remove.push([...path, key]);
    return value;
  };
  const eachOf = (key: string, keep: readonly string[], visit: (entry: Record<string, unknown>, path: DocumentPath) => void = () => undefined) => {
    const list = item[key];
    if (list === undefined) return;
    if (!Array.isArray(list)) return remove.push([key]);
    list.forEach((value, i) => {
      const entry = strip(value, [key, i], keep);
      if (entry) visit(entry, [key, i]);
    });
  };

  for (const key of Object.keys(item)) if (!(KEEP.record as readonly string[]).includes(key)) remove.push([key]);
  eachOf('attempts', KEEP.attempt, (attempt, path) => {
    if (attempt.error !== undefined) strip(attempt.error, [...path, 'error'], KEEP.error);
  });
  eachOf('timeline', KEEP.timelineEvent);
  if (item.lastRetry !== undefined) strip(item.lastRetry, ['lastRetry'], KEEP.lastRetry);
  const decision = item.decision === undefined ? undefined : strip(item.decision, ['decision'], KEEP.decision);
  if (decision) {
    const nested = { ranked: decision.ranked, excluded: decision.excluded };
    const within = (key: 'ranked' | 'excluded', keep: readonly string[]) => {
      const list = nested[key];
      if (list === undefined) return;
      if (!Array.isArray(list)) return remove.push(['decision', key]);
      list.forEach((value, i) => {
        const entry = strip(value, ['decision', key, i], keep);
        if (entry && key === 'ranked') set.push({ path: ['decision', 'ranked', i, 'reasons'], value: [] });
      });
    };
    within('ranked', KEEP.ranked);
    within('excluded', KEEP.excluded);
  }
  set.push({ path: ['customerId'], value: pseudonym }, { path: ['erasedAt'], value: at });
  return { remove: remove.filter((path) => !set.some((s) => samePath(s.path, path))), set, providerMessages: providerMessagesOf(item.attempts) };
}

function providerMessagesOf(attempts: unknown): DeliveryErasure['providerMessages'] {
  if (!Array.isArray(attempts)) return [];
  return attempts.flatMap((attempt) => {
    if (!isMap(attempt)) return [];
    const { channel, providerMessageId } = attempt;
    return typeof providerMessageId === 'string' && providerMessageId !== '' && (CHANNELS as readonly unknown[]).includes(channel)
      ? [{ channel: channel as Channel, providerMessageId }]
      : [];
  });
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function samePath(a: DocumentPath, b: DocumentPath): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}
