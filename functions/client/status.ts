import type { SQSClient } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { PermanentError, RetryableError } from '../core/errors.js';
import type { HistoryEntry } from '../core/history.js';
import { isRequestId } from '../core/request.js';

type Fetch = (url: URL, init: { headers: Record<string, string> }) => Promise<Pick<Response, 'status' | 'text'>>;

/**
 * `GET /requests/{requestId}` on the service API, signed with SigV4 (`execute-api`) using the
 * region and credentials of the SQS client the caller already configured.
 */
export class RequestStatusReader {
  private readonly base: URL;

  constructor(
    private readonly sqs: SQSClient,
    apiUrl: string,
    private readonly fetcher: Fetch = fetch,
  ) {
    this.base = new URL(apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`);
  }

  async read(requestId: string): Promise<HistoryEntry | undefined> {
    if (!isRequestId(requestId)) throw new PermanentError('not a request id: 1 to 128 letters, digits and . _ : -', 'INVALID_REQUEST_ID');
    const url = new URL(`requests/${encodeURIComponent(requestId)}`, this.base);
    const { config } = this.sqs;
    const signer = new SignatureV4({ service: 'execute-api', region: await config.region(), credentials: config.credentials, sha256: config.sha256 });
    const signed = await signer.sign({
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: {},
      headers: { host: url.host, accept: 'application/json' },
    });
    const response = await this.fetcher(url, { headers: signed.headers });
    const body = parse(await response.text());
    if (response.status === 200) return body as HistoryEntry;
    const code = errorCode(body) ?? `HTTP_${response.status}`;
    if (response.status === 404 && code === 'UNKNOWN_REQUEST') return undefined;
    const message = `GET /requests/${requestId} answered ${response.status} ${code}`;
    throw response.status === 429 || response.status >= 500 ? new RetryableError(message, code) : new PermanentError(message, code);
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorCode(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}
