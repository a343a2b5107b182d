import { connectDynamo } from '../../adapters/dynamo-connection.js';
import { DynamoDeliveryLog } from '../../adapters/dynamo-delivery-log.js';
import { DynamoProfileStore } from '../../adapters/dynamo-profile-store.js';
import { type ConsentProvenance, type ConsentReader, consentProvenance, type DeliveryHistory, type HistoryEntry, historyEntry, interleaveConsent } from '../../core/history.js';
import { ENV } from '../../definitions/tables.js';
import { readLocalConfig } from '../../tooling/local-config.js';
import type { CliOutput } from '../io.js';

export interface HistoryArgs {
  customerId: string;
  json: boolean;
  limit?: number;
}

export interface HistoryDeps {
  /** Where the records come from; by default the configured table (see `openHistory`). */
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
    source = deps.history ? { history: deps.history, ...(deps.consent ? { consent: deps.consent } : {}), close: () => undefined } : await openHistory(deps);
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

/**
 * `DELIVERIES_TABLE` names a deployed table (region, credentials and endpoint from the usual AWS
 * settings), and `CUSTOMERS_TABLE`, when set, the customers table the consent is read from;
 * without them, the tables of a running local system (`npm start`) are read.
 */
async function openHistory(deps: HistoryDeps): Promise<{ history: DeliveryHistory; consent?: ConsentReader; close(): void }> {
  const env = deps.env ?? process.env;
  const table = env[ENV.deliveriesTable];
  if (table) {
    const documents = connectDynamo();
    const customers = env[ENV.customersTable];
    return {
      history: new DynamoDeliveryLog(documents, { tableName: table }),
      ...(customers ? { consent: new DynamoProfileStore(documents, { tableName: customers }) } : {}),
      close: () => documents.destroy(),
    };
  }
  let local;
  try {
    local = await readLocalConfig(deps.localConfigPath);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nor set ${ENV.deliveriesTable} (and the usual AWS settings) to read a deployed table`);
  }
  const documents = connectDynamo({ region: local.region, endpoint: local.endpoints.dynamodb, credentials: local.credentials });
  return {
    history: new DynamoDeliveryLog(documents, { tableName: local.tables.deliveries }),
    consent: new DynamoProfileStore(documents, { tableName: local.tables.customers }),
    close: () => documents.destroy(),
  };
}

function printReadable(report: HistoryReport, out: CliOutput): void {
  const { events, olderConsent } = interleaveConsent(report.items, report.consent ?? [], !report.cursor);
  if (report.items.length === 0) out.log(`no deliveries recorded for ${report.customerId}`);
  events.forEach((event, i) => {
    if (i > 0 || report.items.length === 0) out.log('');
    if (event.kind === 'consent') {
      printConsent(event.change, out);
      return;
    }
    const { entry } = event;
    // An escalation's channels came one after another; strategy `all` sent them together.
    const via = entry.channels?.join(entry.escalation ? ' → ' : ' + ') ?? entry.channel;
    const until = entry.deferredUntil ? ` until ${time(entry.deferredUntil)}` : '';
    out.log(`${time(entry.createdAt)}  ${entry.template ?? '(no template)'}  ${entry.status}${until}${via ? ` via ${via}` : ''}  [${entry.requestId}]`);
    if (entry.why.length > 0) {
      out.log('  why');
      for (const line of entry.why) out.log(`    ${line}`);
    }
    out.log('  timeline');
    for (const step of entry.timeline) {
      out.log(`    ${[time(step.at), step.status.padEnd(11), (step.channel ?? '').padEnd(6), step.detail ?? ''].join('  ').trimEnd()}`);
    }
  });
  if (report.cursor) out.log(`\n(more: raise --limit up to ${MAX_LIMIT} to see older deliveries${olderConsent > 0 ? ` and ${olderConsent} older consent decision(s)` : ''})`);
}

/** One line per consent decision, where it falls in time: what was decided, and by whom. */
function printConsent(change: ConsentProvenance, out: CliOutput): void {
  const when = change.at ? time(change.at) : '(undated)'.padEnd(20);
  out.log(`${when}  consent ${change.channel}/${change.topic}: ${change.value}${change.source ? `  (source: ${change.source})` : ''}`);
}

function time(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
