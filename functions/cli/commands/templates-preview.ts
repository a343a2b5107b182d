import { listen } from '../../tooling/loopback-http.js';
import { createTemplatePreview } from '../../template-preview/handler.js';
import type { CliOutput } from '../io.js';

export interface TemplatesPreviewArgs {
  templatesDir: string;
  /** Show one template only. */
  templateId?: string;
  /** Default: a free port on loopback. */
  port?: number;
  appScheme?: string;
}

/**
 * `switchboard templates preview [templateId]`: every template × channel × locale rendered from
 * its sample data, refreshed whenever a template file changes. Serves until Ctrl-C or `signal`.
 */
export async function templatesPreview(args: TemplatesPreviewArgs, out: CliOutput, signal: Promise<void> = interrupted()): Promise<number> {
  const preview = createTemplatePreview({ templatesDir: args.templatesDir, basePath: '/', ...(args.appScheme ? { appScheme: args.appScheme } : {}) });
  const server = await listen(async (req, res) => {
    if (!(await preview.handle(req, res))) res.writeHead(404).end();
  }, args.port ?? 0);
  const url = args.templateId ? `${server.url}/${encodeURIComponent(args.templateId)}` : `${server.url}/`;
  out.log(`template preview: ${url}\nwatching ${args.templatesDir}; Ctrl-C stops`);
  await signal;
  preview.close();
  await server.close();
  return 0;
}

function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
