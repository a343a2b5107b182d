import { connectDynamo } from '../../adapters/dynamo-connection.js';
import { DynamoPriorsStore } from '../../adapters/dynamo-priors-store.js';
import { systemClock } from '../../adapters/system-clock.js';
import { defaultDecisionConfig } from '../../core/config.js';
import { learnedPriorsSchema } from '../../core/learning/priors.js';
import type { Clock } from '../../core/ports.js';
import { problemsOf } from '../../core/problem-bounds.js';
import { ENV } from '../../definitions/tables.js';
import { readLocalConfig } from '../../tooling/local-config.js';
import { EXIT } from '../exit-codes.js';
import type { CliOutput } from '../io.js';
import { say } from '../text.js';
import { configuredPriorsLines, learnedPriorsLines } from './priors-text.js';

export interface PriorsArgs {
  json: boolean;
}

export interface PriorsDeps {
  env?: Record<string, string | undefined>;
  /** `.switchboard/local.json` of a running local system. */
  localConfigPath?: string;
  clock?: Clock;
}

/** Where the learned priors are kept, as a command reads them. */
export interface PriorsTarget {
  store: Pick<DynamoPriorsStore, 'stored'>;
  describe: string;
  close(): void;
}

/**
 * `switchboard priors [--json]`: the learned priors the refresher last stored, which every
 * decision starts from. `--json` prints them as stored, the JSON `dry-run --priors FILE` takes, or
 * `null` when there are none. A stored set the schema refuses is reported problem by problem with
 * exit 1: the orchestrators ignore it, as they do a missing one.
 */
export async function priors(args: PriorsArgs, out: CliOutput, deps: PriorsDeps = {}): Promise<number> {
  let target: PriorsTarget;
  try {
    target = await openPriors(deps);
  } catch (error) {
    out.error((error as Error).message);
    return EXIT.failed;
  }
  try {
    const stored = await target.store.stored();
    if (!stored) {
      if (args.json) out.log('null');
      else {
        say(out, `no learned priors yet: decisions use the configured priors (looked in ${target.describe})`);
        for (const line of configuredPriorsLines(defaultDecisionConfig)) out.log(line);
      }
      return EXIT.ok;
    }
    const parsed = learnedPriorsSchema.safeParse(stored.priors);
    if (!parsed.success) {
      out.error(`the learned priors stored in ${target.describe} are not valid, so decisions use the configured priors:`);
      for (const problem of problemsOf(parsed.error)) out.error(`  ${problem.path || '(the whole set)'}: ${problem.message}`);
      return EXIT.failed;
    }
    if (args.json) out.log(JSON.stringify(stored.priors, null, 2));
    else {
      say(out, `learned priors in ${target.describe}`);
      for (const line of learnedPriorsLines(parsed.data, defaultDecisionConfig, (deps.clock ?? systemClock).now())) say(out, line);
    }
    return EXIT.ok;
  } finally {
    target.close();
  }
}

/**
 * `COUNTERS_TABLE` names the deployed counters table (region, credentials and endpoint from the
 * usual AWS settings); without it, the one of a running local system (`npm start`).
 */
export async function openPriors(deps: Pick<PriorsDeps, 'env' | 'localConfigPath'>): Promise<PriorsTarget> {
  const table = (deps.env ?? process.env)[ENV.countersTable];
  if (table) {
    const documents = connectDynamo();
    return { store: new DynamoPriorsStore(documents, { tableName: table }), describe: table, close: () => documents.destroy() };
  }
  let local;
  try {
    local = await readLocalConfig(deps.localConfigPath);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nor set ${ENV.countersTable} (and the usual AWS settings) to read a deployed table`);
  }
  const documents = connectDynamo({ region: local.region, endpoint: local.endpoints.dynamodb, credentials: local.credentials });
  return { store: new DynamoPriorsStore(documents, { tableName: local.tables.counters }), describe: 'the local system', close: () => documents.destroy() };
}
