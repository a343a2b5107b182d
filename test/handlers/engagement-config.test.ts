import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/core/errors.js';
import { readFeedbackConfig } from '../../functions/feedback/config.js';
import { readInboxApiConfig } from '../../functions/inbox-api/config.js';
import { handlerEnvironment } from '../../functions/local/handler-env.js';
import { readUnsubscribeConfig } from '../../functions/unsubscribe/config.js';

const TABLES = { CUSTOMERS_TABLE: 'customers', DELIVERIES_TABLE: 'deliveries', INBOX_TABLE: 'inbox' };
const WAKES = { REQUESTS_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/123456789012/requests', WAKE_SCHEDULE_GROUP: 'switchboard-prod-wakes' };

/** The problems a configuration reader reports, by key. */
function problemKeys(read: () => unknown): string[] {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((problem) => problem.split(' ')[0] ?? '').sort();
  }
  throw new Error('the configuration was accepted');
}

describe.each([
  ['feedback', readFeedbackConfig],
  ['inbox API', readInboxApiConfig],
] as const)('the %s configuration, which concludes escalations', (_name, read) => {
  it('reads where a wake brought forward goes: the requests queue, and the group of the schedule it replaces', () => {
    expect(read({ ...TABLES, ...WAKES }).wakes).toEqual({ queueUrl: WAKES.REQUESTS_QUEUE_URL, scheduleGroup: WAKES.WAKE_SCHEDULE_GROUP });
  });

  it('requires both, as the stack always sets them, and names each one missing or malformed', () => {
    expect(problemKeys(() => read(TABLES))).toEqual(['REQUESTS_QUEUE_URL', 'WAKE_SCHEDULE_GROUP']);
    expect(problemKeys(() => read({ ...TABLES, ...WAKES, REQUESTS_QUEUE_URL: 'requests', WAKE_SCHEDULE_GROUP: '' }))).toEqual(['REQUESTS_QUEUE_URL', 'WAKE_SCHEDULE_GROUP']);
  });

  it('is complete in local mode', () => {
    const env = handlerEnvironment({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      endpoints: { dynamodb: 'http://127.0.0.1:8000', sqs: 'http://127.0.0.1:9324', sesv2: 'http://127.0.0.1:8005', providerSandbox: 'http://127.0.0.1:8006' },
      tables: { customers: 'c', deliveries: 'd', inbox: 'i', counters: 'n' },
      pushApplicationId: 'local',
      unsubscribeBaseUrl: 'http://127.0.0.1:4000/unsubscribe',
      requestsQueue: { url: 'http://127.0.0.1:9324/000000000000/run-1-requests', arn: 'arn:aws:sqs:us-east-1:000000000000:run-1-requests' },
    });
    expect(read(env).wakes).toEqual({ queueUrl: 'http://127.0.0.1:9324/000000000000/run-1-requests', scheduleGroup: env.WAKE_SCHEDULE_GROUP });
  });
});

describe('the unsubscribe configuration', () => {
  it('has no wake settings: an unsubscribe is not an open or a click, so it never concludes an escalation', () => {
    expect(readUnsubscribeConfig({ ...TABLES, ...WAKES })).not.toHaveProperty('wakes');
  });
});
