import { type Channel, CHANNELS } from '../core/model.js';
import type { PolicyName } from './policies.js';
import type { PolicyFigures, SimulationReport } from './report.js';

/** One policy's figures as people read them: the terminal table and the HTML page show the same text. */
export interface SummaryRow {
  policy: PolicyName;
  sent: string;
  engagements: string;
  rate: string;
  fees: string;
  perEngagement: string;
  ofOracle: string;
}

export const SUMMARY_HEADINGS = ['policy', 'sent', 'engagements', 'rate', 'fees', 'per engagement', 'of oracle'] as const;
export const SUMMARY_NOTE =
  "rate: engagements per message sent. fees and per engagement: in the population's prices. of oracle: engagements as a share of the oracle's, which knows every customer's true chances.";

/** A stretch of simulated days and each policy's engagement rate over it, in the report's policy order. */
export interface CurvePeriod {
  from: number;
  to: number;
  /** Undefined where the policy sent nothing in the period. */
  rates: (number | undefined)[];
}

export function summaryRows(report: SimulationReport): SummaryRow[] {
  return report.policies.map((figures) => ({
    policy: figures.policy,
    sent: count(figures.sent),
    engagements: count(figures.engagements),
    rate: percent(figures.engagementRate),
    fees: amount(figures.fees),
    perEngagement: figures.costPerEngagement === undefined ? '–' : amount(figures.costPerEngagement),
    ofOracle: percent(figures.shareOfOracle),
  }));
}

export function summaryCells(row: SummaryRow): string[] {
  return [row.policy, row.sent, row.engagements, row.rate, row.fees, row.perEngagement, row.ofOracle];
}

/** Each channel's share of the messages the policy sent; all zero when it sent none. */
export function channelMix(figures: PolicyFigures): Record<Channel, number> {
  return Object.fromEntries(CHANNELS.map((channel) => [channel, figures.sent > 0 ? figures.channels[channel].sent / figures.sent : 0])) as Record<Channel, number>;
}

/**
 * The run cut into at most `maxPeriods` equal stretches of days, each with every policy's
 * engagement rate over it: single days are too few messages to read on a small population.
 */
export function learningCurve(report: SimulationReport, maxPeriods: number): CurvePeriod[] {
  const days = report.population.days;
  const length = Math.max(1, Math.ceil(days / maxPeriods));
  const periods: CurvePeriod[] = [];
  for (let from = 1; from <= days; from += length) {
    const to = Math.min(days, from + length - 1);
    periods.push({ from, to, rates: report.policies.map((figures) => rateBetween(figures, from, to)) });
  }
  return periods;
}

/** Engagements per message sent on each simulated day; undefined on a day the policy sent nothing. */
export function dailyRates(figures: PolicyFigures): (number | undefined)[] {
  return figures.days.map((day) => (day.sent > 0 ? day.engagements / day.sent : undefined));
}

export function periodLabel(period: Pick<CurvePeriod, 'from' | 'to'>): string {
  return period.from === period.to ? String(period.from) : `${period.from}–${period.to}`;
}

export function percent(share: number | undefined): string {
  return share === undefined ? '–' : `${(share * 100).toFixed(1)}%`;
}

export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** Money in the population's own unit: cents for sums of one or more, three significant digits below that (prices can be fractions of a cent). */
export function amount(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 1) return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return value.toPrecision(3);
}

function rateBetween(figures: PolicyFigures, from: number, to: number): number | undefined {
  const days = figures.days.filter((day) => day.day >= from && day.day <= to);
  const sent = days.reduce((total, day) => total + day.sent, 0);
  return sent > 0 ? days.reduce((total, day) => total + day.engagements, 0) / sent : undefined;
}
