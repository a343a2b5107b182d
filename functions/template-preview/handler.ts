import { type FSWatcher, watch } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestUrl, sendJson, sendText } from '../tooling/loopback-http.js';
import { previewPage } from './page.js';
import { type PreviewSet, renderPreviews } from './render-all.js';

export interface TemplatePreviewOptions {
  templatesDir: string;
  /** Where the preview is mounted: `/` for its own server, `/templates` on the outbox. */
  basePath: string;
  appScheme?: string;
}

export interface TemplatePreviewHandler {
  /** Answers requests under `basePath`; false for anything else. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  close(): void;
}

/**
 * Serves the preview: `<base>/` every template, `<base>/<id>` one, `<base>/preview.json` the
 * data, `<base>/events` a server-sent event each time a file under the folder changes.
 */
export function createTemplatePreview(options: TemplatePreviewOptions): TemplatePreviewHandler {
  const base = options.basePath.replace(/\/$/, '');
  const clients = new Set<ServerResponse>();
  let cache: Promise<PreviewSet> | undefined;
  let debounce: NodeJS.Timeout | undefined;
  const render = () => (cache ??= renderPreviews(options.templatesDir, options.appScheme ? { appScheme: options.appScheme } : {}));

  const watcher: FSWatcher | undefined = watchFolder(options.templatesDir, () => {
    clearTimeout(debounce);
    // Editors write a file in several steps; one change event per burst.
    debounce = setTimeout(() => {
      cache = undefined;
      for (const client of clients) client.write(`event: change\ndata: ${Date.now()}\n\n`);
    }, 150);
  });
  const heartbeat = setInterval(() => {
    for (const client of clients) client.write(': keep-alive\n\n');
  }, 15_000);
  heartbeat.unref();

  return {
    async handle(req, res) {
      const path = pathOf(req);
      if (path === undefined) {
        if (base !== '') return false;
        return badPath(res, 'the request target is not a valid URL');
      }
      if (path !== base && !path.startsWith(`${base}/`)) return false;
      const decoded = decodePath(path.slice(base.length));
      if (decoded === undefined) return badPath(res, 'the path is not validly percent-encoded');
      const rest = decoded.replace(/^\/+|\/+$/g, '');
      if (rest === 'events') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(': connected\n\n');
        clients.add(res);
        req.on('close', () => clients.delete(res));
        return true;
      }
      const set = await render();
      if (rest === 'preview.json') sendJson(res, 200, set);
      else if (rest === '') sendText(res, 200, previewPage(set, base || '/'), 'text/html; charset=utf-8');
      else {
        const only = { ...set, templates: set.templates.filter((t) => t.id === rest), orphanProblems: set.orphanProblems.filter((p) => p.startsWith(`${rest} `)) };
        sendText(res, only.templates.length > 0 ? 200 : 404, previewPage(only, base || '/', rest), 'text/html; charset=utf-8');
      }
      return true;
    },
    close() {
      watcher?.close();
      clearTimeout(debounce);
      clearInterval(heartbeat);
      for (const client of clients) client.end();
      clients.clear();
    },
  };
}

function pathOf(req: IncomingMessage): string | undefined {
  try {
    return requestUrl(req).pathname;
  } catch {
    return undefined;
  }
}

function decodePath(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

function badPath(res: ServerResponse, message: string): true {
  sendJson(res, 400, { error: { code: 'INVALID_PATH', message, problems: [{ path: 'path', message }] } });
  return true;
}

/** Recursive watching works on Linux from Node 20; where it does not, the page just stays static. */
function watchFolder(dir: string, onChange: () => void): FSWatcher | undefined {
  try {
    const watcher = watch(dir, { recursive: true }, onChange);
    watcher.on('error', () => undefined);
    return watcher;
  } catch {
    return undefined;
  }
}
