import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EngagementMetric, FeedbackTelemetry, FeedbackTelemetryEvent } from '../core/feedback/ports.js';
import { ENGAGEMENT_METRICS, FEEDBACK_EVENTS_METRIC, SUPPRESSION_CHANGES_METRIC } from '../definitions/metrics.js';

/** Every kind of engagement has its metric: a new kind fails to compile until it is named there. */
const ENGAGEMENT_METRIC: Record<EngagementMetric, string> = ENGAGEMENT_METRICS;

/**
 * Feedback metrics in EMF. Engagement is published under `channel` and under `channel` +
 * `template` (template ids are the marketers' folder names: few, and never personal); suppression
 * changes under `reason`; every event's outcome under `outcome` + `channel`, so unmatched events
 * (a misconfigured tag, a lost mapping) show up on a dashboard.
 */
export class PowertoolsFeedbackTelemetry implements FeedbackTelemetry {
  constructor(private readonly metrics: Metrics) {}

  record(event: FeedbackTelemetryEvent): void {
    const single = this.metrics.singleMetric();
    switch (event.kind) {
      case 'engagement': {
        single.addDimensions({ channel: event.channel });
        const template = event.template && isTemplateId(event.template) ? event.template : undefined;
        if (template) single.addDimensions({ channel: event.channel, template });
        single.addMetric(ENGAGEMENT_METRIC[event.metric], MetricUnit.Count, 1);
        return;
      }
      case 'suppression':
        single.addDimensions({ reason: event.reason });
        single.addMetric(SUPPRESSION_CHANGES_METRIC, MetricUnit.Count, 1);
        return;
      case 'outcome':
        single.addDimensions({ outcome: event.outcome, channel: event.channel });
        single.addMetric(FEEDBACK_EVENTS_METRIC, MetricUnit.Count, 1);
        return;
    }
  }
}

/** A tag or record could carry anything; only slug-like ids become a dimension. */
function isTemplateId(value: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(value);
}
