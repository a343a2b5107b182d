import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDecisionConfig } from '../../core/config.js';
import { problemsOf } from '../../core/problem-bounds.js';
import { formatProblem } from '../../core/render/problems.js';
import { CHANNELS } from '../../core/model.js';
import { renderReportHtml } from '../../simulate/html.js';
import { type Population, populationSchema } from '../../simulate/population.js';
import type { SimulationReport } from '../../simulate/report.js';
import { simulate } from '../../simulate/simulate.js';
import { channelMix, count, learningCurve, percent, periodLabel, SUMMARY_HEADINGS, SUMMARY_NOTE, summaryCells, summaryRows } from '../../simulate/summary.js';
import { DEFAULT_TEMPLATES_DIR, loadTemplateFolder } from '../../template-compiler/index.js';
import { formatTable } from '../../tooling/text-table.js';
import { EXIT } from '../exit-codes.js';
import { InputError, inputName, readJsonInput, whyUnreadable } from '../files.js';
import type { CliOutput } from '../io.js';
import { paint, say } from '../text.js';

/** The example retailer shipped with the repository, found from this file so any working directory will do. */
export const DEFAULT_POPULATION = fileURLToPath(new URL('../../../simulate/retailer.json', import.meta.url));
/** Rows of the terminal's learning curve: enough to see a trend, few enough to read at a glance. */
const CURVE_ROWS = 10;

export interface SimulateArgs {
  /** A population file, or `-`; the shipped retailer when absent. */
  populationFile?: string;
  json: boolean;
  outDir?: string;
}

export interface SimulateDeps {
  /** Milliseconds from some fixed point, to say how long the run took. */
  timer?: () => number;
  templatesDir?: string;
}

/**
 * `switchboard simulate`: runs every channel policy over one simulated population with the
 * shipped templates and the default decision config, and prints how each fared. A population
 * that is not JSON or breaks the schema is refused with every problem and its path (exit 1).
 */
export async function simulateCommand(args: SimulateArgs, out: CliOutput, deps: SimulateDeps = {}): Promise<number> {
  const file = args.populationFile ?? DEFAULT_POPULATION;
  const population = await readPopulation(file, out);
  if (!population) return EXIT.failed;

  const { bundle, problems } = await loadTemplateFolder(deps.templatesDir ?? DEFAULT_TEMPLATES_DIR);
  const manifests = Object.values(bundle.templates).map((template) => template.manifest);
  for (const problem of problems) out.error(`template problem: ${formatProblem(problem)}`);
  if (manifests.length === 0) {
    out.error('no template to simulate requests for');
    return EXIT.failed;
  }

  const timer = deps.timer ?? (() => performance.now());
  const startedAt = timer();
  const report = simulate(population, manifests, defaultDecisionConfig);
  const tookMs = timer() - startedAt;

  if (args.json) out.log(JSON.stringify(report, null, 2));
  else printReport(report, args.populationFile === undefined ? 'simulate/retailer.json' : inputName(file), tookMs, out);
  if (args.outDir === undefined) return EXIT.ok;
  const written = await writeReport(report, args.outDir, out);
  if (!written) return EXIT.failed;
  if (!args.json) for (const path of written) out.log(`wrote ${path}`);
  return EXIT.ok;
}

async function readPopulation(file: string, out: CliOutput): Promise<Population | undefined> {
  let body: unknown;
  try {
    body = await readJsonInput(file);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    out.error(error.message);
    return undefined;
  }
  const parsed = populationSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = problemsOf(parsed.error);
  out.error(`${inputName(file)} is not a valid population: ${problems.length} problem${problems.length > 1 ? 's' : ''}`);
  for (const problem of problems) out.error(`  ${problem.path || '(whole file)'}: ${problem.message}`);
  return undefined;
}

/** DIR/report.html and DIR/report.json, DIR created; answers the paths, or undefined after naming what failed. */
async function writeReport(report: SimulationReport, dir: string, out: CliOutput): Promise<string[] | undefined> {
  const files = [
    { path: join(dir, 'report.html'), text: renderReportHtml(report) },
    { path: join(dir, 'report.json'), text: `${JSON.stringify(report, null, 2)}\n` },
  ];
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    out.error(`cannot create ${dir}: ${whyUnreadable(error)}`);
    return undefined;
  }
  for (const { path, text } of files) {
    try {
      await writeFile(path, text, 'utf8');
    } catch (error) {
      out.error(`cannot write ${path}: ${whyUnreadable(error)}`);
      return undefined;
    }
  }
  return files.map(({ path }) => path);
}

function printReport(report: SimulationReport, label: string, tookMs: number, out: CliOutput): void {
  const { population } = report;
  say(
    out,
    `${label}: ${count(population.customers)} customers in ${population.segments.length} segment${population.segments.length > 1 ? 's' : ''} (${population.segments.join(', ')}), ` +
      `${population.days} day${population.days > 1 ? 's' : ''}, ${count(population.requests)} requests, seed ${population.seed}`,
  );

  out.log('');
  out.log(paint(out, 'heading', 'outcome per policy'));
  for (const line of formatTable([...SUMMARY_HEADINGS], summaryRows(report).map(summaryCells))) out.log(line);
  say(out, paint(out, 'quiet', SUMMARY_NOTE));

  out.log('');
  out.log(paint(out, 'heading', 'channel mix (share of messages sent)'));
  const mixRows = report.policies.map((figures) => {
    const mix = channelMix(figures);
    return [figures.policy, ...CHANNELS.map((channel) => percent(mix[channel]))];
  });
  for (const line of formatTable(['policy', ...CHANNELS], mixRows)) out.log(line);

  out.log('');
  out.log(paint(out, 'heading', 'learning curve (engagement rate per stretch of days)'));
  const curveRows = learningCurve(report, CURVE_ROWS).map((period) => [periodLabel(period), ...period.rates.map(percent)]);
  for (const line of formatTable(['days', ...report.policies.map((figures) => figures.policy)], curveRows)) out.log(line);

  out.log('');
  out.log(paint(out, 'quiet', `simulated in ${(tookMs / 1000).toFixed(1)} s`));
}
