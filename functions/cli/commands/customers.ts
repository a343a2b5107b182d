import { loadTopicRegistry } from '../../adapters/bundle-template-store.js';
import { connectDynamo } from '../../adapters/dynamo-connection.js';
import { DynamoConsentWriter } from '../../adapters/dynamo-consent-writer.js';
import { DynamoProfileStore } from '../../adapters/dynamo-profile-store.js';
import { systemClock } from '../../adapters/system-clock.js';
import type { Problem } from '../../core/model.js';
import type { ConsentChange } from '../../core/ports.js';
import type { TopicRegistry } from '../../core/topics.js';
import { ENV } from '../../definitions/tables.js';
import { restApiEvent } from '../../tooling/api-gateway.js';
import { readLocalConfig } from '../../tooling/local-config.js';
import { type ProfileApiDeps, routeProfile } from '../../profile-api/routes.js';
import { DEFAULT_BUNDLE_PATH } from '../../template-compiler/paths.js';
import { InputError, readJsonInput } from '../files.js';
import type { CliOutput } from '../io.js';
import { paint, say } from '../text.js';

export type CustomersArgs =
  | { command: 'get'; customerId: string }
  | { command: 'put'; customerId: string; file: string; json: boolean }
  /** `file` holds the API's body; otherwise one change from the flags. */
  | { command: 'consent'; customerId: string; json: boolean; file?: string; change?: Omit<ConsentChange, 'source' | 'updatedAt'> & { updatedAt?: string }; source: string };

export interface CustomersDeps {
  env?: Record<string, string | undefined>;
  localConfigPath?: string;
  stdin?: () => Promise<string>;
  /** Where the customers are; by default chosen from the environment (see `openCustomers`). */
  target?: { profiles: ProfileApiDeps['profiles']; consent: ProfileApiDeps['consent']; describe: string; close(): void };
  clock?: ProfileApiDeps['clock'];
}

/** Never consulted by get and put; consent loads the real registry. */
const NO_TOPICS = { formatVersion: 1, topics: [] } as unknown as TopicRegistry;
const quiet = { info: () => undefined, warn: () => undefined } as unknown as ProfileApiDeps['log'];

/**
 * `switchboard customers get|put|consent`: the service API's profile routes, run here with the
 * very validation and writes the deployed function makes, against the running local system or,
 * with `CUSTOMERS_TABLE` set, the deployed customers table (the usual AWS settings apply).
 */
export async function customers(args: CustomersArgs, out: CliOutput, deps: CustomersDeps = {}): Promise<number> {
  let body: unknown;
  try {
    body = await bodyOf(args, deps);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    out.error(error.message);
    return 1;
  }
  let target: NonNullable<CustomersDeps['target']>;
  let registry = NO_TOPICS;
  try {
    target = deps.target ?? (await openCustomers(deps));
    if (args.command === 'consent') registry = registryFrom((deps.env ?? process.env)[ENV.templateBundlePath] || DEFAULT_BUNDLE_PATH);
  } catch (error) {
    out.error((error as Error).message);
    return 1;
  }
  try {
    const api: ProfileApiDeps = { profiles: target.profiles, consent: target.consent, registry, clock: deps.clock ?? systemClock, log: quiet };
    const path = `/customers/${encodeURIComponent(args.customerId)}${args.command === 'consent' ? '/consent' : ''}`;
    const method = { get: 'GET', put: 'PUT', consent: 'POST' }[args.command];
    const response = await routeProfile(restApiEvent({ method, path, ...(body === undefined ? {} : { body }) }), api);
    const answer: unknown = JSON.parse(String(response.body));
    const status = response.statusCode ?? 500;
    if (status >= 400) return failed(answer, out);
    if (args.command === 'get' || args.json) out.log(JSON.stringify(answer, null, 2));
    else if (args.command === 'put') say(out, `${status === 201 ? 'created' : 'replaced'} the profile of ${args.customerId} on ${target.describe}`);
    else printConsent(answer as { applied: ConsentChange[]; stale: ConsentChange[] }, out);
    return 0;
  } finally {
    target.close();
  }
}

/** The registry consent is checked against, from the same compiled bundle the deployed function gets. */
function registryFrom(bundlePath: string): TopicRegistry {
  try {
    return loadTopicRegistry(bundlePath);
  } catch (error) {
    throw new Error(`cannot read the topic registry from ${bundlePath} (${(error as Error).message}): run npm run build, or set ${ENV.templateBundlePath}`);
  }
}

async function bodyOf(args: CustomersArgs, deps: CustomersDeps): Promise<unknown> {
  if (args.command === 'get') return undefined;
  if (args.command === 'consent' && args.change) {
    const updatedAt = args.change.updatedAt ?? (deps.clock ?? systemClock).now().toISOString();
    return { source: args.source, changes: [{ ...args.change, updatedAt }] };
  }
  return readJsonInput(args.file as string, deps.stdin);
}

/**
 * `CUSTOMERS_TABLE` names the deployed table (region, credentials and endpoint from the usual AWS
 * settings); without it, the tables of a running local system (`npm start`).
 */
export async function openCustomers(deps: Pick<CustomersDeps, 'env' | 'localConfigPath'>): Promise<NonNullable<CustomersDeps['target']>> {
  const table = (deps.env ?? process.env)[ENV.customersTable];
  let documents;
  let tableName: string;
  let describe: string;
  if (table) {
    documents = connectDynamo();
    tableName = table;
    describe = table;
  } else {
    let local;
    try {
      local = await readLocalConfig(deps.localConfigPath);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nor set ${ENV.customersTable} (and the usual AWS settings) to reach a deployed table`);
    }
    documents = connectDynamo({ region: local.region, endpoint: local.endpoints.dynamodb, credentials: local.credentials });
    tableName = local.tables.customers;
    describe = 'the local system';
  }
  const connection = documents;
  return {
    profiles: new DynamoProfileStore(connection, { tableName }),
    consent: new DynamoConsentWriter(connection, { tableName }),
    describe,
    close: () => connection.destroy(),
  };
}

function failed(answer: unknown, out: CliOutput): number {
  const error = (answer as { error?: { code?: string; message?: string; problems?: Problem[] } }).error ?? {};
  out.error(`${error.code ?? 'ERROR'}: ${error.message ?? 'the request failed'}`);
  for (const problem of error.problems ?? []) out.error(`  ${problem.path || '(whole request)'}: ${problem.message}`);
  return 1;
}

function printConsent(answer: { applied: ConsentChange[]; stale: ConsentChange[] }, out: CliOutput): void {
  const line = (c: ConsentChange) => `${c.channel}/${c.topic}: ${c.value} (${c.source}, ${c.updatedAt})`;
  for (const change of answer.applied) say(out, `${paint(out, 'good', 'applied')} ${line(change)}`);
  for (const change of answer.stale) say(out, `${paint(out, 'waiting', 'stale')}   ${line(change)}: the record holds a newer decision`);
}
