import { connectDynamo } from '../../adapters/dynamo-connection.js';
import { DynamoDeliveryLog } from '../../adapters/dynamo-delivery-log.js';
import { type DeliveryHistory, type HistoryEntry, historyEntry } from '../../core/history.js';
import { ENV } from '../../definitions/tables.js';
import { readLocalConfig } from '../../local/local-config.js';
import type { CliOutput } from '../io.js';

export interface HistoryArgs {
  customerId: string;
  json: boolean;
  limit?: number;
}

export interface HistoryDeps {
  /** Where the records come from; by default the configured table (see `openHistory`). */
  history?: DeliveryHistory;
  env?: Record<string, string | undefined>;
  /** `.switchboard/local.json` of a running local system. */
  localConfigPath?: string;
}

/** The `--json` answer; its shape is the history API's. */
export interface HistoryReport {
  customerId: string;
  items: HistoryEntry[];
  cursor?: string;
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
  let source: { history: DeliveryHistory; close(): void };
  try {
    source = deps.history ? { history: deps.history, close: () => undefined } : await openHistory(deps);
  } catch (error) {
    out.error((error as Error).message);
    return 1;
  }
  try {
    const page = await source.history.listByCustomer(args.customerId, { limit });
    const report: HistoryReport = { customerId: args.customerId, items: page.items.map(historyEntry), ...(page.cursor ? { cursor: page.cursor } : {}) };
    if (args.json) out.log(JSON.stringify(report, null, 2));
    else printReadable(report, out);
    return 0;
  } finally {
    source.close();
  }
}

/**
 * `DELIVERIES_TABLE` names a deployed table (region, credentials and endpoint from the usual AWS
 * settings); without it, the tables of a running local system (`npm start`) are read.
 */
async function openHistory(deps: HistoryDeps): Promise<{ history: DeliveryHistory; close(): void }> {
  const env = deps.env ?? process.env;
  const table = env[ENV.deliveriesTable];
  if (table) {
    const documents = connectDynamo();
    return { history: new DynamoDeliveryLog(documents, { tableName: table }), close: () => documents.destroy() };
  }
  let local;
  try {
    local = await readLocalConfig(deps.localConfigPath);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nor set ${ENV.deliveriesTable} (and the usual AWS settings) to read a deployed table`);
  }
  const documents = connectDynamo({ region: local.region, endpoint: local.endpoints.dynamodb, credentials: local.credentials });
  return { history: new DynamoDeliveryLog(documents, { tableName: local.tables.deliveries }), close: () => documents.destroy() };
}

function printReadable(report: HistoryReport, out: CliOutput): void {
  if (report.items.length === 0) {
    out.log(`no deliveries recorded for ${report.customerId}`);
    return;
  }
  report.items.forEach((entry, i) => {
    if (i > 0) out.log('');
    const via = entry.channels?.join(' + ') ?? entry.channel;
    out.log(`${time(entry.createdAt)}  ${entry.template ?? '(no template)'}  ${entry.status}${via ? ` via ${via}` : ''}  [${entry.requestId}]`);
    if (entry.why.length > 0) {
      out.log('  why');
      for (const line of entry.why) out.log(`    ${line}`);
    }
    out.log('  timeline');
    for (const event of entry.timeline) {
      out.log(`    ${[time(event.at), event.status.padEnd(11), (event.channel ?? '').padEnd(6), event.detail ?? ''].join('  ').trimEnd()}`);
    }
  });
  if (report.cursor) out.log(`\n(more: raise --limit up to ${MAX_LIMIT} to see older deliveries)`);
}

function time(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
