import { relative } from 'node:path';
import type { BusEvent } from '../status-events.js';
import type { LocalSystem } from '../system.js';

export interface EventsView {
  /** Newest first, at most `LISTED`. */
  events: BusEvent[];
  /** Every event published since the start. */
  total: number;
  /** Where every event is also appended, relative to the working directory. */
  file?: string;
}

const LISTED = 200;

/** The status events as upstream systems would receive them, for the page's Events panel. */
export function eventsView(system: LocalSystem): EventsView {
  const { bus, path } = system.events;
  return { events: bus.list().slice(0, LISTED), total: bus.count(), ...(path ? { file: relative(process.cwd(), path) } : {}) };
}
