import { connectDynamo } from '../../adapters/dynamo-connection.js';
import { DynamoInboxStore } from '../../adapters/dynamo-inbox-store.js';
import { sqsRequestQueue } from '../../adapters/sqs-request-queue.js';
import { systemClock } from '../../adapters/system-clock.js';
import type { Problem } from '../../core/model.js';
import type { TopicRegistry } from '../../core/topics.js';
import { ENV } from '../../definitions/tables.js';
import { type ProfileApiDeps, routeProfile } from '../../profile-api/routes.js';
import { restApiEvent } from '../../tooling/api-gateway.js';
import { openCustomers } from './customers.js';
import { type DeliveryLookup, openDeliveryTables } from './deliveries.js';
import { QUEUE_URL_ENV, resolveQueueTarget } from './send.js';

/** The running system as `smoke` uses it: the same tables, queue and service API routes the other commands use. */
export interface SmokeTarget {
  describe: string;
  /** Replaces the profile, then records consent, through the service API's profile routes; answers their problems. */
  writeCustomer(customerId: string, profile: Record<string, unknown>, consent: Record<string, unknown>): Promise<Problem[]>;
  enqueue(body: unknown): Promise<void>;
  deliveries: DeliveryLookup;
  /** Whether the app's inbox holds the item a request put there. */
  inboxHas(customerId: string, requestId: string): Promise<boolean>;
  close(): void;
}

export interface SmokeTargetDeps {
  env?: Record<string, string | undefined>;
  localConfigPath?: string;
}

const quiet = { info: () => undefined, warn: () => undefined } as unknown as ProfileApiDeps['log'];

/**
 * The running local system (`npm start`), or, with `SWITCHBOARD_QUEUE_URL`, a deployed stack
 * whose tables `DELIVERIES_TABLE`, `CUSTOMERS_TABLE` and `INBOX_TABLE` name.
 */
export async function openSmokeTarget(deps: SmokeTargetDeps, registry: TopicRegistry): Promise<SmokeTarget> {
  const env = deps.env ?? process.env;
  const queue = await resolveQueueTarget(deps);
  const deployed = !queue.local;
  if (deployed) {
    const missing = [ENV.deliveriesTable, ENV.customersTable, ENV.inboxTable].filter((name) => !env[name]);
    if (missing.length > 0) throw new Error(`with ${QUEUE_URL_ENV}, smoke needs ${missing.join(', ')} as well (the stack's outputs name them)`);
  }
  const tableEnv = deployed ? env : {};
  const tables = await openDeliveryTables({ env: tableEnv, ...(queue.local ? { local: queue.local } : {}) });
  const customers = await openCustomers({ env: tableEnv, ...(deps.localConfigPath ? { localConfigPath: deps.localConfigPath } : {}) });
  const local = queue.local;
  const documents = local ? connectDynamo({ region: local.region, endpoint: local.endpoints.dynamodb, credentials: local.credentials }) : connectDynamo();
  const inbox = new DynamoInboxStore(documents, { tableName: local ? local.tables.inbox : (env[ENV.inboxTable] as string) });
  const sink = sqsRequestQueue(queue.target);
  const api: ProfileApiDeps = { profiles: customers.profiles, consent: customers.consent, registry, clock: systemClock, log: quiet };
  const call = async (method: string, path: string, body: unknown): Promise<Problem[]> => {
    const answer = await routeProfile(restApiEvent({ method, path, body }), api);
    if ((answer.statusCode ?? 500) < 400) return [];
    const error = (JSON.parse(String(answer.body)) as { error?: { code?: string; message?: string; problems?: Problem[] } }).error ?? {};
    return error.problems?.length ? error.problems : [{ path: '', message: `${error.code ?? 'ERROR'}: ${error.message ?? 'refused'}` }];
  };
  return {
    describe: queue.describe,
    async writeCustomer(customerId, profile, consent) {
      const path = `/customers/${encodeURIComponent(customerId)}`;
      const problems = await call('PUT', path, profile);
      return problems.length > 0 ? problems : call('POST', `${path}/consent`, consent);
    },
    async enqueue(body) {
      await sink.enqueue(JSON.stringify(body));
    },
    deliveries: tables.deliveries,
    inboxHas: async (customerId, requestId) => (await inbox.find(customerId, requestId)) !== undefined,
    close() {
      sink.close();
      tables.close();
      customers.close();
      documents.destroy();
    },
  };
}
