import type { RecordedSchedule } from './scheduler.js';
import { EventEmitter } from 'node:events';
import { FaultTally, SeededFaults } from './seeded-faults.js';

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
  /** Numbers whose `Publish` is refused with this error code, e.g. an account quota such as the SMS spend limit. */
  smsErrors: Record<string, string>;
  /** The next N calls to each API are throttled as a whole (HTTP 429). */
  throttle: { pinpoint: number; sns: number };
  /** Seeded failures of any call, as a flaky provider would fail; absent: none. */
  seeded?: SeededProviderFaults;
}

/**
 * What a provider does wrong, whole calls only: refuse with 429, fail with 5xx, or hold the call
 * without ever serving it (the client times out; the provider never accepted the message). Push
 * can also answer 200 with every address THROTTLED or TEMPORARY_FAILURE.
 */
export const PROVIDER_FAULT_KINDS = ['throttle', 'server_error', 'timeout', 'address_failure'] as const;
export type ProviderFaultKind = (typeof PROVIDER_FAULT_KINDS)[number];

export interface SeededProviderFaults {
  seed: number;
  /** Chance that a call not already failing starts a run of failures. */
  rate: number;
  /** Longest run of failures of one call, its retries included; default 4. */
  maxBurst?: number;
  /** Chance that a run goes on after each failure; default 0.5. */
  burstiness?: number;
  /** Relative weights; kinds left out are never injected. Default: equal for every kind the API can show. */
  kinds?: Partial<Record<ProviderFaultKind, number>>;
}

export type ProviderApi = 'pinpoint' | 'sns';

export type FaultsPatch = Partial<Omit<SandboxFaults, 'throttle' | 'seeded'>> & {
  throttle?: Partial<SandboxFaults['throttle']>;
  /** `null` turns seeded failures off. */
  seeded?: SeededProviderFaults | null;
};

const MAX_RECORDED = 1_000;
const API_KINDS: Record<ProviderApi, readonly ProviderFaultKind[]> = {
  pinpoint: PROVIDER_FAULT_KINDS,
  sns: ['throttle', 'server_error', 'timeout'],
};

/** Everything the sandbox received and the faults it was told to inject. */
export class SandboxState {
  readonly push: RecordedPush[] = [];
  readonly sms: RecordedSms[] = [];
  /** One-time schedules by name, as EventBridge Scheduler would hold them. */
  readonly schedules = new Map<string, RecordedSchedule>();
  faults: SandboxFaults = emptyFaults();
  /** Emits `sms-status` (SmsStatusRecord) when a carrier would report on a text. */
  readonly events = new EventEmitter();
  /** Every API call, and the seeded failures among them. */
  readonly tally = new FaultTally();
  private readonly maxRecorded: number;
  private seeded?: Record<ProviderApi, SeededFaults<ProviderFaultKind>>;

  /** `maxRecorded`: messages kept per channel, oldest dropped first; default 1,000. */
  constructor(options: { maxRecorded?: number } = {}) {
    this.maxRecorded = options.maxRecorded ?? MAX_RECORDED;
  }

  recordPush(entry: RecordedPush): void {
    push(this.push, entry, this.maxRecorded);
  }

  recordSms(entry: RecordedSms): void {
    push(this.sms, entry, this.maxRecorded);
    const status: SmsStatusRecord = {
      notification: { messageId: entry.messageId, timestamp: snsTimestamp(new Date(entry.at)) },
      delivery: { destination: entry.phoneNumber, smsType: entry.smsType ?? 'Transactional', providerResponse: entry.providerResponse, priceInUSD: 0.00645, dwellTimeMs: 120 },
      status: entry.status,
    };
    this.events.emit('sms-status', status);
  }

  /** Merges a patch: maps and lists are extended, throttle counters and seeded failures replaced. */
  applyFaults(patch: FaultsPatch): SandboxFaults {
    const seeded = patch.seeded === undefined ? this.faults.seeded : (patch.seeded ?? undefined);
    this.faults = {
      pushTokens: { ...this.faults.pushTokens, ...patch.pushTokens },
      renewedTokens: { ...this.faults.renewedTokens, ...patch.renewedTokens },
      optedOutNumbers: [...new Set([...this.faults.optedOutNumbers, ...(patch.optedOutNumbers ?? [])])],
      smsErrors: { ...this.faults.smsErrors, ...patch.smsErrors },
      throttle: { ...this.faults.throttle, ...patch.throttle },
      ...(seeded ? { seeded } : {}),
    };
    if (patch.seeded !== undefined) this.seeded = seeded ? seededFaults(seeded) : undefined;
    return this.faults;
  }

  resetFaults(): void {
    this.faults = emptyFaults();
    this.seeded = undefined;
  }

  /** Counts the call and says how to fail it, if the seeded failures pick it. */
  providerFault(api: ProviderApi, operation: string, content: string): ProviderFaultKind | undefined {
    const name = `${api === 'pinpoint' ? 'Pinpoint' : 'SNS'} ${operation}`;
    this.tally.call(name);
    const kind = this.seeded?.[api].decide(operation, content);
    if (kind) this.tally.fault(name, kind);
    return kind;
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
  return { pushTokens: {}, renewedTokens: {}, optedOutNumbers: [], smsErrors: {}, throttle: { pinpoint: 0, sns: 0 } };
}

function seededFaults(settings: SeededProviderFaults): Record<ProviderApi, SeededFaults<ProviderFaultKind>> {
  const forApi = (api: ProviderApi) =>
    new SeededFaults<ProviderFaultKind>({
      seed: settings.seed,
      rate: settings.rate,
      maxBurst: settings.maxBurst ?? 4,
      burstiness: settings.burstiness ?? 0.5,
      kinds: Object.fromEntries(API_KINDS[api].map((kind) => [kind, settings.kinds ? (settings.kinds[kind] ?? 0) : 1])),
    });
  return { pinpoint: forApi('pinpoint'), sns: forApi('sns') };
}

function push<T>(list: T[], entry: T, max: number): void {
  list.push(entry);
  if (list.length > max) list.shift();
}

/** SNS writes `2026-11-24 18:00:00.123`: UTC without a zone. */
function snsTimestamp(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}
