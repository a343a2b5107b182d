import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lowCardinality, PowertoolsTelemetry } from '../../functions/adapters/powertools-telemetry.js';

interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

let written: string[];
beforeEach(() => {
  written = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

const lines = () =>
  written
    .flatMap((w) => w.split('\n'))
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const emf = () => lines().filter((l): l is EmfLine => '_aws' in l);

function telemetry(withLogger = false) {
  const metrics = new Metrics({ namespace: 'Switchboard', serviceName: 'orchestrator' });
  const logger = withLogger ? new Logger({ serviceName: 'orchestrator', logLevel: 'DEBUG' }) : undefined;
  return new PowertoolsTelemetry(metrics, logger);
}

describe('PowertoolsTelemetry', () => {
  it('publishes an outcome count under the service alone and split by channel and reason', () => {
    telemetry().record({ kind: 'outcome', status: 'SUPPRESSED', channel: 'sms', reason: 'QUIET_HOURS', template: 'cart-reminder' });
    const [line] = emf();
    expect(line?._aws.CloudWatchMetrics[0]).toEqual({
      Namespace: 'Switchboard',
      Dimensions: [['service'], ['service', 'channel', 'reason']],
      Metrics: [{ Name: 'Suppressed', Unit: 'Count' }],
    });
    expect(line).toMatchObject({ Suppressed: 1, channel: 'sms', reason: 'QUIET_HOURS', template: 'cart-reminder' });
  });

  it.each([
    ['SENT', 'Sent'],
    ['FAILED', 'Failed'],
    ['REJECTED', 'Rejected'],
    ['EXPIRED', 'Expired'],
    ['DUPLICATE', 'Duplicate'],
    ['RETRY', 'Retry'],
    ['RENDER_FAILED', 'RenderFailed'],
  ] as const)('names the %s outcome %s', (status, metric) => {
    telemetry().record({ kind: 'outcome', status });
    const [line] = emf();
    expect(line?._aws.CloudWatchMetrics[0]?.Metrics).toEqual([{ Name: metric, Unit: 'Count' }]);
    expect(line?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
  });

  it('publishes end-to-end latency in milliseconds by channel when the message was sent', () => {
    telemetry().record({ kind: 'outcome', status: 'SENT', channel: 'push', latencyMs: 1834 });
    const latency = emf().find((l) => 'EndToEndLatency' in l);
    expect(latency?._aws.CloudWatchMetrics[0]).toMatchObject({ Metrics: [{ Name: 'EndToEndLatency', Unit: 'Milliseconds' }], Dimensions: [['service'], ['service', 'channel']] });
    expect(latency?.EndToEndLatency).toBe(1834);
  });

  it('counts attempts by channel and outcome', () => {
    telemetry().record({ kind: 'attempt', channel: 'email', attempt: 'FAILED_RETRYABLE', code: 'EMAIL_THROTTLED' });
    const [line] = emf();
    expect(line?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service'], ['service', 'channel', 'outcome']]);
    expect(line).toMatchObject({ Attempt: 1, channel: 'email', outcome: 'FAILED_RETRYABLE' });
  });

  it.each([
    ['sms', 'SMS_NOT_AUTHORIZED'],
    ['email', 'EMAIL_NOT_AUTHORIZED'],
    ['push', 'PUSH_NOT_AUTHORIZED'],
  ] as const)('counts a %s attempt refused with %s as ProviderNotAuthorized under the service alone, for the alarm', (channel, code) => {
    const errors: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => errors.push(String(chunk)) > 0);
    telemetry(true).record({ kind: 'attempt', channel, attempt: 'FAILED_PERMANENT', code });
    const refused = emf().find((l) => 'ProviderNotAuthorized' in l);
    expect(refused?._aws.CloudWatchMetrics[0]).toEqual({
      Namespace: 'Switchboard',
      Dimensions: [['service'], ['service', 'channel']],
      Metrics: [{ Name: 'ProviderNotAuthorized', Unit: 'Count' }],
    });
    expect(refused).toMatchObject({ ProviderNotAuthorized: 1, channel, service: 'orchestrator' });
    expect(errors.map((e) => JSON.parse(e) as unknown)).toEqual([expect.objectContaining({ level: 'ERROR', channel, code })]);
  });

  it('does not count other permanent failures as refused permissions', () => {
    telemetry().record({ kind: 'attempt', channel: 'sms', attempt: 'FAILED_PERMANENT', code: 'SMS_OPTED_OUT' });
    expect(emf().filter((l) => 'ProviderNotAuthorized' in l)).toEqual([]);
  });

  it('never lets an address, number, token or id into a dimension, metadata or log line', () => {
    const t = telemetry(true);
    t.record({ kind: 'outcome', status: 'FAILED', channel: 'email', reason: 'lena@example.com bounced', template: '+4915112345678' });
    t.record({ kind: 'outcome', status: 'RETRY', reason: 'f3c1a9b2e7d4c8f1a0b3' });
    t.record({ kind: 'attempt', channel: 'sms', attempt: 'FAILED_PERMANENT', code: '+4915112345678' });
    const output = written.join('');
    expect(output).not.toMatch(/lena@example\.com|4915112345678|f3c1a9b2/);
    expect(
      emf()
        .map((l) => l.reason)
        .filter(Boolean),
    ).toEqual(['OTHER', 'OTHER']);
    expect(lines().some((l) => l.message === 'delivery outcome')).toBe(true);
  });

  it('keeps code-like reasons and folds everything else into OTHER', () => {
    expect(lowCardinality('FREQUENCY_CAP')).toBe('FREQUENCY_CAP');
    expect(lowCardinality('already SENT')).toBe('already SENT');
    expect(lowCardinality('ProvisionedThroughputExceededException')).toBe('ProvisionedThroughputExceededException');
    expect(lowCardinality('r-123')).toBe('OTHER');
    expect(lowCardinality('x'.repeat(60))).toBe('OTHER');
  });

  it('in batched mode writes nothing until flushed, then one line per metric and dimension values', () => {
    const metrics = new Metrics({ namespace: 'Switchboard', serviceName: 'orchestrator' });
    const t = new PowertoolsTelemetry(metrics, undefined, { namespace: 'Switchboard', serviceName: 'orchestrator' });
    for (let i = 0; i < 40; i++) t.record({ kind: 'outcome', status: 'SENT', channel: 'push', template: 'cart-reminder', latencyMs: 100 + i });
    for (let i = 0; i < 10; i++) t.record({ kind: 'outcome', status: 'SENT', channel: 'email', template: 'cart-reminder', latencyMs: 900 });
    t.record({ kind: 'outcome', status: 'SUPPRESSED', channel: 'sms', reason: 'QUIET_HOURS' });
    expect(emf()).toEqual([]);
    t.flush();
    const out = emf();
    expect(out).toHaveLength(5);
    const sentPush = out.find((l) => 'Sent' in l && l.channel === 'push');
    expect(sentPush).toMatchObject({ Sent: 40, template: 'cart-reminder' });
    expect(sentPush?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service'], ['service', 'channel']]);
    const pushLatency = out.find((l) => 'EndToEndLatency' in l && l.channel === 'push');
    expect(pushLatency?.EndToEndLatency).toEqual(Array.from({ length: 40 }, (_, i) => 100 + i));
    expect(out.find((l) => 'Suppressed' in l)).toMatchObject({ Suppressed: 1, reason: 'QUIET_HOURS' });
    t.flush();
    expect(emf()).toHaveLength(5);
  });
});
