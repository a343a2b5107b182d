import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { OrchestrationStatus, Telemetry, TelemetryEvent } from '../core/ports.js';
import {
  ATTEMPT_METRIC,
  END_TO_END_LATENCY_METRIC,
  FOLLOW_UP_FAILED_METRIC,
  isNotAuthorizedCode,
  OUTCOME_METRICS,
  PROVIDER_NOT_AUTHORIZED_METRIC,
  UNRECORDED_SEND_METRIC,
} from '../definitions/metrics.js';

/** Every outcome status has its metric: a new status fails to compile until it is named there. */
const OUTCOME_METRIC: Record<OrchestrationStatus, string> = OUTCOME_METRICS;

type Dimensions = Record<string, string>;
type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/**
 * CloudWatch metrics in EMF through Powertools. Every metric is published twice in one line:
 * under `service` alone (what alarms watch) and split by its low-cardinality dimensions
 * (`channel`, `reason`, `outcome`; never ids). Events differ in dimension values, and EMF shares
 * dimensions across a line, so each metric is its own single-metric line.
 */
export interface BatchedMetrics {
  namespace: string;
  serviceName: string;
}

interface PendingMetric {
  name: string;
  unit: Unit;
  split: Dimensions;
  template?: string;
  values: number[];
}

export class PowertoolsTelemetry implements Telemetry {
  private readonly pending = new Map<string, PendingMetric>();

  /**
   * With `batched`, metrics wait for `flush()` and leave as one EMF line per metric and
   * dimension values (counts summed, latencies as one value list) instead of one line per
   * event: a 100-message batch writes a dozen log lines, not three hundred.
   */
  constructor(
    private readonly metrics: Metrics,
    private readonly logger?: Logger,
    private readonly batched?: BatchedMetrics,
  ) {}

  flush(): void {
    for (const entry of this.pending.values()) {
      const group = new Metrics({ namespace: this.batched?.namespace, serviceName: this.batched?.serviceName });
      if (Object.keys(entry.split).length > 0) group.addDimensions({}).addDimensions(entry.split);
      if (entry.template) group.addMetadata('template', entry.template);
      const values = entry.unit === MetricUnit.Count ? [entry.values.reduce((sum, v) => sum + v, 0)] : entry.values;
      for (const value of values) group.addMetric(entry.name, entry.unit, value);
      group.publishStoredMetrics();
    }
    this.pending.clear();
  }

  record(event: TelemetryEvent): void {
    if (event.kind === 'outcome') {
      const reason = event.reason === undefined ? undefined : lowCardinality(event.reason);
      const template = event.template === undefined ? undefined : safeTemplateId(event.template);
      const split = { ...(event.channel ? { channel: event.channel } : {}), ...(reason ? { reason } : {}) };
      this.emit(OUTCOME_METRIC[event.status], MetricUnit.Count, 1, split, template);
      if (event.latencyMs !== undefined && Number.isFinite(event.latencyMs) && event.latencyMs >= 0) {
        this.emit(END_TO_END_LATENCY_METRIC, MetricUnit.Milliseconds, event.latencyMs, event.channel ? { channel: event.channel } : {}, template);
      }
      this.logger?.debug('delivery outcome', { status: event.status, channel: event.channel, reason, template, latencyMs: event.latencyMs });
      return;
    }
    if (event.kind === 'follow_up_failed') {
      const code = lowCardinality(event.code);
      this.emit(FOLLOW_UP_FAILED_METRIC, MetricUnit.Count, 1, { step: event.step, reason: code });
      this.logger?.warn('bookkeeping after a send failed; the message itself was sent', { step: event.step, code });
      return;
    }
    if (event.kind === 'unrecorded_send') {
      const code = lowCardinality(event.code);
      this.emit(UNRECORDED_SEND_METRIC, MetricUnit.Count, 1, { channel: event.channel, reason: code });
      this.logger?.error('a provider accepted a message that could not be recorded; a redelivery may send it again', { channel: event.channel, code });
      return;
    }
    const code = event.code === undefined ? undefined : lowCardinality(event.code);
    this.emit(ATTEMPT_METRIC, MetricUnit.Count, 1, { channel: event.channel, outcome: event.attempt });
    this.logger?.debug('send attempt', { channel: event.channel, outcome: event.attempt, code });
    if (code !== undefined && isNotAuthorizedCode(code)) {
      this.emit(PROVIDER_NOT_AUTHORIZED_METRIC, MetricUnit.Count, 1, { channel: event.channel });
      this.logger?.error('the provider refused the call: the function lacks a permission', { channel: event.channel, code });
    }
  }

  private emit(name: string, unit: Unit, value: number, split: Dimensions, template?: string): void {
    if (this.batched) {
      const key = JSON.stringify([name, split, template ?? '']);
      const entry = this.pending.get(key) ?? { name, unit, split, ...(template ? { template } : {}), values: [] };
      entry.values.push(value);
      this.pending.set(key, entry);
      return;
    }
    const single = this.metrics.singleMetric();
    if (Object.keys(split).length > 0) single.addDimensions({}).addDimensions(split);
    if (template) single.addMetadata('template', template);
    single.addMetric(name, unit, value);
  }
}

/**
 * Reasons are meant to be codes (`FREQUENCY_CAP`, `EMAIL_THROTTLED`, `already SENT`). Anything
 * else (digits, `@`, `+`, long text) may be an id or an address that slipped in, and would
 * also explode metric cardinality, so it is reported as OTHER.
 */
export function lowCardinality(reason: string): string {
  return /^[A-Za-z][A-Za-z_ .-]{0,47}$/.test(reason) ? reason : 'OTHER';
}

/** Template ids are marketer-chosen slugs; a rejected request may carry anything in that field. */
function safeTemplateId(template: string): string | undefined {
  return /^(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(template) ? template : undefined;
}
