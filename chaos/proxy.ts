import { Agent, type IncomingHttpHeaders, request as httpRequest, type ServerResponse } from 'node:http';
import { listen, readBody } from '../functions/tooling/loopback-http.js';
import type { FaultTally, SeededFaults } from '../functions/local/sandbox/seeded-faults.js';

/** What the proxy knows of one call: its operation, and the content that names it across retries. */
export interface ProxiedCall {
  operation: string;
  content: string;
  body: string;
}

export interface FaultProxyOptions<K extends string> {
  /** `http://127.0.0.1:<port>` of the real service. */
  upstream: string;
  classify(headers: IncomingHttpHeaders, path: string, body: string): ProxiedCall;
  faults: SeededFaults<K>;
  tally: FaultTally;
  /** Answers a failure the way the service does, or holds the call unanswered until the client gives up. */
  answer(kind: K, res: ServerResponse): void;
  /** Hears each answer the service gave, for calls whose outcome the run needs. */
  observe?(call: ProxiedCall, status: number, responseBody: string, at: number): void;
  /** Which operations `observe` wants the response body of. */
  observes?(operation: string): boolean;
}

export interface FaultProxy {
  url: string;
  stop(): Promise<void>;
}

/**
 * A seeded fault injector on loopback in front of one service: every call is counted, some are
 * answered with the service's own error shapes or held until the client gives up, the rest are
 * forwarded unchanged. The handlers' SDK clients are pointed here instead of at the service.
 */
export async function startFaultProxy<K extends string>(options: FaultProxyOptions<K>): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const running = await listen(async (req, res) => {
    const body = await readBody(req, 4 * 1024 * 1024);
    const call = options.classify(req.headers, req.url ?? '/', body);
    options.tally.call(call.operation);
    const kind = options.faults.decide(call.operation, call.content);
    if (kind) {
      options.tally.fault(call.operation, kind);
      return options.answer(kind, res);
    }
    await forward(
      upstream,
      agent,
      req.method ?? 'POST',
      req.url ?? '/',
      req.headers,
      body,
      res,
      (status, responseBody) => options.observe?.(call, status, responseBody, Date.now()),
      options.observes?.(call.operation) ?? false,
    );
  });
  return {
    url: running.url,
    stop: async () => {
      await running.close();
      agent.destroy();
    },
  };
}

function forward(
  upstream: URL,
  agent: Agent,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: string,
  res: ServerResponse,
  observe: (status: number, body: string) => void,
  keepBody: boolean,
): Promise<void> {
  return new Promise((resolve) => {
    const outgoing = httpRequest({ host: upstream.hostname, port: upstream.port, method, path, headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => {
        if (keepBody) chunks.push(chunk);
        res.write(chunk);
      });
      answer.on('end', () => {
        res.end();
        observe(answer.statusCode ?? 502, keepBody ? Buffer.concat(chunks).toString('utf8') : '');
        resolve();
      });
      answer.on('error', () => {
        res.destroy();
        resolve();
      });
    });
    outgoing.on('error', () => {
      res.destroy();
      resolve();
    });
    outgoing.end(body);
  });
}
