import { EventEmitter } from 'node:events';

/** The per-address answers Pinpoint `SendMessages` gives (a subset a device can really produce). */
export const PUSH_STATUSES = ['SUCCESSFUL', 'THROTTLED', 'TEMPORARY_FAILURE', 'PERMANENT_FAILURE', 'OPT_OUT', 'UNKNOWN_FAILURE'] as const;
export type PushStatus = (typeof PUSH_STATUSES)[number];

export interface PushAddressResult {
  token: string;
  channelType: string;
  status: PushStatus;
  statusCode: number;
  messageId?: string;
  updatedToken?: string;
}

export interface RecordedPush {
  at: string;
  applicationId: string;
  traceId?: string;
  title?: string;
  body?: string;
  action?: string;
  url?: string;
  data?: Record<string, string>;
  results: PushAddressResult[];
}

export interface RecordedSms {
  messageId: string;
  at: string;
  phoneNumber: string;
  message: string;
  smsType?: string;
  senderId?: string;
  /** What the carrier reported afterwards, as SNS delivery status logging would. */
  status: 'SUCCESS' | 'FAILURE';
  providerResponse: string;
}

/** One SNS SMS delivery status record, the JSON SNS writes to CloudWatch Logs. */
export interface SmsStatusRecord {
  notification: { messageId: string; timestamp: string };
  delivery: { destination: string; smsType: string; providerResponse: string; priceInUSD: number; dwellTimeMs: number };
  status: 'SUCCESS' | 'FAILURE';
}

/** Faults injected through the control endpoint, for demos and tests. */
export interface SandboxFaults {
  /** Device tokens answered with this status, e.g. PERMANENT_FAILURE for an uninstalled app. */
  pushTokens: Record<string, PushStatus>;
  /** Tokens the provider answers with a renewed one (`UpdatedToken`). */
  renewedTokens: Record<string, string>;
  /** Numbers that replied STOP: the opt-out check says so and a publish fails at the carrier. */
  optedOutNumbers: string[];
  /** The next N calls to each API are throttled as a whole (HTTP 429). */
  throttle: { pinpoint: number; sns: number };
}

export type FaultsPatch = Partial<Omit<SandboxFaults, 'throttle'>> & { throttle?: Partial<SandboxFaults['throttle']> };

const MAX_RECORDED = 1_000;

/** Everything the sandbox received and the faults it was told to inject. */
export class SandboxState {
  readonly push: RecordedPush[] = [];
  readonly sms: RecordedSms[] = [];
  faults: SandboxFaults = emptyFaults();
  /** Emits `sms-status` (SmsStatusRecord) when a carrier would report on a text. */
  readonly events = new EventEmitter();

  recordPush(entry: RecordedPush): void {
    push(this.push, entry);
  }

  recordSms(entry: RecordedSms): void {
    push(this.sms, entry);
    const status: SmsStatusRecord = {
      notification: { messageId: entry.messageId, timestamp: snsTimestamp(new Date(entry.at)) },
      delivery: { destination: entry.phoneNumber, smsType: entry.smsType ?? 'Transactional', providerResponse: entry.providerResponse, priceInUSD: 0.00645, dwellTimeMs: 120 },
      status: entry.status,
    };
    this.events.emit('sms-status', status);
  }

  /** Merges a patch: maps and lists are extended, throttle counters replaced. */
  applyFaults(patch: FaultsPatch): SandboxFaults {
    this.faults = {
      pushTokens: { ...this.faults.pushTokens, ...patch.pushTokens },
      renewedTokens: { ...this.faults.renewedTokens, ...patch.renewedTokens },
      optedOutNumbers: [...new Set([...this.faults.optedOutNumbers, ...(patch.optedOutNumbers ?? [])])],
      throttle: { ...this.faults.throttle, ...patch.throttle },
    };
    return this.faults;
  }

  resetFaults(): void {
    this.faults = emptyFaults();
  }

  /** True when this call is to be throttled; counts the call down. */
  takeThrottle(api: keyof SandboxFaults['throttle']): boolean {
    if (this.faults.throttle[api] <= 0) return false;
    this.faults.throttle[api] -= 1;
    return true;
  }

  clearMessages(): void {
    this.push.length = 0;
    this.sms.length = 0;
  }
}

function emptyFaults(): SandboxFaults {
  return { pushTokens: {}, renewedTokens: {}, optedOutNumbers: [], throttle: { pinpoint: 0, sns: 0 } };
}

function push<T>(list: T[], entry: T): void {
  list.push(entry);
  if (list.length > MAX_RECORDED) list.shift();
}

/** SNS writes `2026-11-24 18:00:00.123`: UTC without a zone. */
function snsTimestamp(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}
