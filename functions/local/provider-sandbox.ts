import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { listen, readBody, requestUrl, sendJson, sendText } from '../tooling/loopback-http.js';
import { SEND_MESSAGES_PATH, sendMessages } from './sandbox/pinpoint.js';
import { SCHEDULE_PATH, scheduleAction } from './sandbox/scheduler.js';
import { snsAction } from './sandbox/sns.js';
import { PROVIDER_FAULT_KINDS, PUSH_STATUSES, SandboxState } from './sandbox/state.js';

export {
  PROVIDER_FAULT_KINDS,
  PUSH_STATUSES,
  type FaultsPatch,
  type ProviderFaultKind,
  type PushStatus,
  type RecordedPush,
  type RecordedSms,
  type SandboxFaults,
  type SeededProviderFaults,
  type SmsStatusRecord,
} from './sandbox/state.js';

export interface ProviderSandbox {
  /** Point the Pinpoint, SNS and EventBridge Scheduler clients here. */
  endpoint: string;
  port: number;
  /** `GET messages`, `POST faults` (a FaultsPatch), `DELETE faults`, `DELETE messages`, `GET stats`, `GET schedules`. */
  controlUrl: string;
  applicationId: string;
  state: SandboxState;
  stop(): Promise<void>;
}

export interface ProviderSandboxOptions {
  port?: number;
  /** The Pinpoint application the sandbox knows; others are answered NotFoundException. */
  applicationId?: string;
  /** Messages kept per channel; default 1,000. */
  maxRecorded?: number;
}

export const CONTROL_PREFIX = '/_sandbox/';

const faultsPatchSchema = z.strictObject({
  pushTokens: z.record(z.string(), z.enum(PUSH_STATUSES)).optional(),
  renewedTokens: z.record(z.string(), z.string().min(1)).optional(),
  optedOutNumbers: z.array(z.string()).optional(),
  smsErrors: z.record(z.string(), z.string().regex(/^[A-Za-z]+$/)).optional(),
  throttle: z.strictObject({ pinpoint: z.number().int().min(0).optional(), sns: z.number().int().min(0).optional() }).optional(),
  seeded: z
    .strictObject({
      seed: z.number().int(),
      rate: z.number().min(0).max(1),
      maxBurst: z.number().int().min(1).max(20).optional(),
      burstiness: z.number().min(0).max(1).optional(),
      kinds: z.partialRecord(z.enum(PROVIDER_FAULT_KINDS), z.number().min(0)).optional(),
    })
    .nullable()
    .optional(),
});

/** A held call is dropped after this long even if its client never gives up. */
const MAX_HOLD_MS = 60_000;

/**
 * Stands in for the provider APIs no emulator covers: Pinpoint `SendMessages` (push), SNS
 * `Publish` / `CheckIfPhoneNumberIsOptedOut` (SMS) and EventBridge Scheduler's schedules. It records what it receives and can be told
 * to fail, so demos and tests can show throttling, dead tokens and opted-out numbers.
 */
export async function startProviderSandbox(options: ProviderSandboxOptions = {}): Promise<ProviderSandbox> {
  const state = new SandboxState(options.maxRecorded !== undefined ? { maxRecorded: options.maxRecorded } : {});
  const applicationId = options.applicationId ?? 'switchboard-local';
  const running = await listen((req, res) => route(req, res, state, applicationId), options.port ?? 0);
  return {
    endpoint: running.url,
    port: running.port,
    controlUrl: `${running.url}${CONTROL_PREFIX}`,
    applicationId,
    state,
    stop: running.close,
  };
}

async function route(req: IncomingMessage, res: ServerResponse, state: SandboxState, applicationId: string): Promise<void> {
  const url = requestUrl(req);
  if (url.pathname.startsWith(CONTROL_PREFIX)) return control(req, res, state, url.pathname.slice(CONTROL_PREFIX.length));
  const body = await readBody(req);
  const pinpoint = SEND_MESSAGES_PATH.exec(url.pathname);
  if (req.method === 'POST' && pinpoint?.[1]) {
    const fault = state.providerFault('pinpoint', 'SendMessages', body);
    if (fault === 'timeout') return hold(res);
    const answer = sendMessages(state, { applicationId }, decodeURIComponent(pinpoint[1]), body, fault);
    return sendJson(res, answer.status, answer.body, answer.headers);
  }
  if (req.method === 'POST' && url.pathname === '/' && (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(body);
    const fault = state.providerFault('sns', form.get('Action') ?? 'unknown', body);
    if (fault === 'timeout') return hold(res);
    const answer = snsAction(state, form, fault);
    return sendText(res, answer.status, answer.body, 'text/xml');
  }
  const schedule = SCHEDULE_PATH.exec(url.pathname);
  if (schedule?.[1]) {
    const answer = scheduleAction(state.schedules, req.method ?? 'GET', schedule[1], body, url.searchParams);
    return sendJson(res, answer.status, answer.body, answer.headers);
  }
  sendJson(res, 404, { message: `the provider sandbox does not answer ${req.method} ${url.pathname}` }, { 'x-amzn-ErrorType': 'NotFoundException' });
}

/**
 * A provider that never answers: the call is neither served nor recorded, so the message was not
 * accepted. The client's own timeout ends it; stopping the sandbox or `MAX_HOLD_MS` drops it too.
 */
function hold(res: ServerResponse): void {
  const timer = setTimeout(() => res.destroy(), MAX_HOLD_MS);
  timer.unref();
  res.once('close', () => clearTimeout(timer));
}

async function control(req: IncomingMessage, res: ServerResponse, state: SandboxState, path: string): Promise<void> {
  if (path === 'messages' && req.method === 'GET') return sendJson(res, 200, { push: state.push, sms: state.sms });
  if (path === 'messages' && req.method === 'DELETE') {
    state.clearMessages();
    return sendJson(res, 200, { cleared: true });
  }
  if (path === 'faults' && req.method === 'GET') return sendJson(res, 200, state.faults);
  if (path === 'schedules' && req.method === 'GET') return sendJson(res, 200, [...state.schedules.values()]);
  if (path === 'stats' && req.method === 'GET') return sendJson(res, 200, { calls: state.tally.calls, faults: state.tally.faults });
  if (path === 'faults' && req.method === 'POST') {
    let raw: unknown;
    try {
      raw = JSON.parse(await readBody(req));
    } catch {
      raw = undefined;
    }
    const patch = faultsPatchSchema.safeParse(raw);
    if (!patch.success) {
      const problems = patch.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
      return sendJson(res, 400, { message: 'expected { pushTokens?, renewedTokens?, optedOutNumbers?, smsErrors?, throttle?, seeded? }', problems });
    }
    return sendJson(res, 200, state.applyFaults(patch.data));
  }
  if (path === 'faults' && req.method === 'DELETE') {
    state.resetFaults();
    return sendJson(res, 200, state.faults);
  }
  sendJson(res, 404, { message: `unknown control path ${path}` });
}
