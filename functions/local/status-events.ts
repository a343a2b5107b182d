import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DeliveryStatusDetail, DeliveryStatusEvent } from '../core/events/delivery-status-event.js';
import type { BusEntry, PublishFailure, StatusEventBus } from '../core/events/ports.js';
import { EVENT_SOURCE } from '../definitions/events.js';
import { SERVICE_NAMES } from '../definitions/metrics.js';
import { createEventPublisherHandler } from '../event-publisher/create-handler.js';
import type { StreamHandler } from './status-stream.js';

/** An event as EventBridge hands it to a rule's target; the delivery status events unless told. */
export interface BusEvent<Detail = DeliveryStatusDetail> {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** To the second, as EventBridge writes it. */
  time: string;
  region: string;
  resources: string[];
  detail: Detail;
}

const ACCOUNT = '000000000000';

/** An entry as a rule's target receives it: the envelope EventBridge adds, and the detail parsed. */
export function deliveredEntry(entry: BusEntry, region: string): BusEvent<unknown> {
  return envelope(entry.Source, entry.DetailType, entry.Time.toISOString(), JSON.parse(entry.Detail) as unknown, region);
}

function envelope<Detail>(source: string, detailType: string, time: string, detail: Detail, region: string): BusEvent<Detail> {
  return { version: '0', id: randomUUID(), 'detail-type': detailType, source, account: ACCOUNT, time: time.replace(/\.\d+Z$/, 'Z'), region, resources: [], detail };
}

export interface LocalStatusEventsOptions {
  region: string;
  /** Where each event is appended as a line of JSON; the file starts empty with each run. Absent: kept in memory only. */
  path?: string;
  /** How many of the newest events the page can list. */
  keep?: number;
}

/**
 * The bus of local mode: each event as EventBridge would deliver it, appended to a JSON Lines file
 * (`tail -f` it, or feed it to the consumer under development) and kept, newest first, for the
 * outbox page.
 */
export class LocalStatusEvents implements StatusEventBus {
  private readonly recent: BusEvent[] = [];
  private total = 0;

  constructor(private readonly options: LocalStatusEventsOptions) {
    if (options.path) {
      mkdirSync(dirname(options.path), { recursive: true });
      writeFileSync(options.path, '');
    }
  }

  async publish(events: readonly DeliveryStatusEvent[]): Promise<PublishFailure[]> {
    const delivered = events.map((event) => this.onTheBus(event));
    if (this.options.path) await appendFile(this.options.path, delivered.map((event) => `${JSON.stringify(event)}\n`).join(''));
    this.recent.unshift(...[...delivered].reverse());
    this.recent.splice(this.options.keep ?? 500);
    this.total += delivered.length;
    return [];
  }

  /** The newest events first. */
  list(): BusEvent[] {
    return [...this.recent];
  }

  /** Every event published since the start, including those no longer listed. */
  count(): number {
    return this.total;
  }

  private onTheBus(event: DeliveryStatusEvent): BusEvent {
    return envelope(EVENT_SOURCE, event.detailType, event.time, event.detail, this.options.region);
  }
}

/** The deployed publisher's handler code, over the local bus. */
export function localEventPublisher(bus: StatusEventBus): StreamHandler {
  return createEventPublisherHandler({ bus }, new Logger({ serviceName: SERVICE_NAMES.eventPublisher }));
}
