import { readFile } from 'node:fs/promises';
import { CapturingSender } from '../../adapters/memory/capturing-sender.js';
import { MemoryCustomerDirectory } from '../../adapters/memory/customer-directory.js';
import { MemoryDeliveryLog } from '../../adapters/memory/delivery-log.js';
import { MemoryFrequencyCounter } from '../../adapters/memory/frequency-counter.js';
import { MemoryLinkSigner } from '../../adapters/memory/link-signer.js';
import { MemoryTelemetry } from '../../adapters/memory/telemetry.js';
import { BundleTemplateStore } from '../../adapters/bundle-template-store.js';
import { fixedClock, systemClock } from '../../adapters/system-clock.js';
import { defaultDecisionConfig } from '../../core/config.js';
import type { Channel, Customer, DeliveryRecord } from '../../core/model.js';
import { orchestrateBatch } from '../../core/orchestrate.js';
import { CustomerRenderer } from '../../core/render/customer-renderer.js';
import { formatProblem } from '../../core/render/problems.js';
import { loadTemplateFolder } from '../../template-compiler/index.js';
import { formatTable } from '../../tooling/text-table.js';
import type { CliOutput } from '../io.js';

export interface DryRunArgs {
  requestFile: string;
  customerFile: string;
  templatesDir: string;
  now?: string;
  json: boolean;
}

/** The CLI's JSON answer; its shape is a contract (DESIGN.md, issue "dry-run"). */
export interface DryRunReport {
  status: string;
  channels: Channel[];
  decision: { ranked: { channel: Channel; score: number; reasons: string[] }[]; excluded: { channel: Channel; reason: string }[] };
  rendered: Partial<Record<Channel, unknown>>;
  problems: { path: string; message: string }[];
}

const DRY_RUN_LINKS = { unsubscribeBaseUrl: 'https://example.com/unsubscribe', preferencesBaseUrl: 'https://example.com/preference-centre' };

/** Runs the real orchestrate use case on in-memory ports: it decides and renders, and sends nothing. */
export async function dryRun(args: DryRunArgs, out: CliOutput): Promise<number> {
  const [requestBody, customer] = await Promise.all([readFile(args.requestFile, 'utf8'), readJson<Customer>(args.customerFile)]);
  const { bundle, problems: templateProblems } = await loadTemplateFolder(args.templatesDir);
  if (templateProblems.length > 0) {
    for (const p of templateProblems) out.error(`template problem: ${formatProblem(p)}`);
  }
  const now = args.now ? parseNow(args.now) : undefined;
  const senders = {
    email: new CapturingSender('email'),
    sms: new CapturingSender('sms'),
    push: new CapturingSender('push'),
    in_app: new CapturingSender('in_app'),
  };
  const deliveries = new MemoryDeliveryLog();
  const [outcome] = await orchestrateBatch([{ messageId: 'dry-run', body: requestBody }], {
    customers: new MemoryCustomerDirectory([customer]),
    deliveries,
    counter: new MemoryFrequencyCounter(),
    templates: new BundleTemplateStore(bundle),
    senders,
    // Links are signed with a key made for this run and point nowhere real: nothing is sent.
    renderer: new CustomerRenderer(undefined, { signer: MemoryLinkSigner.throwaway(), ...DRY_RUN_LINKS }),
    telemetry: new MemoryTelemetry(),
    clock: now ? fixedClock(now) : systemClock,
    decisionConfig: defaultDecisionConfig,
    leaseMs: 60_000,
    concurrency: 1,
  });
  if (!outcome) throw new Error('the use case returned no outcome');
  const record = deliveries.get(outcome.requestId);
  const report = toReport(outcome.status, outcome.channels, record, senders);
  if (args.json) out.log(JSON.stringify(report, null, 2));
  else printReadable(report, out);
  return 0;
}

function toReport(status: string, channels: Channel[], record: DeliveryRecord | undefined, senders: Record<Channel, CapturingSender<Channel>>): DryRunReport {
  const rendered: Partial<Record<Channel, unknown>> = {};
  for (const channel of channels) rendered[channel] = senders[channel].sent.at(-1)?.content;
  return {
    status,
    channels,
    decision: {
      ranked: (record?.decision?.ranked ?? []).map(({ channel, score, reasons }) => ({ channel, score, reasons })),
      excluded: (record?.decision?.excluded ?? []).map(({ channel, reason }) => ({ channel, reason })),
    },
    rendered,
    problems: record?.problems ?? (record?.attempts ?? []).filter((a) => a.error).map((a) => ({ path: a.channel, message: `${a.error?.code}: ${a.error?.message}` })),
  };
}

function printReadable(report: DryRunReport, out: CliOutput): void {
  out.log(`status: ${report.status}${report.channels.length ? ` via ${report.channels.join(', ')}` : ''}`);
  if (report.decision.ranked.length > 0) {
    out.log('\nranked channels');
    const rows = report.decision.ranked.map((r, i) => [String(i + 1), r.channel, r.score.toFixed(3), r.reasons.join('; ')]);
    for (const line of formatTable(['#', 'channel', 'score', 'why'], rows)) out.log(line);
  }
  if (report.decision.excluded.length > 0) {
    out.log('\nexcluded channels');
    for (const line of formatTable(
      ['channel', 'reason'],
      report.decision.excluded.map((e) => [e.channel, e.reason]),
    ))
      out.log(line);
  }
  for (const [channel, content] of Object.entries(report.rendered)) {
    out.log(`\n${channel} message`);
    for (const [part, value] of Object.entries(content as Record<string, unknown>)) {
      if (part === 'html') continue;
      out.log(`  ${part}: ${typeof value === 'string' ? value.replace(/\n/g, '\n    ') : JSON.stringify(value)}`);
    }
  }
  if (report.problems.length > 0) {
    out.log('\nproblems');
    for (const p of report.problems) out.log(`  ${p.path || '(request)'}: ${p.message}`);
  }
}

async function readJson<T>(file: string): Promise<T> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function parseNow(value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new Error(`--now must be an ISO 8601 date-time, got "${value}"`);
  return at;
}
