import { CapturingSender } from '../../adapters/memory/capturing-sender.js';
import { MemoryCustomerDirectory } from '../../adapters/memory/customer-directory.js';
import { MemoryDeliveryLog } from '../../adapters/memory/delivery-log.js';
import { MemoryFrequencyCounter } from '../../adapters/memory/frequency-counter.js';
import { MemoryLinkSigner } from '../../adapters/memory/link-signer.js';
import { MemoryWakeScheduler } from '../../adapters/memory/wake-scheduler.js';
import { MemoryTelemetry } from '../../adapters/memory/telemetry.js';
import { BundleTemplateStore } from '../../adapters/bundle-template-store.js';
import { fixedClock, systemClock } from '../../adapters/system-clock.js';
import { defaultDecisionConfig } from '../../core/config.js';
import { type LearnedPriors, learnedPriorsSchema } from '../../core/learning/priors.js';
import type { Channel, Customer, DeliveryRecord, DeliveryStatus, EscalationState, Surface, TimingNote } from '../../core/model.js';
import { orchestrateBatch } from '../../core/orchestrate.js';
import { problemsOf } from '../../core/problem-bounds.js';
import { resolveTimeZone } from '../../core/quiet-hours.js';
import { CustomerRenderer } from '../../core/render/customer-renderer.js';
import { formatProblem } from '../../core/render/problems.js';
import { describeDuration } from '../../core/timing/duration.js';
import { describeLocalInstant } from '../../core/timing/local-time.js';
import { loadTemplateFolder } from '../../template-compiler/index.js';
import { formatTable } from '../../tooling/text-table.js';
import { EXIT, isFailure } from '../exit-codes.js';
import { InputError, inputName, parseJsonInput, readInput, readJsonInput } from '../files.js';
import type { CliOutput } from '../io.js';
import { paint, say, toneOf } from '../text.js';

export interface DryRunArgs {
  requestFile: string;
  customerFile: string;
  templatesDir: string;
  now?: string;
  /** Learned priors as the refresher stores them; without, the configured priors (a new deployment). */
  priorsFile?: string;
  json: boolean;
}

/**
 * The CLI's JSON answer; its shape is a contract (docs/delivery-record.md describes the record it
 * is read from). Fields are only ever added: the optional ones appear only when they say something.
 */
export interface DryRunReport {
  status: string;
  channels: Channel[];
  /** `moment`: where the customer was when it was decided, when that was known. */
  decision: { ranked: { channel: Channel; score: number; reasons: string[] }[]; excluded: { channel: Channel; reason: string }[]; moment?: Surface };
  rendered: Partial<Record<Channel, unknown>>;
  problems: { path: string; message: string }[];
  /** When the clock had a say: sent now, deferred (until when, also on the customer's clock) or expired, and why. */
  timing?: DryRunTiming;
  /** For a DEFERRED message: when it would be decided again. */
  deferredUntil?: string;
  /** Under strategy `escalate`: the first step, and the next look with the channels that would follow. */
  escalation?: DryRunEscalation;
}

export interface DryRunTiming extends TimingNote {
  /** `until` on the customer's wall clock, e.g. `08:00 Asia/Tokyo` (the date in front when it is another day there). */
  untilLocal?: string;
}

export interface DryRunEscalation extends EscalationState {
  /** `nextAt` on the customer's wall clock. */
  nextAtLocal?: string;
  /**
   * The channels ranked now that no step has used yet, best first: who gets the message next if
   * nobody engages. Each step is decided again from the customer record when it comes due.
   */
  nextChannels: Channel[];
}

const DRY_RUN_LINKS = { unsubscribeBaseUrl: 'https://example.com/unsubscribe', preferencesBaseUrl: 'https://example.com/preference-centre' };

/**
 * Runs the real orchestrate use case on in-memory ports: it decides and renders, and sends
 * nothing. Exit 1 when the request would end REJECTED or failed, as `send --wait` would.
 */
export async function dryRun(args: DryRunArgs, out: CliOutput): Promise<number> {
  const [requestBody, customer, priors] = await Promise.all([
    readInput(args.requestFile),
    readJsonInput(args.customerFile) as Promise<Customer>,
    args.priorsFile ? readPriors(args.priorsFile) : undefined,
  ]);
  // Broken JSON is named here with its line and column; the orchestrator would only say it is broken.
  parseJsonInput(requestBody, args.requestFile);
  const { bundle, problems: templateProblems } = await loadTemplateFolder(args.templatesDir);
  if (templateProblems.length > 0) {
    for (const p of templateProblems) out.error(`template problem: ${formatProblem(p)}`);
  }
  const now = args.now ? parseNow(args.now) : undefined;
  const startedAt = now ?? new Date();
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
    ...(priors ? { priors: { current: () => Promise.resolve(priors) } } : {}),
    leaseMs: 60_000,
    concurrency: 1,
    // A dry run shows a deferral and the wake it would arrange; nothing wakes it.
    scheduler: new MemoryWakeScheduler(),
  });
  if (!outcome) throw new Error('the use case returned no outcome');
  const record = deliveries.get(outcome.requestId);
  const report = toReport(outcome.status, outcome.channels, record, senders);
  addTiming(report, record, localClock(customer, startedAt));
  if (args.json) out.log(JSON.stringify(report, null, 2));
  else printReadable(report, out);
  return isFailure(report.status) ? EXIT.failed : EXIT.ok;
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
      ...(record?.decision?.moment ? { moment: record.decision.moment } : {}),
    },
    rendered,
    problems: record?.problems ?? (record?.attempts ?? []).filter((a) => a.error).map((a) => ({ path: a.channel, message: `${a.error?.code}: ${a.error?.message}` })),
  };
}

type LocalClock = (iso: string) => string;

async function readPriors(file: string): Promise<LearnedPriors> {
  const parsed = learnedPriorsSchema.safeParse(await readJsonInput(file));
  if (parsed.success) return parsed.data;
  const problems = problemsOf(parsed.error).map((problem) => `  ${problem.path || '(whole file)'}: ${problem.message}`);
  throw new InputError([`${inputName(file)} is not a set of learned priors:`, ...problems].join('\n'));
}

/** Instants as the customer's wall clock shows them; UTC when the record names no zone Intl knows. */
function localClock(customer: Customer, now: Date): LocalClock {
  const zone = resolveTimeZone(typeof customer.timeZone === 'string' ? customer.timeZone : undefined);
  return (iso) => describeLocalInstant(new Date(iso), zone, now);
}

/** The timing note, the deferral and the escalation of the record, each only when it has one. */
function addTiming(report: DryRunReport, record: DeliveryRecord | undefined, local: LocalClock): void {
  const timing = timingOf(record);
  if (timing) report.timing = { ...timing, ...(timing.until ? { untilLocal: local(timing.until) } : {}) };
  if (record?.deferredUntil) report.deferredUntil = record.deferredUntil;
  const escalation = record?.escalation;
  if (escalation) {
    const used = new Set(escalation.steps.map((step) => step.channel));
    report.escalation = {
      afterMs: escalation.afterMs,
      steps: escalation.steps.map(({ channel, sentAt, reason }) => ({ channel, sentAt, reason })),
      ...(escalation.nextAt ? { nextAt: escalation.nextAt, nextAtLocal: local(escalation.nextAt) } : {}),
      ...(escalation.stopped ? { stopped: { ...escalation.stopped } } : {}),
      nextChannels: escalation.stopped ? [] : report.decision.ranked.map((entry) => entry.channel).filter((channel) => !used.has(channel)),
    };
  }
}

/**
 * The record's own timing note; for a request whose `expiresAt` had passed before anything was
 * decided, the note that moment stands for, with the record's own explanation as its reason.
 */
function timingOf(record: DeliveryRecord | undefined): TimingNote | undefined {
  const note = record?.decision?.timing;
  if (note) return { outcome: note.outcome, ...(note.reason ? { reason: note.reason } : {}), ...(note.until ? { until: note.until } : {}), reasons: [...note.reasons] };
  if (record?.status !== 'EXPIRED') return undefined;
  const detail = record.timeline.findLast((event) => event.status === 'EXPIRED')?.detail;
  return { outcome: 'expire', reason: 'PAST_EXPIRES_AT', reasons: detail ? [detail] : [] };
}

function printReadable(report: DryRunReport, out: CliOutput): void {
  const status = paint(out, toneOf(report.status as DeliveryStatus), report.status);
  say(out, `status: ${status}${report.channels.length ? ` via ${report.channels.join(', ')}` : ''}`);
  printTiming(report, out);
  if (report.decision.moment) say(out, `moment: ${report.decision.moment}`);
  if (report.decision.ranked.length > 0) {
    out.log('');
    out.log(paint(out, 'heading', 'ranked channels'));
    const rows = report.decision.ranked.map((r, i) => [String(i + 1), r.channel, r.score.toFixed(3), r.reasons.join('; ')]);
    const [header = '', ...lines] = formatTable(['#', 'channel', 'score', 'why'], rows);
    // A long "why" wraps under its own column.
    const why = header.indexOf('why');
    out.log(header);
    for (const line of lines) say(out, line, why);
  }
  if (report.decision.excluded.length > 0) {
    out.log('');
    out.log(paint(out, 'heading', 'excluded channels'));
    for (const line of formatTable(
      ['channel', 'reason'],
      report.decision.excluded.map((e) => [e.channel, e.reason]),
    ))
      out.log(line);
  }
  printEscalation(report, out);
  for (const [channel, content] of Object.entries(report.rendered)) {
    out.log('');
    out.log(paint(out, 'heading', `${channel} message`));
    for (const [part, value] of Object.entries(content as Record<string, unknown>)) {
      if (part === 'html') continue;
      say(out, `  ${part}: ${typeof value === 'string' ? value.replace(/\n/g, '\n    ') : JSON.stringify(value)}`);
    }
  }
  if (report.problems.length > 0) {
    out.log('');
    out.log(paint(out, 'heading', 'problems'));
    for (const p of report.problems) say(out, `  ${p.path || '(request)'}: ${p.message}`);
  }
}

function printTiming(report: DryRunReport, out: CliOutput): void {
  const { timing } = report;
  if (!timing) return;
  const reason = timing.reason ? ` (${timing.reason})` : '';
  if (timing.outcome === 'defer') {
    const local = timing.untilLocal ? `, ${timing.untilLocal}` : '';
    say(out, `deferred${reason} until ${timing.until ?? '(unknown)'}${local}`);
  } else if (timing.outcome === 'expire') {
    say(out, `expired${reason}`);
  } else {
    say(out, `timing: ${timing.outcome === 'send_now' ? 'send now' : 'no channel can carry it, now or later'}`);
  }
  for (const line of timing.reasons) say(out, `  - ${line}`, 4);
}

function printEscalation(report: DryRunReport, out: CliOutput): void {
  const { escalation } = report;
  if (!escalation) return;
  out.log('');
  say(out, paint(out, 'heading', `escalation (next channel after ${describeDuration(escalation.afterMs)} without engagement)`));
  escalation.steps.forEach((step, i) => say(out, `  step ${i + 1}: ${step.channel} at ${step.sentAt}: ${step.reason}`));
  if (escalation.stopped) {
    say(out, `  stopped (${escalation.stopped.cause}): ${escalation.stopped.reason}`);
  } else if (escalation.nextAt) {
    const [next, ...then] = escalation.nextChannels;
    const local = escalation.nextAtLocal ? ` (${escalation.nextAtLocal})` : '';
    const action = next ? `→ ${next}${then.length > 0 ? `, then ${then.join(', ')}` : ''}` : '→ stop: no channel left';
    say(out, `  next: if unread by ${escalation.nextAt}${local} ${action}`);
  }
}

function parseNow(value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new Error(`--now must be an ISO 8601 date-time, got "${value}"`);
  return at;
}
