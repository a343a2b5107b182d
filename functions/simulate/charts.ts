import { html, type SafeHtml } from '../http/html.js';

/** One line of a line chart: a value per x position from 1, undefined where there is none (the line breaks there). */
export interface Series {
  name: string;
  colour: string;
  dashed?: boolean;
  values: (number | undefined)[];
}

export interface BarPart {
  name: string;
  colour: string;
  /** From 0 to 1 of the bar. */
  share: number;
  /** Shown when pointing at the part. */
  detail: string;
}

export interface Bar {
  name: string;
  parts: BarPart[];
  /** Said instead of a bar when it has no parts to show. */
  empty: string;
}

const WIDTH = 760;
const CHAR_WIDTH = 7.2;
const SWATCH = 26;
/** Below this many points per line, each point gets a dot: a short run is mostly single points. */
const MAX_DOTTED_POINTS = 60;
/** A part narrower than this has no room for its percentage. */
const MIN_LABELLED_WIDTH = 40;

/** An SVG line chart of shares (0 to 1) over x = 1..n, with its legend above, gridlines and both axes labelled. */
export function lineChart(options: { id: string; title: string; series: Series[]; xLabel: string; yLabel: string }): SafeHtml {
  const margin = { left: 64, right: 20, top: 44, bottom: 52 };
  const height = 340;
  const plot = { x: margin.left, y: margin.top, width: WIDTH - margin.left - margin.right, height: height - margin.top - margin.bottom };
  const count = Math.max(1, ...options.series.map((s) => s.values.length));
  const highest = Math.max(0, ...options.series.flatMap((s) => s.values.filter((v): v is number => v !== undefined)));
  const step = shareStep(highest);
  const top = Math.max(step, Math.ceil(highest / step - 1e-9) * step);
  const x = (position: number) => plot.x + (count === 1 ? plot.width / 2 : ((position - 1) / (count - 1)) * plot.width);
  const y = (value: number) => plot.y + plot.height - (value / top) * plot.height;

  const yTicks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const xTicks = positionTicks(count);
  const grid = yTicks.map(
    (value) =>
      html`<line class="grid" x1="${plot.x}" x2="${plot.x + plot.width}" y1="${fixed(y(value))}" y2="${fixed(y(value))}"/><text class="tick" x="${plot.x - 8}" y="${fixed(y(value) + 4)}" text-anchor="end">${shareLabel(value)}</text>`,
  );
  const xAxis = xTicks.map(
    (position) =>
      html`<line class="axis" x1="${fixed(x(position))}" x2="${fixed(x(position))}" y1="${plot.y + plot.height}" y2="${plot.y + plot.height + 5}"/><text class="tick" x="${fixed(x(position))}" y="${plot.y + plot.height + 19}" text-anchor="middle">${position}</text>`,
  );
  const lines = options.series.map((series) => {
    const points = series.values.map((value, i) => (value === undefined ? undefined : { x: x(i + 1), y: y(value) }));
    const path = points.map((point, i) => (point ? `${points[i - 1] ? 'L' : 'M'}${fixed(point.x)} ${fixed(point.y)}` : '')).join('');
    const dots = count <= MAX_DOTTED_POINTS ? points.map((point) => (point ? html`<circle cx="${fixed(point.x)}" cy="${fixed(point.y)}" r="2.5"/>` : '')) : [];
    return html`<g class="series" data-series="${series.name}" stroke="${series.colour}" fill="${series.colour}"><path d="${path}" fill="none" stroke-width="2"${series.dashed ? html` stroke-dasharray="6 4"` : ''}/>${dots}</g>`;
  });
  return html`<svg class="chart" id="${options.id}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${options.id}-title">
<title id="${options.id}-title">${options.title}</title>
${legend(options.series, margin.left, 18)}
<g class="grid-lines">${grid}</g>
<line class="axis" x1="${plot.x}" x2="${plot.x + plot.width}" y1="${plot.y + plot.height}" y2="${plot.y + plot.height}"/>
<line class="axis" x1="${plot.x}" x2="${plot.x}" y1="${plot.y}" y2="${plot.y + plot.height}"/>
<g class="x-ticks">${xAxis}</g>
${lines}
<text class="axis-label" x="${plot.x + plot.width / 2}" y="${height - 10}" text-anchor="middle">${options.xLabel}</text>
<text class="axis-label" transform="translate(16 ${plot.y + plot.height / 2}) rotate(-90)" text-anchor="middle">${options.yLabel}</text>
</svg>`;
}

/** An SVG chart of one horizontal bar per row, split into parts by share, with a legend of the parts above and a 0–100% axis below. */
export function stackedBars(options: { id: string; title: string; bars: Bar[]; legend: { name: string; colour: string }[]; xLabel: string }): SafeHtml {
  const labelWidth = Math.max(80, ...options.bars.map((bar) => bar.name.length * CHAR_WIDTH + 12));
  const plot = { x: labelWidth, y: 44, width: WIDTH - labelWidth - 20 };
  const rowHeight = 34;
  const barHeight = 22;
  const bottom = plot.y + options.bars.length * rowHeight;
  const height = bottom + 48;
  const rows = options.bars.map((bar, row) => {
    const top = plot.y + row * rowHeight + (rowHeight - barHeight) / 2;
    const label = html`<text class="bar-label" x="${labelWidth - 10}" y="${fixed(top + barHeight / 2 + 4)}" text-anchor="end">${bar.name}</text>`;
    const shown = bar.parts.filter((part) => part.share > 0);
    if (shown.length === 0)
      return html`<g class="bar" data-bar="${bar.name}">${label}<text class="empty" x="${plot.x + 6}" y="${fixed(top + barHeight / 2 + 4)}">${bar.empty}</text></g>`;
    let left = plot.x;
    const parts = shown.map((part) => {
      const width = part.share * plot.width;
      const rect = html`<rect x="${fixed(left)}" y="${fixed(top)}" width="${fixed(width)}" height="${barHeight}" fill="${part.colour}"><title>${part.detail}</title></rect>${
        width >= MIN_LABELLED_WIDTH
          ? html`<text class="part-label" x="${fixed(left + width / 2)}" y="${fixed(top + barHeight / 2 + 4)}" text-anchor="middle">${Math.round(part.share * 100)}%</text>`
          : ''
      }`;
      left += width;
      return rect;
    });
    return html`<g class="bar" data-bar="${bar.name}">${label}${parts}</g>`;
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((share) => {
    const at = fixed(plot.x + share * plot.width);
    return html`<line class="grid" x1="${at}" x2="${at}" y1="${plot.y}" y2="${bottom}"/><text class="tick" x="${at}" y="${bottom + 16}" text-anchor="middle">${share * 100}%</text>`;
  });
  return html`<svg class="chart" id="${options.id}" viewBox="0 0 ${WIDTH} ${fixed(height)}" role="img" aria-labelledby="${options.id}-title">
<title id="${options.id}-title">${options.title}</title>
${legend(options.legend, plot.x, 18)}
<g class="grid-lines">${ticks}</g>
${rows}
<text class="axis-label" x="${fixed(plot.x + plot.width / 2)}" y="${fixed(height - 8)}" text-anchor="middle">${options.xLabel}</text>
</svg>`;
}

function legend(entries: readonly { name: string; colour: string; dashed?: boolean }[], left: number, top: number): SafeHtml {
  let at = left;
  const items = entries.map((entry) => {
    const item = html`<g class="legend-item" data-name="${entry.name}"><line x1="${fixed(at)}" x2="${fixed(at + SWATCH - 8)}" y1="${top}" y2="${top}" stroke="${entry.colour}" stroke-width="${entry.dashed ? 2 : 6}"${
      entry.dashed ? html` stroke-dasharray="6 4"` : ''
    }/><text x="${fixed(at + SWATCH - 2)}" y="${top + 4}">${entry.name}</text></g>`;
    at += SWATCH + entry.name.length * CHAR_WIDTH + 18;
    return item;
  });
  return html`<g class="legend">${items}</g>`;
}

/** The smallest of a few round steps that splits 0..highest into at most six gridlines. */
function shareStep(highest: number): number {
  return [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5].find((step) => highest / step <= 6) ?? 0.5;
}

function shareLabel(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** 1, then round multiples, about ten in all. */
function positionTicks(count: number): number[] {
  const step = [1, 2, 5, 7, 10, 14, 15, 30, 50, 60, 100].find((candidate) => count / candidate <= 10) ?? Math.ceil(count / 10);
  const ticks = [1];
  for (let position = step; position <= count; position += step) if (position > 1) ticks.push(position);
  return ticks;
}

function fixed(value: number): string {
  return String(Math.round(value * 10) / 10);
}
