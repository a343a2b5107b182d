import { RetryableError } from '../../core/errors.js';
import type { Attempt, DeliveryRecord } from '../../core/model.js';
import type { ClaimRequest, ClaimResult, DeliveryLog, EscalationWrite, ReleaseRequest, WakeClaimRequest, WakeClaimResult } from '../../core/ports.js';

interface Entry {
  record: DeliveryRecord;
  leaseUntil?: number;
}

/** The delivery log in memory, with the same claim, lease and no-clobber rules as the table. */
export class MemoryDeliveryLog implements DeliveryLog {
  private readonly entries = new Map<string, Entry>();

  async claim(claim: ClaimRequest): Promise<ClaimResult> {
    const existing = this.entries.get(claim.requestId);
    const now = claim.now.getTime();
    if (existing && existing.record.status !== 'ACCEPTED') return { kind: 'duplicate', status: existing.record.status };
    if (existing && (existing.leaseUntil ?? 0) > now) return { kind: 'busy' };
    const at = claim.now.toISOString();
    const lease = now + claim.leaseMs;
    const record: DeliveryRecord = existing
      ? { ...existing.record, updatedAt: at }
      : {
          requestId: claim.requestId,
          customerId: claim.customerId,
          template: claim.template,
          status: 'ACCEPTED',
          attempts: [],
          timeline: [{ status: 'ACCEPTED', at }],
          createdAt: claim.createdAt,
          updatedAt: at,
        };
    this.entries.set(claim.requestId, { leaseUntil: lease, record });
    return { kind: 'claimed', lease, accepted: record.attempts.filter((attempt) => attempt.outcome === 'SENT') };
  }

  async claimWake(claim: WakeClaimRequest): Promise<WakeClaimResult> {
    const entry = this.entries.get(claim.requestId);
    const now = claim.now.getTime();
    const { record } = entry ?? {};
    if (!entry || !record || record.wake?.token !== claim.token || record.wake.kind !== claim.kind) return { kind: 'stale' };
    const claimable = claim.kind === 'deferral' ? record.status === 'DEFERRED' || (record.status === 'ACCEPTED' && (entry.leaseUntil ?? 0) < now) : (entry.leaseUntil ?? 0) < now;
    if (!claimable) return { kind: 'busy' };
    const lease = now + claim.leaseMs;
    entry.leaseUntil = lease;
    entry.record = { ...record, ...(claim.kind === 'deferral' ? { status: 'ACCEPTED' as const } : {}), updatedAt: claim.now.toISOString() };
    return { kind: 'claimed', lease, record: structuredClone(entry.record) };
  }

  async recordEscalation(write: EscalationWrite): Promise<void> {
    const entry = this.entries.get(write.requestId);
    if (!entry || entry.leaseUntil !== write.lease) throw new RetryableError('the escalation claim was lost', 'LEASE_LOST');
    const { wake: _wake, request, ...rest } = entry.record;
    entry.leaseUntil = undefined;
    entry.record = {
      ...rest,
      attempts: [...rest.attempts, ...write.attempts],
      channels: write.channels,
      escalation: write.escalation,
      wakes: write.wakes,
      timeline: [...rest.timeline, ...write.events],
      updatedAt: write.at.toISOString(),
      ...(write.wake ? { wake: write.wake, ...(request ? { request } : {}) } : {}),
    };
  }

  async recordAccepted(requestId: string, attempt: Attempt): Promise<void> {
    const entry = this.entries.get(requestId);
    if (entry) entry.record = { ...entry.record, attempts: [...entry.record.attempts, attempt] };
  }

  async finish(record: DeliveryRecord): Promise<void> {
    const previous = this.entries.get(record.requestId)?.record;
    const retries = previous?.retries === undefined ? {} : { retries: previous.retries, ...(previous.lastRetry ? { lastRetry: previous.lastRetry } : {}) };
    this.entries.set(record.requestId, { record: { ...retries, ...record, timeline: [...(previous?.timeline ?? []), ...record.timeline] } });
  }

  async release(release: ReleaseRequest): Promise<void> {
    const entry = this.entries.get(release.requestId);
    if (entry?.leaseUntil !== release.lease) return;
    entry.leaseUntil = 0;
    entry.record = {
      ...entry.record,
      lastRetry: { code: release.code, at: release.at.toISOString() },
      retries: (entry.record.retries ?? 0) + 1,
    };
  }

  async reject(record: DeliveryRecord): Promise<void> {
    const existing = this.entries.get(record.requestId);
    if (existing && existing.record.status !== 'REJECTED') return;
    this.entries.set(record.requestId, { record });
  }

  get(requestId: string): DeliveryRecord | undefined {
    return this.entries.get(requestId)?.record;
  }

  all(): DeliveryRecord[] {
    return [...this.entries.values()].map((e) => e.record);
  }
}
