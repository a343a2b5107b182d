import { type ConsentProvenance, type ConsentReader, consentProvenance, type DeliveryHistory, type HistoryEntry, historyEntry, interleaveConsent } from '../../core/history.js';
import type { CliOutput } from '../io.js';
import { paint, say } from '../text.js';
import { openDeliveryTables } from './deliveries.js';
import { printEntry, time } from './delivery-text.js';

export interface HistoryArgs {
  customerId: string;
  json: boolean;
  limit?: number;
}

export interface HistoryDeps {
  /** Where the records come from; by default the configured table (see `openDeliveryTables`). */
  history?: DeliveryHistory;
  /** Where the customer's consent comes from, with `history`; without it no consent is shown. */
  consent?: ConsentReader;
  env?: Record<string, string | undefined>;
  /** `.switchboard/local.json` of a running local system. */
  localConfigPath?: string;
}

/** The `--json` answer; its shape is the history API's. */
export interface HistoryReport {
  customerId: string;
  items: HistoryEntry[];
  cursor?: string;
  /** Absent when the customers table is not known (a deployed table read without CUSTOMERS_TABLE). */
  consent?: ConsentProvenance[];
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

/** `switchboard history <customerId> [--json] [--limit N]`: every message sent to a customer, and why. */
export async function history(args: HistoryArgs, out: CliOutput, deps: HistoryDeps = {}): Promise<number> {
  const limit = args.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    out.error(`--limit must be a whole number from 1 to ${MAX_LIMIT}`);
    return 1;
  }
  let source: { history: DeliveryHistory; consent?: ConsentReader; close(): void };
  try {
    if (deps.history) source = { history: deps.history, ...(deps.consent ? { consent: deps.consent } : {}), close: () => undefined };
    else {
      const tables = await openDeliveryTables(deps);
      source = { history: tables.deliveries, ...(tables.consent ? { consent: tables.consent } : {}), close: tables.close };
    }
  } catch (error) {
    out.error((error as Error).message);
    return 1;
  }
  try {
    const [page, consent] = await Promise.all([source.history.listByCustomer(args.customerId, { limit }), source.consent?.consentOf(args.customerId)]);
    const report: HistoryReport = {
      customerId: args.customerId,
      items: page.items.map(historyEntry),
      ...(page.cursor ? { cursor: page.cursor } : {}),
      ...(source.consent ? { consent: consentProvenance(consent) } : {}),
    };
    if (args.json) out.log(JSON.stringify(report, null, 2));
    else printReadable(report, out);
    return 0;
  } finally {
    source.close();
  }
}

function printReadable(report: HistoryReport, out: CliOutput): void {
  const { events, olderConsent } = interleaveConsent(report.items, report.consent ?? [], !report.cursor);
  if (report.items.length === 0) out.log(`no deliveries recorded for ${report.customerId}`);
  events.forEach((event, i) => {
    if (i > 0 || report.items.length === 0) out.log('');
    if (event.kind === 'consent') printConsent(event.change, out);
    else printEntry(event.entry, out);
  });
  if (report.cursor) say(out, `\n(more: raise --limit up to ${MAX_LIMIT} to see older deliveries${olderConsent > 0 ? ` and ${olderConsent} older consent decision(s)` : ''})`);
}

/** One line per consent decision, where it falls in time: what was decided, and by whom. */
function printConsent(change: ConsentProvenance, out: CliOutput): void {
  const when = change.at ? time(change.at) : '(undated)'.padEnd(20);
  const value = paint(out, change.value === 'opt_in' ? 'good' : 'waiting', change.value);
  say(out, `${when}  consent ${change.channel}/${change.topic}: ${value}${change.source ? `  (source: ${change.source})` : ''}`);
}
