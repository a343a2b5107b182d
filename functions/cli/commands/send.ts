import { connectDynamo } from '../../adapters/dynamo-connection.js';
import { DynamoCustomerDirectory } from '../../adapters/dynamo-customer-directory.js';
import { type RequestQueueTarget, sqsRequestQueue } from '../../adapters/sqs-request-queue.js';
import { isMalformedCustomer } from '../../core/customer-record.js';
import { historyEntry } from '../../core/history.js';
import type { Problem } from '../../core/model.js';
import type { CustomerDirectory } from '../../core/ports.js';
import { parseSendRequest, type SendRequest } from '../../core/request.js';
import { ENV } from '../../definitions/tables.js';
import { type LocalConfig, readLocalConfig } from '../../tooling/local-config.js';
import { DEFAULT_BUNDLE_PATH } from '../../template-compiler/paths.js';
import { EXIT, isFailure } from '../exit-codes.js';
import { InputError, inputName, readJsonInput } from '../files.js';
import type { CliOutput } from '../io.js';
import { type DeliveryLookup, openDeliveryTables, withCreatedAt } from './deliveries.js';
import { printEntry } from './delivery-text.js';
import { bundleProblems, type LocalTemplates, localTemplates } from './send-checks.js';
import { awaitOutcomes, isDecided, realWaitClock, type WaitClock } from './send-wait.js';

/** The deployed requests queue; with it set, `send` goes to AWS with the usual AWS settings. */
export const QUEUE_URL_ENV = 'SWITCHBOARD_QUEUE_URL';

export const DEFAULT_WAIT_SECONDS = 30;

export interface SendArgs {
  /** A file holding one send request, or an array of them; `-` reads standard input. */
  file: string;
  /** Wait for each request's outcome and print it as `status` does. */
  wait?: boolean;
  /** How long `wait` waits, in seconds; default 30. */
  timeoutSeconds?: number;
}

export interface RequestSink {
  enqueue(body: string): Promise<{ messageId: string }>;
  close(): void;
}

export interface SendDeps {
  env?: Record<string, string | undefined>;
  localConfigPath?: string;
  stdin?: () => Promise<string>;
  /** Where requests go; by default chosen from the environment (see `resolveQueueTarget`). */
  queue?: { sink: RequestSink; describe: string };
  /** Whose records the requests must name; by default the local system's customers, none for a deployed queue. */
  customers?: Pick<CustomerDirectory, 'getMany'>;
  /** Where `wait` reads the outcomes; by default the tables `status` reads. */
  deliveries?: DeliveryLookup;
  clock?: WaitClock;
}

interface Checked {
  label: string;
  request?: SendRequest;
  problems: Problem[];
  /** Which of the problems the bundle found, so the output can say which bundle judged. */
  judgedBy: { messageClass: boolean; template: boolean };
}

/**
 * `switchboard send FILE|- [--wait [--timeout S]]`: checks every request before queueing any,
 * with the orchestrator's own rules: the parser; against the local build's template bundle
 * (`TEMPLATE_BUNDLE_PATH`, else the one `npm run build` writes) the template, the `data.*`
 * variables it declares and, when the bundle has a topic registry, the category and topic; and on
 * the local system, that the customer exists. Any problem: each is listed with its path, nothing
 * is queued, exit 1. With `--wait`, prints each request's outcome as `status` does.
 */
export async function send(args: SendArgs, out: CliOutput, deps: SendDeps = {}): Promise<number> {
  let bodies: unknown[];
  try {
    const parsed = await readJsonInput(args.file, deps.stdin);
    bodies = Array.isArray(parsed) ? parsed : [parsed];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    out.error(error.message);
    return EXIT.failed;
  }
  if (bodies.length === 0) {
    out.error(`${inputName(args.file)} holds no request: nothing was queued`);
    return EXIT.failed;
  }
  const templates = localTemplates((deps.env ?? process.env)[ENV.templateBundlePath] || DEFAULT_BUNDLE_PATH);
  const checked = bodies.map((body, i) => checkRequest(body, i, bodies.length, templates));
  const notes = bundleNotes(checked, templates);

  let target: { target: RequestQueueTarget; describe: string; local?: LocalConfig } | undefined;
  try {
    target = deps.queue ? undefined : await resolveQueueTarget(deps);
  } catch (error) {
    report(checked, notes, out);
    out.error((error as Error).message);
    return EXIT.failed;
  }
  try {
    await checkCustomers(checked, deps.customers, target?.local);
  } catch (error) {
    out.error(`cannot read the local system's customers: ${(error as Error).message}`);
    return EXIT.failed;
  }
  if (report(checked, notes, out) > 0) return EXIT.failed;

  let deliveries: { lookup: DeliveryLookup; close(): void } | undefined;
  if (args.wait) {
    try {
      deliveries = await openOutcomes(deps, target);
    } catch (error) {
      out.error((error as Error).message);
      return EXIT.failed;
    }
  }
  try {
    await queueAll(bodies, deps.queue ?? openQueue(target as NonNullable<typeof target>), out);
    if (!deliveries) return EXIT.ok;
    const ids = checked.map((c) => (c.request as SendRequest).requestId);
    return await printOutcomes(ids, deliveries.lookup, args.timeoutSeconds ?? DEFAULT_WAIT_SECONDS, deps.clock ?? realWaitClock, out);
  } finally {
    deliveries?.close();
  }
}

async function queueAll(bodies: unknown[], queue: { sink: RequestSink; describe: string }, out: CliOutput): Promise<void> {
  try {
    for (const body of bodies) {
      const { messageId } = await queue.sink.enqueue(JSON.stringify(body));
      out.log(`queued ${(body as { requestId: string }).requestId} (message ${messageId}) on ${queue.describe}`);
    }
  } finally {
    queue.sink.close();
  }
}

function checkRequest(body: unknown, index: number, count: number, templates: LocalTemplates | undefined): Checked {
  const parsed = parseSendRequest(body);
  const requestId = parsed.ok ? parsed.request.requestId : parsed.requestId;
  const label = count > 1 ? `request ${index + 1}${requestId ? ` (${requestId})` : ''}` : 'request';
  if (!parsed.ok) return { label, problems: parsed.problems, judgedBy: { messageClass: false, template: false } };
  const found = templates ? bundleProblems(templates, parsed.request) : { template: [], messageClass: [] };
  return {
    label,
    request: parsed.request,
    problems: [...found.messageClass, ...found.template],
    judgedBy: { messageClass: found.messageClass.length > 0, template: found.template.length > 0 },
  };
}

/** Says which bundle judged, since a stale local build could disagree with what is deployed. */
function bundleNotes(checked: Checked[], templates: LocalTemplates | undefined): string[] {
  if (!templates) return [];
  const notes: string[] = [];
  if (checked.some((c) => c.judgedBy.messageClass)) notes.push(`category and topic were checked against the topic registry in ${templates.path}`);
  if (checked.some((c) => c.judgedBy.template)) notes.push(`templates and their data variables were checked against ${templates.path} (npm run build writes it from templates/)`);
  return notes;
}

/** On the local system, a request for a customer it does not have (or cannot read) would be rejected or fail. */
async function checkCustomers(checked: Checked[], given: SendDeps['customers'], local: LocalConfig | undefined): Promise<void> {
  const requests = checked.flatMap((c) => (c.request ? [c] : []));
  if (requests.length === 0 || (!given && !local)) return;
  const opened = given ? { directory: given, close: () => undefined } : openLocalCustomers(local as LocalConfig);
  try {
    const found = await opened.directory.getMany(requests.map((c) => (c.request as SendRequest).customerId));
    for (const c of requests) {
      const { customerId } = c.request as SendRequest;
      const customer = found.get(customerId);
      if (!customer) c.problems.push({ path: 'customerId', message: `no customer "${customerId}" on the local system` });
      else if (isMalformedCustomer(customer)) {
        const [first] = customer.malformed;
        const detail = first ? ` (${first.path || 'record'}: ${first.message})` : '';
        c.problems.push({ path: 'customerId', message: `the record of customer "${customerId}" breaks the record contract${detail}` });
      }
    }
  } finally {
    opened.close();
  }
}

function openQueue({ target, describe }: { target: RequestQueueTarget; describe: string }): { sink: RequestSink; describe: string } {
  return { sink: sqsRequestQueue(target), describe };
}

function openLocalCustomers(local: LocalConfig): { directory: Pick<CustomerDirectory, 'getMany'>; close(): void } {
  const documents = connectDynamo({ region: local.region, endpoint: local.endpoints.dynamodb, credentials: local.credentials });
  return { directory: new DynamoCustomerDirectory(documents, { tableName: local.tables.customers }), close: () => documents.destroy() };
}

/** Every problem of every request, with its path; answers how many requests had one. */
function report(checked: Checked[], notes: string[], out: CliOutput): number {
  const invalid = checked.filter((c) => c.problems.length > 0);
  for (const c of invalid) for (const problem of c.problems) out.error(`${c.label}: ${problem.path || '(whole request)'}: ${problem.message}`);
  if (invalid.length === 0) return 0;
  for (const note of notes) out.error(note);
  out.error(`${invalid.length} of ${checked.length} request(s) invalid: nothing was queued`);
  return invalid.length;
}

/** The records `--wait` reads: where the queue is local, the local tables; a deployed queue needs `DELIVERIES_TABLE`. */
async function openOutcomes(deps: SendDeps, target: { local?: LocalConfig } | undefined): Promise<{ lookup: DeliveryLookup; close(): void }> {
  if (deps.deliveries) return { lookup: deps.deliveries, close: () => undefined };
  const env = deps.env ?? process.env;
  if (!target?.local && !env[ENV.deliveriesTable]) {
    throw new Error(`--wait reads the delivery records: with ${QUEUE_URL_ENV}, set ${ENV.deliveriesTable} too (nothing was queued)`);
  }
  const tables = await openDeliveryTables({ env: target?.local ? {} : env, ...(target?.local ? { local: target.local } : {}) });
  return { lookup: tables.deliveries, close: tables.close };
}

async function printOutcomes(requestIds: string[], lookup: DeliveryLookup, timeoutSeconds: number, clock: WaitClock, out: CliOutput): Promise<number> {
  const outcomes = await awaitOutcomes(requestIds, lookup, timeoutSeconds * 1_000, clock);
  let failed = false;
  let undecided = false;
  for (const requestId of new Set(requestIds)) {
    const record = outcomes.get(requestId);
    if (!record || !isDecided(record)) {
      undecided = true;
      const state = record ? 'still ACCEPTED' : 'not picked up yet';
      out.error(`${requestId}: ${state} after ${timeoutSeconds} s; switchboard status ${requestId} shows it later`);
      continue;
    }
    out.log('');
    printEntry(historyEntry(withCreatedAt(record)), out);
    failed ||= isFailure(record.status);
  }
  return failed ? EXIT.failed : undecided ? EXIT.timedOut : EXIT.ok;
}

/**
 * `SWITCHBOARD_QUEUE_URL` names the deployed queue (region, credentials and endpoint from the
 * usual AWS settings); without it, the queue of the running local system, whose settings come along.
 */
export async function resolveQueueTarget(deps: Pick<SendDeps, 'env' | 'localConfigPath'>): Promise<{ target: RequestQueueTarget; describe: string; local?: LocalConfig }> {
  const queueUrl = (deps.env ?? process.env)[QUEUE_URL_ENV];
  if (queueUrl) return { target: { queueUrl }, describe: queueUrl };
  try {
    const local = await readLocalConfig(deps.localConfigPath);
    return {
      target: { queueUrl: local.queues.requests.url, endpoint: local.endpoints.sqs, region: local.region, credentials: local.credentials },
      describe: 'the local system',
      local,
    };
  } catch (error) {
    throw new Error(`${(error as Error).message}\nor set ${QUEUE_URL_ENV} (and the usual AWS settings) to send to a deployed queue`);
  }
}
