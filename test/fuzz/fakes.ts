import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { expect } from 'vitest';
import { PermanentError } from '../../functions/core/errors.js';
import type { FeedbackDeps } from '../../functions/core/feedback/apply.js';
import type { InboxMessage, InboxStore } from '../../functions/core/feedback/inbox.js';
import type { FeedbackStore, FeedbackTarget } from '../../functions/core/feedback/ports.js';
import type { DeliveryHistory, DeliveryLookup } from '../../functions/core/history.js';
import type { DeliveryRecord, Problem } from '../../functions/core/model.js';
import { assertKey, expectBoundedProblems } from './hostile.js';

/**
 * In-memory ports that behave like DynamoDB where hostile input matters: a key it would refuse
 * throws the error the adapters raise for it. A handler that lets such input through fails.
 */
export const CUSTOMER = 'c-fuzz';
export const KNOWN_REQUEST = 'r-known';
export const KNOWN_SK = `2026-11-24T09:00:00.000Z#${KNOWN_REQUEST}`;
const NOW = new Date('2026-11-24T12:00:00.000Z');
export const clock = { now: () => NOW };

const message: InboxMessage = { sk: KNOWN_SK, requestId: KNOWN_REQUEST, title: 'Boots', body: 'Still thinking?', status: 'unread', createdAt: '2026-11-24T09:00:00.000Z' };

export const fakeInbox: InboxStore = {
  async list(customerId, page) {
    assertKey(customerId, 'customerId');
    if (page.cursor !== undefined) {
      const sk = Buffer.from(page.cursor, 'base64url').toString('utf8');
      if (!/^\d{4}-\d{2}-\d{2}T[^#]+#.+$/.test(sk)) throw new PermanentError('invalid inbox cursor', 'INVALID_CURSOR');
      assertKey(sk, 'sk');
    }
    return customerId === CUSTOMER ? { items: [message], cursor: Buffer.from(KNOWN_SK).toString('base64url') } : { items: [] };
  },
  async unreadCount(customerId) {
    assertKey(customerId, 'customerId');
    return 1;
  },
  async find(customerId, id) {
    assertKey(customerId, 'customerId');
    if (id.includes('#')) assertKey(id, 'sk');
    return customerId === CUSTOMER && (id === KNOWN_SK || id === KNOWN_REQUEST) ? message : undefined;
  },
  async mark(customerId, sk) {
    assertKey(customerId, 'customerId');
    assertKey(sk, 'sk');
    return customerId === CUSTOMER && sk === KNOWN_SK ? message : undefined;
  },
};

const target: FeedbackTarget = {
  requestId: KNOWN_REQUEST,
  customerId: CUSTOMER,
  status: 'SENT',
  category: 'marketing',
  topic: 'promotions',
  sentChannels: ['in_app', 'push', 'email'],
  finished: true,
  seenEvents: new Set(),
  countedEngagement: new Set(),
  timelineLength: 1,
};

const store: FeedbackStore = {
  async find(requestId) {
    assertKey(requestId, 'requestId');
    return requestId === KNOWN_REQUEST ? target : undefined;
  },
  async record(write) {
    assertKey(write.requestId, 'requestId');
    assertKey(write.eventId, 'eventId');
    return true;
  },
};

export const fakeFeedback: FeedbackDeps = {
  store,
  index: {
    async lookup(_channel, providerMessageId) {
      assertKey(providerMessageId, 'providerMessageId');
      return undefined;
    },
  },
  customers: {
    async getMany(ids) {
      ids.forEach((id) => assertKey(id, 'customerId'));
      return new Map();
    },
    async applyAddressChanges(customerId) {
      assertKey(customerId, 'customerId');
    },
  },
  suppressions: {
    async apply(customerId, plan) {
      assertKey(customerId, 'customerId');
      for (const change of plan.changes) if (change.kind === 'opt_out_topics') change.topics.forEach((topic) => assertKey(topic, 'topic'));
    },
  },
  telemetry: { record: () => undefined },
  clock,
};

const record: DeliveryRecord = {
  requestId: KNOWN_REQUEST,
  customerId: CUSTOMER,
  status: 'SENT',
  channel: 'push',
  attempts: [{ channel: 'push', at: '2026-11-24T09:00:00.000Z', outcome: 'SENT' }],
  timeline: [{ status: 'SENT', at: '2026-11-24T09:00:00.000Z', channel: 'push' }],
  createdAt: '2026-11-24T09:00:00.000Z',
  updatedAt: '2026-11-24T09:00:00.000Z',
};

export const fakeHistory: DeliveryHistory & DeliveryLookup = {
  async getDelivery(requestId) {
    assertKey(requestId, 'requestId');
    return requestId === KNOWN_REQUEST ? record : undefined;
  },
  async listByCustomer(customerId, page) {
    assertKey(customerId, 'customerId');
    if (page.cursor !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(page.cursor, 'base64url').toString('utf8'));
      } catch {
        parsed = undefined;
      }
      if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((v) => typeof v === 'string') || parsed[1] !== customerId) {
        throw new PermanentError('invalid history cursor', 'INVALID_CURSOR');
      }
      parsed.forEach((key, i) => assertKey(key, `cursor key ${i}`));
    }
    return customerId === CUSTOMER ? { items: [record], cursor: Buffer.from(JSON.stringify([KNOWN_REQUEST, CUSTOMER, record.createdAt])).toString('base64url') } : { items: [] };
  },
};

/** Never a 5xx: bad input is the client's problem, told as a JSON list of problems with paths. */
export function expectClientAnswer(response: APIGatewayProxyStructuredResultV2): void {
  const status = response.statusCode ?? 0;
  expect(status).toBeGreaterThanOrEqual(200);
  expect(status).toBeLessThan(500);
  const type = String(response.headers?.['content-type'] ?? '');
  if (status < 400 || type.startsWith('text/html')) return;
  expect(type).toMatch(/^application\/json/);
  const body = JSON.parse(String(response.body)) as { error: { code: string; message: string; problems: Problem[] } };
  expect(typeof body.error.code).toBe('string');
  expectBoundedProblems(body.error.problems);
}
