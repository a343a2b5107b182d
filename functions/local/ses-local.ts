import type { Server } from 'node:http';
import sesLocal from 'aws-ses-v2-local';
import { closeServer, LOOPBACK } from '../tooling/loopback-http.js';

/** One sent email as the local SES keeps it (`GET /store`). */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  /** Epoch seconds. */
  at: number;
}

export interface LocalSes {
  endpoint: string;
  port: number;
  /** Every email sent so far, oldest first. */
  emails(): Promise<StoredEmail[]>;
  stop(): Promise<void>;
}

/**
 * Starts aws-ses-v2-local in this process (an HTTP server; it stops with us). It is CommonJS,
 * so its start function may arrive as the default export or as the module itself.
 */
export async function startLocalSes(options: { port?: number } = {}): Promise<LocalSes> {
  type Start = (config: { port: number; host: string }) => Promise<Server>;
  const module = sesLocal as unknown as Start & { default?: Start };
  const start = module.default ?? module;
  // It only relays to SMTP when this is set; never from local mode.
  delete process.env.SMTP_TRANSPORT;
  const server = await start({ port: options.port ?? 0, host: LOOPBACK });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const endpoint = `http://${LOOPBACK}:${port}`;
  return {
    endpoint,
    port,
    async emails() {
      const response = await fetch(`${endpoint}/store`);
      if (!response.ok) throw new Error(`local SES /store answered ${response.status}`);
      return ((await response.json()) as { emails: StoredEmail[] }).emails;
    },
    stop: () => closeServer(server),
  };
}
