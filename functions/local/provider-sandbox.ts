import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { listen, readBody, requestUrl, sendJson, sendText } from './http.js';
import { SEND_MESSAGES_PATH, sendMessages } from './sandbox/pinpoint.js';
import { snsAction } from './sandbox/sns.js';
import { PUSH_STATUSES, SandboxState } from './sandbox/state.js';

export { PUSH_STATUSES, type FaultsPatch, type PushStatus, type RecordedPush, type RecordedSms, type SandboxFaults, type SmsStatusRecord } from './sandbox/state.js';

export interface ProviderSandbox {
  /** Point both the Pinpoint and the SNS client here. */
  endpoint: string;
  port: number;
  /** `GET messages`, `POST faults` (a FaultsPatch), `DELETE faults`, `DELETE messages`. */
  controlUrl: string;
  applicationId: string;
  state: SandboxState;
  stop(): Promise<void>;
}

export interface ProviderSandboxOptions {
  port?: number;
  /** The Pinpoint application the sandbox knows; others are answered NotFoundException. */
  applicationId?: string;
}

export const CONTROL_PREFIX = '/_sandbox/';

const faultsPatchSchema = z.strictObject({
  pushTokens: z.record(z.string(), z.enum(PUSH_STATUSES)).optional(),
  renewedTokens: z.record(z.string(), z.string().min(1)).optional(),
  optedOutNumbers: z.array(z.string()).optional(),
  throttle: z.strictObject({ pinpoint: z.number().int().min(0).optional(), sns: z.number().int().min(0).optional() }).optional(),
});

/**
 * Stands in for the two provider APIs no emulator covers: Pinpoint `SendMessages` (push) and SNS
 * `Publish` / `CheckIfPhoneNumberIsOptedOut` (SMS). It records what it receives and can be told
 * to fail, so demos and tests can show throttling, dead tokens and opted-out numbers.
 */
export async function startProviderSandbox(options: ProviderSandboxOptions = {}): Promise<ProviderSandbox> {
  const state = new SandboxState();
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
    const answer = sendMessages(state, { applicationId }, decodeURIComponent(pinpoint[1]), body);
    return sendJson(res, answer.status, answer.body, answer.headers);
  }
  if (req.method === 'POST' && url.pathname === '/' && (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    const answer = snsAction(state, new URLSearchParams(body));
    return sendText(res, answer.status, answer.body, 'text/xml');
  }
  sendJson(res, 404, { message: `the provider sandbox does not answer ${req.method} ${url.pathname}` }, { 'x-amzn-ErrorType': 'NotFoundException' });
}

async function control(req: IncomingMessage, res: ServerResponse, state: SandboxState, path: string): Promise<void> {
  if (path === 'messages' && req.method === 'GET') return sendJson(res, 200, { push: state.push, sms: state.sms });
  if (path === 'messages' && req.method === 'DELETE') {
    state.clearMessages();
    return sendJson(res, 200, { cleared: true });
  }
  if (path === 'faults' && req.method === 'GET') return sendJson(res, 200, state.faults);
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
      return sendJson(res, 400, { message: 'expected { pushTokens?, renewedTokens?, optedOutNumbers?, throttle? }', problems });
    }
    return sendJson(res, 200, state.applyFaults(patch.data));
  }
  if (path === 'faults' && req.method === 'DELETE') {
    state.resetFaults();
    return sendJson(res, 200, state.faults);
  }
  sendJson(res, 404, { message: `unknown control path ${path}` });
}
