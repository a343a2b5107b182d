import { type Channel, CHANNELS } from '../core/model.js';
import { html, raw } from '../http/html.js';
import { lineChart, stackedBars } from './charts.js';
import type { PolicyFigures, SimulationReport } from './report.js';
import { channelMix, count, dailyRates, SUMMARY_HEADINGS, SUMMARY_NOTE, summaryCells, summaryRows } from './summary.js';

/** Told apart by hue and, for the oracle (a ceiling, not a contender), by a dashed line. */
const POLICY_COLOURS = ['#2563eb', '#d97706', '#059669', '#9333ea', '#6b7280'];
const CHANNEL_COLOURS: Record<Channel, string> = { push: '#0ea5e9', sms: '#f59e0b', email: '#6366f1', in_app: '#10b981' };

const CSS = `
:root { color-scheme: light; --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #f9fafb; }
main { max-width: 840px; margin: 0 auto; padding: 32px 24px 48px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
h2 { font-size: 1.1rem; margin: 16px 0 8px; }
.population { color: var(--muted); margin: 0; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 4px 20px 16px; margin-top: 20px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { font-weight: 600; color: var(--muted); font-size: 0.85rem; }
tbody th { font-weight: 600; }
tbody tr:last-child > * { border-bottom: none; }
.note, figcaption { color: var(--muted); font-size: 0.85rem; margin: 8px 0 0; }
figure { margin: 0; }
svg.chart { display: block; width: 100%; height: auto; font-size: 12px; }
svg .grid { stroke: var(--line); }
svg .axis { stroke: #9ca3af; }
svg .tick, svg .empty { fill: var(--muted); }
svg .axis-label { fill: var(--ink); font-weight: 600; }
svg .legend text, svg .bar-label { fill: var(--ink); }
svg .part-label { fill: #fff; font-weight: 600; }
`;

/** The report as one HTML page that needs nothing else: no network, inline styles, charts drawn as inline SVG. */
export function renderReportHtml(report: SimulationReport): string {
  const { population } = report;
  const segments = population.segments.length;
  const summary = summaryRows(report).map(summaryCells);
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Simulated channel policies · seed ${population.seed}</title><style>${raw(CSS)}</style></head>
<body><main>
<h1>Channel policies on a simulated population</h1>
<p class="population">${count(population.customers)} customers in ${segments} segment${segments > 1 ? 's' : ''} (${population.segments.join(', ')}), ${population.days} day${population.days > 1 ? 's' : ''}, ${count(population.requests)} requests, seed ${population.seed}</p>
<section id="summary"><h2>Outcome per policy</h2>
<table><thead><tr>${SUMMARY_HEADINGS.map((heading) => html`<th scope="col">${heading}</th>`)}</tr></thead>
<tbody>${summary.map(([policy, ...cells]) => html`<tr data-policy="${policy}"><th scope="row">${policy}</th>${cells.map((cell) => html`<td>${cell}</td>`)}</tr>`)}</tbody></table>
<p class="note">${SUMMARY_NOTE}</p></section>
<section id="learning"><h2>Learning curve</h2><figure>
${lineChart({
  id: 'learning-curve',
  title: 'Engagement rate per simulated day, one line per policy',
  series: report.policies.map((figures, i) => ({ name: figures.policy, colour: policyColour(i), dashed: figures.policy === 'oracle', values: dailyRates(figures) })),
  xLabel: 'simulated day',
  yLabel: 'engagement rate',
})}
<figcaption>Engagements per message sent on each day. A line breaks on a day its policy sent nothing.</figcaption></figure></section>
<section id="mix"><h2>Channel mix</h2><figure>
${stackedBars({
  id: 'channel-mix',
  title: 'Share of messages sent on each channel, per policy',
  bars: report.policies.map(mixBar),
  legend: CHANNELS.map((channel) => ({ name: channel, colour: CHANNEL_COLOURS[channel] })),
  xLabel: 'share of messages sent',
})}
<figcaption>Point at a part of a bar for its messages and engagements.</figcaption></figure></section>
</main></body></html>
`.toString();
}

function mixBar(figures: PolicyFigures) {
  const mix = channelMix(figures);
  return {
    name: figures.policy,
    empty: 'sent nothing',
    parts: CHANNELS.map((channel) => {
      const { sent, engagements } = figures.channels[channel];
      return {
        name: channel,
        colour: CHANNEL_COLOURS[channel],
        share: mix[channel],
        detail: `${figures.policy}, ${channel}: ${(mix[channel] * 100).toFixed(1)}% of messages (${count(sent)}), ${count(engagements)} engagements`,
      };
    }),
  };
}

function policyColour(index: number): string {
  return POLICY_COLOURS[index % POLICY_COLOURS.length] as string;
}
