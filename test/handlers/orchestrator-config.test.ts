import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/core/errors.js';
import { readOrchestratorConfig } from '../../functions/orchestrator/config.js';

const complete = {
  CUSTOMERS_TABLE: 'customers',
  DELIVERIES_TABLE: 'deliveries',
  INBOX_TABLE: 'inbox',
  COUNTERS_TABLE: 'counters',
  SES_CONFIGURATION_SET: 'switchboard-events',
  SES_FROM_ADDRESS: 'shop@example.com',
  UNSUBSCRIBE_BASE_URL: 'https://api.example.com/unsubscribe',
  PREFERENCES_BASE_URL: 'https://api.example.com/preference-centre',
  TEMPLATE_BUNDLE_PATH: '/var/task/templates.bundle.json',
  REQUESTS_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/123456789012/requests',
  REQUESTS_QUEUE_ARN: 'arn:aws:sqs:eu-central-1:123456789012:requests',
  WAKE_SCHEDULE_GROUP: 'switchboard-prod-wakes',
  WAKE_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/wakes',
  WAKE_DEAD_LETTER_QUEUE_ARN: 'arn:aws:sqs:eu-central-1:123456789012:wake-dead-letters',
};

describe('orchestrator configuration', () => {
  it('names every missing or malformed key at once', () => {
    const attempt = () => readOrchestratorConfig({ CUSTOMERS_TABLE: 'customers', UNSUBSCRIBE_BASE_URL: 'not a url' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.map((p) => p.split(' ')[0]);
      expect(problems.sort()).toEqual(
        [
          'COUNTERS_TABLE',
          'DELIVERIES_TABLE',
          'INBOX_TABLE',
          'PREFERENCES_BASE_URL',
          'SES_CONFIGURATION_SET',
          'SES_FROM_ADDRESS',
          'TEMPLATE_BUNDLE_PATH',
          'UNSUBSCRIBE_BASE_URL',
          'REQUESTS_QUEUE_URL',
          'REQUESTS_QUEUE_ARN',
          'WAKE_SCHEDULE_GROUP',
          'WAKE_SCHEDULER_ROLE_ARN',
          'WAKE_DEAD_LETTER_QUEUE_ARN',
        ].sort(),
      );
    }
  });

  it('turns push off when no Pinpoint application is configured, and defaults retention', () => {
    const config = readOrchestratorConfig({ ...complete, PINPOINT_APPLICATION_ID: '' });
    expect(config.pushApplicationId).toBeUndefined();
    expect(config.retentionDays).toEqual({ deliveries: 400, inbox: 90 });
  });

  it('reads the optional SMS and push settings when present', () => {
    const config = readOrchestratorConfig({ ...complete, PINPOINT_APPLICATION_ID: 'app-1', SMS_SENDER_ID: 'FERNHILL', DELIVERY_RETENTION_DAYS: '30' });
    expect(config.pushApplicationId).toBe('app-1');
    expect(config.sms).toEqual({ senderId: 'FERNHILL' });
    expect(config.retentionDays.deliveries).toBe(30);
  });

  it('takes the link signing secret by name or ARN, and signs nothing without one', () => {
    const arn = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:links-AbCdEf';
    expect(readOrchestratorConfig({ ...complete, LINK_SIGNING_SECRET_ID: arn }).links).toEqual({
      unsubscribeBaseUrl: 'https://api.example.com/unsubscribe',
      preferencesBaseUrl: 'https://api.example.com/preference-centre',
      secretId: arn,
    });
    expect(readOrchestratorConfig({ ...complete, LINK_SIGNING_SECRET_ID: '' }).links.secretId).toBeUndefined();
  });

  it('reads where wakes go: the requests queue, the schedule group, its role and dead-letter queue', () => {
    expect(readOrchestratorConfig(complete).wakes).toEqual({
      queueUrl: complete.REQUESTS_QUEUE_URL,
      queueArn: complete.REQUESTS_QUEUE_ARN,
      scheduleGroup: 'switchboard-prod-wakes',
      roleArn: complete.WAKE_SCHEDULER_ROLE_ARN,
      deadLetterQueueArn: complete.WAKE_DEAD_LETTER_QUEUE_ARN,
    });
  });

  it('refuses a queue or role given by name where its ARN is needed', () => {
    const attempt = () => readOrchestratorConfig({ ...complete, REQUESTS_QUEUE_ARN: 'requests', WAKE_SCHEDULER_ROLE_ARN: 'arn:aws:sqs:eu-central-1:123456789012:requests' });
    expect(attempt).toThrow(/REQUESTS_QUEUE_ARN must be the ARN/);
    expect(attempt).toThrow(/WAKE_SCHEDULER_ROLE_ARN must be the ARN/);
  });

  it('refuses a retention that is not a positive whole number of days', () => {
    expect(() => readOrchestratorConfig({ ...complete, INBOX_RETENTION_DAYS: '-3' })).toThrow(/INBOX_RETENTION_DAYS/);
  });
});
