import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** Local servers only ever listen on loopback: they have no authentication. */
export const LOOPBACK = '127.0.0.1';

const MAX_BODY_BYTES = 1024 * 1024;

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  close: () => Promise<void>;
}

/** A request handler; when its promise rejects, `listen` answers 500. */
export type LoopbackHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Listens on `port` (0 = a free one) and resolves once bound. */
export async function listen(handler: LoopbackHandler, port = 0, host = LOOPBACK): Promise<RunningServer> {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: (error as Error).message });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return { server, port: bound, url: `http://${host}:${bound}`, close: () => closeServer(server) };
}

/** Closes the server and every open connection (keep-alive sockets, event streams) with it. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new Error(`request body larger than ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

/** The path and query of a request, resolved against a dummy origin. */
export function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://local');
}
