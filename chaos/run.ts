import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { formatReport, verdict } from './report.js';
import { runChaos } from './run-chaos.js';
import { fullRun, shortRun } from './settings.js';

const HELP = `npm run chaos [-- --seed N] [--requests N]

Sends requests through the real orchestrator and feedback handlers on DynamoDB Local, the SQS
emulator, local SES and the provider sandbox while every step fails in seeded ways, then checks
that nothing was lost, sent twice, sent without consent or past a cap, that the dead-letter queue
explains itself and that no handler log gives away personal data. The seed is printed; the same
seed gives the same customers, requests and messages, and fails the same calls the same way
(which invocations crash, and how concurrent calls interleave, can still differ between runs).
Exits 1 when a promise broke or too few calls were faulted, 2 when the run itself failed.

  --seed N       seed (default: random)
  --requests N   send requests (default 5000; 300 with --short)
  --short        the settings of the short run inside npm test (fewer concurrent invocations, one poison message of each kind)
  --log PATH     handler log file (default .switchboard/chaos-<seed>.log)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { seed: { type: 'string' }, requests: { type: 'string' }, log: { type: 'string' }, short: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const seed = values.seed !== undefined ? integer(values.seed, '--seed') : randomInt(1, 2 ** 31);
  const requests = values.requests !== undefined ? integer(values.requests, '--requests') : undefined;
  const settings = values.short ? shortRun(seed, requests) : fullRun(seed, requests);
  const result = await runChaos(settings, {
    logPath: values.log ?? `.switchboard/chaos-${seed}.log`,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${formatReport(result)}\n`);
  return verdict(result).passed ? 0 : 1;
}

function integer(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${flag} must be a non-negative integer, got ${text}`);
  return value;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
