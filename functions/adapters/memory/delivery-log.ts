import type { DeliveryRecord } from '../../core/model.js';
import type { ClaimRequest, ClaimResult, DeliveryLog } from '../../core/ports.js';

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
    this.entries.set(claim.requestId, {
      leaseUntil: now + claim.leaseMs,
      record: {
        requestId: claim.requestId,
        customerId: claim.customerId,
        template: claim.template,
        status: 'ACCEPTED',
        attempts: [],
        timeline: [{ status: 'ACCEPTED', at }],
        createdAt: claim.createdAt,
        updatedAt: at,
      },
    });
    return { kind: 'claimed' };
  }

  async finish(record: DeliveryRecord): Promise<void> {
    const previous = this.entries.get(record.requestId)?.record.timeline ?? [];
    this.entries.set(record.requestId, { record: { ...record, timeline: [...previous, ...record.timeline] } });
  }

  async release(requestId: string): Promise<void> {
    if (this.entries.get(requestId)?.record.status === 'ACCEPTED') this.entries.delete(requestId);
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
