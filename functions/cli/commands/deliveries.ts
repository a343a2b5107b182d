import { connectDynamo } from '../../adapters/dynamo-connection.js';
import { DynamoDeliveryLog } from '../../adapters/dynamo-delivery-log.js';
import { DynamoProfileStore } from '../../adapters/dynamo-profile-store.js';
import type { ConsentReader, DeliveryHistory, DeliveryLookup } from '../../core/history.js';
import type { DeliveryRecord } from '../../core/model.js';
import { ENV } from '../../definitions/tables.js';
import { type LocalConfig, readLocalConfig } from '../../tooling/local-config.js';

export type { DeliveryLookup };

/** The delivery records (and, when known, the customers' consent) a command reads. */
export interface DeliveryTables {
  deliveries: DeliveryHistory & DeliveryLookup;
  /** Absent for a deployed table read without `CUSTOMERS_TABLE`. */
  consent?: ConsentReader;
  readonly close: () => void;
}

export interface DeliveryTablesDeps {
  env?: Record<string, string | undefined>;
  /** `.switchboard/local.json` of a running local system. */
  localConfigPath?: string;
  /** A local system's settings already read by the caller. */
  local?: LocalConfig;
}

/**
 * `DELIVERIES_TABLE` names a deployed table (region, credentials and endpoint from the usual AWS
 * settings), and `CUSTOMERS_TABLE`, when set, the customers table the consent is read from;
 * without them, the tables of a running local system (`npm start`) are read. The same tables the
 * history API and `GET /requests/{requestId}` read; the CLI reads them directly.
 */
export async function openDeliveryTables(deps: DeliveryTablesDeps): Promise<DeliveryTables> {
  const env = deps.env ?? process.env;
  const table = env[ENV.deliveriesTable];
  if (table) {
    const documents = connectDynamo();
    const customers = env[ENV.customersTable];
    return {
      deliveries: new DynamoDeliveryLog(documents, { tableName: table }),
      ...(customers ? { consent: new DynamoProfileStore(documents, { tableName: customers }) } : {}),
      close: () => documents.destroy(),
    };
  }
  let local = deps.local;
  if (!local) {
    try {
      local = await readLocalConfig(deps.localConfigPath);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nor set ${ENV.deliveriesTable} (and the usual AWS settings) to read a deployed table`);
    }
  }
  const documents = connectDynamo({ region: local.region, endpoint: local.endpoints.dynamodb, credentials: local.credentials });
  return {
    deliveries: new DynamoDeliveryLog(documents, { tableName: local.tables.deliveries }),
    consent: new DynamoProfileStore(documents, { tableName: local.tables.customers }),
    close: () => documents.destroy(),
  };
}

/** A request still in flight has no `createdAt` until its final write (the claim leaves it out); its last change stands in. */
export function withCreatedAt(record: DeliveryRecord): DeliveryRecord {
  const { createdAt } = record as Partial<DeliveryRecord>;
  return createdAt ? record : { ...record, createdAt: record.updatedAt };
}
