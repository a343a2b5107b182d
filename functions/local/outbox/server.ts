import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, sendText } from '../../tooling/loopback-http.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface OutboxServer {
  url: string;
  port: number;
  /** Serves the page once the system behind it is running; until then, a "starting" page. */
  attach(handler: RequestHandler): void;
  close(): Promise<void>;
}

const STARTING = `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="1">
<title>Switchboard outbox</title><body style="font:16px system-ui;padding:3rem;color:#334">Starting the local system…</body>`;

/**
 * Listens first, so the page's URL is known (unsubscribe links point at it) and a browser
 * opened early sees the system come up instead of a refused connection.
 */
export async function startOutboxServer(port = 0): Promise<OutboxServer> {
  let handler: RequestHandler | undefined;
  const running = await listen(async (req, res) => {
    if (handler) return handler(req, res);
    sendText(res, 503, STARTING, 'text/html; charset=utf-8');
  }, port);
  return {
    url: running.url,
    port: running.port,
    attach: (next) => {
      handler = next;
    },
    close: running.close,
  };
}
