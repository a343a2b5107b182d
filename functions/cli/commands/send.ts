import { readFile } from 'node:fs/promises';
import { type RequestQueueTarget, sqsRequestQueue } from '../../adapters/sqs-request-queue.js';
import { parseSendRequest } from '../../core/request.js';
import { ENV } from '../../definitions/tables.js';
import { readLocalConfig } from '../../tooling/local-config.js';
import { DEFAULT_BUNDLE_PATH } from '../../template-compiler/paths.js';
import type { CliOutput } from '../io.js';
import { localTemplates, messageClassProblems } from './send-message-class.js';

/** The deployed requests queue; with it set, `send` goes to AWS with the usual AWS settings. */
export const QUEUE_URL_ENV = 'SWITCHBOARD_QUEUE_URL';

export interface SendArgs {
  /** A file holding one send request, or an array of them; `-` reads standard input. */
  file: string;
}

export interface RequestSink {
  enqueue(body: string): Promise<{ messageId: string }>;
  close(): void;
}

export interface SendDeps {
  env?: Record<string, string | undefined>;
  localConfigPath?: string;
  stdin?: () => Promise<string>;
  /** Where requests go; by default chosen from the environment (see `openQueue`). */
  queue?: { sink: RequestSink; describe: string };
}

/**
 * `switchboard send FILE|-`: validates every request with the orchestrator's own parser first,
 * then, when the local build's template bundle carries a topic registry (`TEMPLATE_BUNDLE_PATH`,
 * else the one `npm run build` writes), its category and topic with the orchestrator's own rule;
 * queues nothing when any one is invalid (each problem is listed, exit 1).
 */
export async function send(args: SendArgs, out: CliOutput, deps: SendDeps = {}): Promise<number> {
  const text = args.file === '-' ? await (deps.stdin ?? readStdin)() : await readFile(args.file, 'utf8');
  let requests: unknown[];
  try {
    const parsed: unknown = JSON.parse(text);
    requests = Array.isArray(parsed) ? parsed : [parsed];
  } catch (error) {
    out.error(`${args.file === '-' ? 'standard input' : args.file} is not valid JSON: ${(error as Error).message}`);
    return 1;
  }
  const templates = localTemplates((deps.env ?? process.env)[ENV.templateBundlePath] || DEFAULT_BUNDLE_PATH);
  let invalid = 0;
  let misclassed = 0;
  requests.forEach((request, i) => {
    const parsed = parseSendRequest(request);
    const classProblems = parsed.ok && templates ? messageClassProblems(templates, parsed.request) : [];
    const problems = parsed.ok ? classProblems : parsed.problems;
    if (problems.length === 0) return;
    invalid++;
    if (classProblems.length > 0) misclassed++;
    const requestId = parsed.ok ? parsed.request.requestId : parsed.requestId;
    const label = requests.length > 1 ? `request ${i + 1}${requestId ? ` (${requestId})` : ''}` : 'request';
    for (const problem of problems) out.error(`${label}: ${problem.path || '(whole request)'}: ${problem.message}`);
  });
  if (invalid > 0) {
    // Says which registry judged, since a stale local build could disagree with the deployed one.
    if (misclassed > 0 && templates) out.error(`category and topic were checked against the topic registry in ${templates.path}`);
    out.error(`${invalid} of ${requests.length} request(s) invalid: nothing was queued`);
    return 1;
  }
  let queue: { sink: RequestSink; describe: string };
  try {
    queue = deps.queue ?? openQueue(await resolveQueueTarget(deps));
  } catch (error) {
    out.error((error as Error).message);
    return 1;
  }
  try {
    for (const request of requests) {
      const { messageId } = await queue.sink.enqueue(JSON.stringify(request));
      out.log(`queued ${(request as { requestId: string }).requestId} (message ${messageId}) on ${queue.describe}`);
    }
    return 0;
  } finally {
    queue.sink.close();
  }
}

/**
 * `SWITCHBOARD_QUEUE_URL` names the deployed queue (region, credentials and endpoint from the
 * usual AWS settings); without it, the queue of the running local system.
 */
export async function resolveQueueTarget(deps: Pick<SendDeps, 'env' | 'localConfigPath'>): Promise<{ target: RequestQueueTarget; describe: string }> {
  const queueUrl = (deps.env ?? process.env)[QUEUE_URL_ENV];
  if (queueUrl) return { target: { queueUrl }, describe: queueUrl };
  try {
    const local = await readLocalConfig(deps.localConfigPath);
    return { target: { queueUrl: local.queues.requests.url, endpoint: local.endpoints.sqs, region: local.region, credentials: local.credentials }, describe: 'the local system' };
  } catch (error) {
    throw new Error(`${(error as Error).message}\nor set ${QUEUE_URL_ENV} (and the usual AWS settings) to send to a deployed queue`);
  }
}

function openQueue({ target, describe }: { target: RequestQueueTarget; describe: string }): { sink: RequestSink; describe: string } {
  return { sink: sqsRequestQueue(target), describe };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
