import type { DecisionConfig } from '../../core/config.js';
import type { LearnedPriors } from '../../core/learning/priors.js';
import { CHANNELS, STATED_PREFERENCES, SURFACES } from '../../core/model.js';
import { percent } from '../../core/numbers.js';
import { describeDuration } from '../../core/timing/duration.js';
import { formatTable } from '../../tooling/text-table.js';

type Rate = { rate: number; weight: number; trend?: number | undefined };

const MINUTE_MS = 60_000;

/**
 * The learned priors as an operator reads them: when and from how many messages, then each
 * channel's rate with its evidence, then the rates by moment and by stated first preference, each
 * beside its channel's. Rates are shown as the decision's reasons show them.
 */
export function learnedPriorsLines(priors: LearnedPriors, config: Pick<DecisionConfig, 'priors' | 'learning'>, now: Date): string[] {
  const age = Math.round((now.getTime() - Date.parse(priors.learnedAt)) / MINUTE_MS) * MINUTE_MS;
  const when = age >= 0 ? `${describeDuration(age)} ago` : 'in the future: check the clocks';
  const lines = [`learned ${priors.learnedAt} (${when}) from ${priors.observations} messages`];
  const learned = CHANNELS.flatMap((channel) => {
    const prior = priors.channels[channel];
    return prior ? [{ channel, prior }] : [];
  });
  const withTrend = learned.some(({ prior }) => prior.trend !== undefined);
  const channelRows = learned.map(({ channel, prior }) => [channel, ...figures(prior), ...(withTrend ? [trendText(prior.trend)] : [])]);
  lines.push('', 'by channel', ...section(['channel', 'rate', 'evidence', ...(withTrend ? ['trend'] : [])], channelRows, 'no channel had a message to learn from'));
  const unlearned = CHANNELS.filter((channel) => !priors.channels[channel]);
  if (unlearned.length > 0) lines.push(`  not learned, so configured: ${unlearned.map((channel) => `${channel} ${percent(config.priors[channel].rate)}`).join(', ')}`);

  const moments = learned.flatMap(({ channel, prior }) => SURFACES.flatMap((moment) => part(prior, prior.moments[moment], [channel, moment])));
  lines.push('', 'by channel × moment', ...section(['channel', 'moment', 'rate', 'evidence', 'vs channel'], moments, 'no message said where the customer was'));

  const groups = learned.flatMap(({ channel, prior }) =>
    STATED_PREFERENCES.flatMap((stated) => (prior.preferred[stated] ? [{ channel, prior, stated, group: prior.preferred[stated] }] : [])),
  );
  const groupTrend = groups.some(({ group }) => group.trend !== undefined);
  const groupChange = groups.some(({ group }) => group.since !== undefined);
  const preferred = groups.flatMap(({ channel, prior, stated, group }) =>
    part(prior, group, [channel, stated]).map((row) => [
      ...row,
      ...(groupTrend ? [trendText(group.trend)] : []),
      ...(groupChange ? [group.since ? `${describeDuration(Math.max(0, Math.round((now.getTime() - Date.parse(group.since)) / MINUTE_MS) * MINUTE_MS))} ago` : ''] : []),
    ]),
  );
  lines.push(
    '',
    'by channel × stated first preference',
    ...section(
      ['channel', 'first preference', 'rate', 'evidence', 'vs channel', ...(groupTrend ? ['trend'] : []), ...(groupChange ? ['changed'] : [])],
      preferred,
      'no message named the customer’s first preference',
    ),
  );

  lines.push(
    '',
    `evidence: messages learned from, each counting half after ${config.learning.priorsHalfLifeDays} days`,
    'vs channel: the rate over its channel’s. A moment scales a customer’s estimate by it; a stated',
    '  first preference starts the customer from its own rate instead of the channel’s',
    ...(withTrend || groupTrend ? ['trend: the recent rate over the longer-run one (above 1: rising)'] : []),
    ...(groupChange ? ['changed: when the group’s rate changed; its rate is learned from the messages since'] : []),
  );
  return lines;
}

/** The configured priors, which decide while nothing has been learned. */
export function configuredPriorsLines(config: Pick<DecisionConfig, 'priors'>): string[] {
  const rows = CHANNELS.map((channel) => [channel, percent(config.priors[channel].rate), `worth ${config.priors[channel].strength} messages`]);
  return indent(formatTable(['channel', 'rate', 'strength'], rows));
}

function figures(prior: Rate): [string, string] {
  return [percent(prior.rate), String(Math.round(prior.weight * 10) / 10)];
}

function part(channel: Rate, rate: Rate | undefined, names: string[]): string[][] {
  if (!rate) return [];
  return [[...names, ...figures(rate), channel.rate > 0 ? `×${(rate.rate / channel.rate).toFixed(2)}` : '–']];
}

function trendText(trend: number | undefined): string {
  return trend === undefined ? '' : `×${trend.toFixed(2)}`;
}

/** A table under its heading, or why there is none. */
function section(header: string[], rows: string[][], whyNone: string): string[] {
  return rows.length > 0 ? indent(formatTable(header, rows)) : [`  none: ${whyNone}`];
}

/** Table lines under a heading; an empty last cell leaves no trailing spaces. */
function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`.trimEnd());
}
