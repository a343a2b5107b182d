import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CHANNELS, type Channel, type DeliveryRecord, type DeliveryStatus, E164, PUSH_PLATFORMS } from '../../core/model.js';
import type { TemplateManifest } from '../../core/templates.js';
import { ENV } from '../../definitions/tables.js';
import { DEFAULT_BUNDLE_PATH } from '../../template-compiler/paths.js';
import { EXIT } from '../exit-codes.js';
import { InputError, readJsonInput } from '../files.js';
import type { CliOutput } from '../io.js';
import { paint } from '../text.js';
import { localTemplates } from './send-checks.js';
import { realWaitClock, type WaitClock } from './send-wait.js';
import { likelyCause, type SmokeObservation } from './smoke-causes.js';
import { openSmokeTarget, type SmokeTarget } from './smoke-target.js';

export const SMOKE_CUSTOMER_ID = 'smoke-test';
export const SMOKE_TEMPLATE = 'order-shipped';
export const DEFAULT_SMOKE_TIMEOUT_SECONDS = 120;

/** The addresses to check, from the flags or `--file`; a channel without one is skipped. */
export const smokeAddressesSchema = z.strictObject({
  customerId: z.string().min(1).max(256).optional(),
  email: z
    .string()
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address')
    .optional(),
  phone: z.string().regex(E164, 'must be an E.164 number such as +4915112345678').optional(),
  pushToken: z.string().min(1).max(4096).optional(),
  pushPlatform: z.enum(PUSH_PLATFORMS).optional(),
});
export type SmokeAddresses = z.output<typeof smokeAddressesSchema>;

export interface SmokeArgs extends SmokeAddresses {
  /** JSON with the same fields; a flag given as well wins. */
  file?: string;
  timeoutSeconds?: number;
  json: boolean;
}

export interface SmokeDeps {
  env?: Record<string, string | undefined>;
  localConfigPath?: string;
  stdin?: () => Promise<string>;
  /** The system checked; by default the one the other commands reach (see `openSmokeTarget`). */
  target?: SmokeTarget;
  clock?: WaitClock;
}

/** What counts as arrived: email needs the provider's delivery report, the others its acceptance. */
const ARRIVED: Record<Channel, readonly DeliveryStatus[]> = {
  email: ['DELIVERED', 'OPENED', 'CLICKED'],
  sms: ['SENT', 'DELIVERED', 'OPENED', 'CLICKED'],
  push: ['SENT', 'DELIVERED', 'OPENED', 'CLICKED'],
  in_app: ['SENT', 'DELIVERED', 'OPENED', 'CLICKED'],
};

/** Still on its way: not decided yet, or sent while the delivery report is awaited. */
const IN_FLIGHT: Record<Channel, readonly DeliveryStatus[]> = { email: ['ACCEPTED', 'SENT'], sms: ['ACCEPTED'], push: ['ACCEPTED'], in_app: ['ACCEPTED'] };

const FIRST_GAP_MS = 200;
const LONGEST_GAP_MS = 1_000;

export interface ChannelResult {
  channel: Channel;
  requestId: string;
  passed: boolean;
  status?: DeliveryStatus;
  /** From queueing to arrival, or to the end of the check. */
  ms: number;
  cause?: string;
}

/**
 * `switchboard smoke`: after a deploy, one transactional message per channel to the addresses
 * named, each restricted to its channel, and a check that each arrived. docs/cli.md describes
 * what counts as arrived and the causes it names.
 */
export async function smoke(args: SmokeArgs, out: CliOutput, deps: SmokeDeps = {}): Promise<number> {
  let addresses: SmokeAddresses;
  try {
    addresses = await addressesOf(args, deps);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    out.error(error.message);
    return EXIT.failed;
  }
  const bundlePath = (deps.env ?? process.env)[ENV.templateBundlePath] || DEFAULT_BUNDLE_PATH;
  const templates = localTemplates(bundlePath);
  const template = templates?.store.get(SMOKE_TEMPLATE)?.manifest;
  if (!templates?.registry || !template) {
    out.error(`cannot read template ${SMOKE_TEMPLATE} and the topic registry from ${bundlePath}: run npm run build, or set ${ENV.templateBundlePath}`);
    return EXIT.failed;
  }
  const clock = deps.clock ?? realWaitClock;
  const customerId = addresses.customerId ?? SMOKE_CUSTOMER_ID;
  const channels = CHANNELS.filter((channel) => hasAddress(channel, addresses));
  const skipped = CHANNELS.filter((channel) => !channels.includes(channel));
  const steps: { step: string; ms: number }[] = [];
  const step = (text: string, ms: number) => {
    steps.push({ step: text, ms });
    if (!args.json) out.log(`${text} (${ms} ms)`);
  };
  if (!args.json) for (const channel of skipped) out.log(`${channel}: skipped, no address given`);

  let target: SmokeTarget;
  try {
    target = deps.target ?? (await openSmokeTarget(deps, templates.registry));
  } catch (error) {
    out.error((error as Error).message);
    return EXIT.failed;
  }
  try {
    let started = clock.now();
    const problems = await target.writeCustomer(customerId, profileOf(addresses, template), consentOf(channels, template, new Date(clock.now())));
    if (problems.length > 0) {
      for (const problem of problems) out.error(`customer ${customerId}: ${problem.path || '(whole record)'}: ${problem.message}`);
      return EXIT.failed;
    }
    step(`customer ${customerId} written on ${target.describe}`, clock.now() - started);

    const run = `${clock.now().toString(36)}-${randomUUID().slice(0, 6)}`;
    const queued = new Map<Channel, { requestId: string; at: number }>();
    for (const channel of channels) {
      const requestId = `smoke-${channel}-${run}`;
      started = clock.now();
      await target.enqueue(requestOf(requestId, customerId, channel, template));
      queued.set(channel, { requestId, at: clock.now() });
      step(`${channel}: queued ${requestId}`, clock.now() - started);
    }

    const deadline = clock.now() + (args.timeoutSeconds ?? DEFAULT_SMOKE_TIMEOUT_SECONDS) * 1_000;
    const results = await Promise.all(channels.map((channel) => check(channel, customerId, queued.get(channel) as { requestId: string; at: number }, target, clock, deadline)));
    const passed = results.every((r) => r.passed);
    if (args.json) out.log(JSON.stringify({ customerId, passed, steps, channels: results, skipped }, null, 2));
    else printResults(results, out);
    return passed ? EXIT.ok : EXIT.smokeFailed;
  } finally {
    target.close();
  }
}

async function addressesOf(args: SmokeArgs, deps: SmokeDeps): Promise<SmokeAddresses> {
  const fromFile = args.file === undefined ? {} : await readJsonInput(args.file, deps.stdin);
  const flags = Object.fromEntries(
    Object.entries(smokeAddressesSchema.shape).flatMap(([key]) => (args[key as keyof SmokeAddresses] === undefined ? [] : [[key, args[key as keyof SmokeAddresses]]])),
  );
  const parsed = smokeAddressesSchema.safeParse(typeof fromFile === 'object' && fromFile !== null ? { ...fromFile, ...flags } : fromFile);
  if (!parsed.success) throw new InputError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(addresses)'}: ${issue.message}`).join('\n'));
  if (parsed.data.pushPlatform && !parsed.data.pushToken) throw new InputError('pushPlatform goes with a push token');
  return parsed.data;
}

/** In-app needs no address: it is always checked. */
function hasAddress(channel: Channel, addresses: SmokeAddresses): boolean {
  if (channel === 'email') return addresses.email !== undefined;
  if (channel === 'sms') return addresses.phone !== undefined;
  if (channel === 'push') return addresses.pushToken !== undefined;
  return true;
}

/** The profile the smoke customer gets: the addresses, and the template's sample customer so it renders. */
function profileOf(addresses: SmokeAddresses, template: TemplateManifest): Record<string, unknown> {
  return {
    ...(template.sampleData.customer ? { attributes: template.sampleData.customer } : {}),
    ...(addresses.email ? { email: { address: addresses.email } } : {}),
    ...(addresses.phone ? { phone: { number: addresses.phone } } : {}),
    ...(addresses.pushToken ? { push: [{ token: addresses.pushToken, platform: addresses.pushPlatform ?? 'APNS' }] } : {}),
    inApp: { enabled: true },
  };
}

function consentOf(channels: Channel[], template: TemplateManifest, now: Date): Record<string, unknown> {
  const updatedAt = now.toISOString();
  return { source: 'smoke', changes: channels.map((channel) => ({ channel, topic: template.topic, value: 'opt_in', updatedAt })) };
}

function requestOf(requestId: string, customerId: string, channel: Channel, template: TemplateManifest): Record<string, unknown> {
  return {
    requestId,
    customerId,
    template: template.id,
    category: 'transactional',
    channels: [channel],
    data: template.sampleData.data ?? {},
    ...(template.sampleData.context ? { context: template.sampleData.context } : {}),
  };
}

/** Reads the request's record (and, for in-app, the inbox) until it arrived, ended otherwise, or the deadline passed. */
async function check(
  channel: Channel,
  customerId: string,
  queued: { requestId: string; at: number },
  target: SmokeTarget,
  clock: WaitClock,
  deadline: number,
): Promise<ChannelResult> {
  let gap = FIRST_GAP_MS;
  for (;;) {
    const record: DeliveryRecord | undefined = await target.deliveries.getDelivery(queued.requestId);
    const arrived = record !== undefined && ARRIVED[channel].includes(record.status);
    const inboxItem = channel === 'in_app' && arrived ? await target.inboxHas(customerId, queued.requestId) : undefined;
    const ms = clock.now() - queued.at;
    const base = { channel, requestId: queued.requestId, ms, ...(record ? { status: record.status } : {}) };
    if (arrived && inboxItem !== false) return { ...base, passed: true };
    const ended = record !== undefined && !arrived && !IN_FLIGHT[channel].includes(record.status);
    const left = deadline - clock.now();
    if (ended || left <= 0) {
      const seen: SmokeObservation = { channel, ...(record ? { record } : {}), ...(inboxItem !== undefined ? { inboxItem } : {}) };
      return { ...base, passed: false, cause: likelyCause(seen) };
    }
    await clock.sleep(Math.min(gap, left));
    gap = Math.min(gap * 2, LONGEST_GAP_MS);
  }
}

function printResults(results: ChannelResult[], out: CliOutput): void {
  for (const r of results) {
    const outcome = r.passed ? paint(out, 'good', `${r.status} passed`) : paint(out, 'bad', `${r.status ?? 'no record'} failed`);
    out.log(`${r.channel}: ${outcome} (${r.ms} ms) ${r.requestId}`);
  }
  const failed = results.filter((r) => !r.passed);
  for (const r of failed) out.error(`${r.channel} failed: ${r.cause ?? 'unknown'}`);
  out.log(failed.length === 0 ? `all ${results.length} channel(s) passed` : `${failed.length} of ${results.length} channel(s) failed`);
}
