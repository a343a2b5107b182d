import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POPULATION, simulateCommand } from '../../functions/cli/commands/simulate.js';
import { defaultDecisionConfig } from '../../functions/core/config.js';
import { CHANNELS } from '../../functions/core/model.js';
import { POLICIES } from '../../functions/simulate/policies.js';
import { populationSchema } from '../../functions/simulate/population.js';
import type { SimulationReport } from '../../functions/simulate/report.js';
import { simulate } from '../../functions/simulate/simulate.js';
import { DEFAULT_TEMPLATES_DIR, loadTemplateFolder } from '../../functions/template-compiler/index.js';
import { ROOT } from '../support/local-mode.js';
import { runCli } from '../support/run-cli.js';

const TINY = join(ROOT, 'test/fixtures/populations/tiny.json');
const tiny = () => JSON.parse(readFileSync(TINY, 'utf8')) as Record<string, unknown> & { segments: Record<string, unknown>[] };

function writePopulation(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'simulate-')), 'population.json');
  writeFileSync(file, text);
  return file;
}

/** The same run, made without the command: what --json must print. */
let direct: SimulationReport;

beforeAll(async () => {
  const { bundle } = await loadTemplateFolder(DEFAULT_TEMPLATES_DIR);
  const manifests = Object.values(bundle.templates).map((template) => template.manifest);
  direct = simulate(populationSchema.parse(tiny()), manifests, defaultDecisionConfig);
});

describe('switchboard simulate', () => {
  it('prints with --json exactly the report simulate() makes, the same on every run', async () => {
    const first = await runCli(['simulate', '--population', TINY, '--json']);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toEqual(direct);
    expect(direct.policies.map((p) => p.policy)).toEqual([...POLICIES]);
    expect((await runCli(['simulate', '--population', TINY, '--json'])).out).toBe(first.out);
  });

  it('prints a table of every policy, the channel mix, a learning curve and the population', async () => {
    const { code, out, err } = await runCli(['simulate', '--population', TINY]);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const { population } = direct;
    expect(out).toContain(`40 customers in 2 segments (app-first, inbox-readers), 3 days, ${population.requests} requests, seed 3`);
    const lines = out.split('\n');
    const section = (heading: string) => lines.slice(lines.indexOf(heading) + 1);
    const summary = section('outcome per policy');
    expect(summary[0]?.split(/\s{2,}/)).toEqual(['policy', 'sent', 'engagements', 'rate', 'fees', 'per engagement', 'of oracle']);
    for (const [i, figures] of direct.policies.entries()) {
      const cells = summary[i + 2]?.split(/\s{2,}/);
      expect(cells?.slice(0, 4)).toEqual([figures.policy, String(figures.sent), String(figures.engagements), `${(figures.engagementRate * 100).toFixed(1)}%`]);
      expect(cells?.[6]).toBe(`${(figures.shareOfOracle * 100).toFixed(1)}%`);
    }
    const mix = section('channel mix (share of messages sent)');
    expect(mix[0]?.split(/\s{2,}/)).toEqual(['policy', ...CHANNELS]);
    const switchboard = direct.policies[0]!;
    const emailShare = switchboard.channels.email.sent / switchboard.sent;
    expect(mix[2]?.split(/\s{2,}/)[3]).toBe(`${(emailShare * 100).toFixed(1)}%`);
    const curve = section('learning curve (engagement rate per stretch of days)');
    expect(curve[0]?.split(/\s{2,}/)).toEqual(['days', ...POLICIES]);
    expect(curve.slice(2, 5).map((line) => line.split(/\s{2,}/)[0])).toEqual(['1', '2', '3']);
    const day2 = switchboard.days[1]!;
    expect(curve[3]?.split(/\s{2,}/)[1]).toBe(`${((day2.engagements / day2.sent) * 100).toFixed(1)}%`);
    expect(out).toMatch(/\nsimulated in \d+\.\d s$/);
  });

  it('says how long the simulation took', async () => {
    const out: string[] = [];
    const times = [1_000, 2_200];
    const code = await simulateCommand({ populationFile: TINY, json: false }, { log: (l) => out.push(l), error: (l) => out.push(l) }, { timer: () => times.shift() ?? 0 });
    expect(code).toBe(0);
    expect(out.at(-1)).toBe('simulated in 1.2 s');
  });

  it('writes a self-contained HTML page and the JSON report into a folder it creates with --out', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'simulate-out-')), 'new', 'report');
    const { code, out, err } = await runCli(['simulate', '--population', TINY, '--out', dir]);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toContain(`wrote ${join(dir, 'report.html')}`);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toEqual(direct);
    const page = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(page.match(/<svg\b/g)).toHaveLength(2);
    expect(page).toContain('id="learning-curve"');
    expect(page).toContain('id="channel-mix"');
    // Nothing to fetch: no URL at all, so no script, stylesheet or font from elsewhere.
    expect(page).not.toMatch(/https?:\/\/|<script|<link|@import|url\(/i);
    for (const policy of POLICIES) expect(page).toContain(`data-policy="${policy}"`);
  });

  it('exits 1 naming the folder it cannot create', async () => {
    const file = writePopulation('{}');
    const { code, err } = await runCli(['simulate', '--population', TINY, '--json', '--out', join(file, 'report')]);
    expect(code).toBe(1);
    expect(err).toBe(`cannot create ${join(file, 'report')}: a part of the path is not a folder`);
  });

  it('keeps --json output pure when --out is given too', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'simulate-out-')), 'report');
    const { code, out } = await runCli(['simulate', '--population', TINY, '--json', '--out', dir]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(direct);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
  });

  it('finds the templates and its default population from any working directory', async () => {
    expect(DEFAULT_POPULATION).toBe(join(ROOT, 'simulate', 'retailer.json'));
    expect(existsSync(DEFAULT_POPULATION)).toBe(true);
    const elsewhere = mkdtempSync(join(tmpdir(), 'simulate-cwd-'));
    const child = spawn(process.execPath, [join(ROOT, 'bin/switchboard.js'), 'simulate', '--population', TINY, '--json'], { cwd: elsewhere, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(direct);
  });

  it('refuses a population with unknown fields and bad values, naming every problem by its path', async () => {
    const population = tiny();
    population.colour = 'blue';
    population.days = 0;
    population.segments[0]!.nmae = 'typo';
    const { code, out, err } = await runCli(['simulate', '--population', writePopulation(JSON.stringify(population))]);
    expect({ code, out }).toEqual({ code: 1, out: '' });
    const lines = err.split('\n');
    expect(lines[0]).toMatch(/population\.json is not a valid population: 3 problems$/);
    expect(lines.slice(1).sort()).toEqual(['  (whole file): unknown field(s): colour', '  days: Too small: expected number to be >=1', '  segments.0: unknown field(s): nmae']);
  });

  it('refuses segment shares and moments that do not add up to 1', async () => {
    const population = tiny();
    population.segments[1]!.share = 0.3;
    (population.segments[0]!.moments as Record<string, number>).app = 0.9;
    const { code, out, err } = await runCli(['simulate', '--population', writePopulation(JSON.stringify(population))]);
    expect({ code, out }).toEqual({ code: 1, out: '' });
    expect(err.split('\n').slice(1).sort()).toEqual(['  segments.0.moments: moments must add up to 1', '  segments: segment shares must add up to 1']);
  });

  it('refuses a file that is not JSON with the line and column, and a file that is not there', async () => {
    const broken = writePopulation('{\n  "seed": 3,\n  "days": 3,\n}\n');
    expect(await runCli(['simulate', '--population', broken])).toEqual({
      code: 1,
      out: '',
      err: `${broken} is not valid JSON: line 4, column 1: a comma must be followed by another property (no trailing comma)`,
    });
    expect(await runCli(['simulate', '--population', join(ROOT, 'no-such-population.json')])).toMatchObject({
      code: 1,
      out: '',
      err: expect.stringContaining('no such file or folder'),
    });
  });

  it('is listed in the usage, and checks its arguments', async () => {
    expect((await runCli(['--help'])).out).toMatch(/\n {2}simulate {2,}\S/);
    expect(await runCli(['simulate', 'retailer.json'])).toMatchObject({ code: 1, out: '', err: expect.stringContaining('(switchboard simulate --help lists its arguments)') });
    expect(await runCli(['simulate', '--out', ''])).toMatchObject({ code: 1, out: '', err: expect.stringContaining('--out needs a folder') });
  });
});
