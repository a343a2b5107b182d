import { historyEntry } from '../../core/history.js';
import { isRequestId } from '../../core/request.js';
import type { CliOutput } from '../io.js';
import { type DeliveryLookup, type DeliveryTablesDeps, openDeliveryTables, withCreatedAt } from './deliveries.js';
import { printEntry } from './delivery-text.js';

export interface StatusArgs {
  requestId: string;
  json: boolean;
}

export interface StatusDeps extends DeliveryTablesDeps {
  /** Where the record comes from; by default the configured table (see `openDeliveryTables`). */
  deliveries?: DeliveryLookup;
}

/**
 * `switchboard status <requestId> [--json]`: one delivery record, in the history API's shape
 * (`historyEntry`, as `GET /requests/{requestId}` answers it). Exit 0 when there is a record,
 * 1 when there is none or the id is not one a request can have.
 */
export async function status(args: StatusArgs, out: CliOutput, deps: StatusDeps = {}): Promise<number> {
  if (!isRequestId(args.requestId)) {
    out.error(`${JSON.stringify(args.requestId)} is not a request id: 1 to 128 of A-Z a-z 0-9 . _ : -`);
    return 1;
  }
  let source: { deliveries: DeliveryLookup; close(): void };
  try {
    source = deps.deliveries ? { deliveries: deps.deliveries, close: () => undefined } : await openDeliveryTables(deps);
  } catch (error) {
    out.error((error as Error).message);
    return 1;
  }
  try {
    const record = await source.deliveries.getDelivery(args.requestId);
    if (!record) {
      out.error(`no delivery record for request ${args.requestId}`);
      return 1;
    }
    const entry = historyEntry(withCreatedAt(record));
    if (args.json) out.log(JSON.stringify(entry, null, 2));
    else printEntry(entry, out);
    return 0;
  } finally {
    source.close();
  }
}
