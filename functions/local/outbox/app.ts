import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_TEMPLATES_DIR } from '../../template-compiler/paths.js';
import { createTemplatePreview } from '../../template-preview/handler.js';
import { requestUrl, sendJson, sendText } from '../../tooling/loopback-http.js';
import type { LocalSystem } from '../system.js';
import { asset } from './assets.js';
import { emailAction, inboxAction, pushAction, sandboxFaults } from './actions.js';
import { fireNow } from './fire-now.js';
import { enqueueFromPage, ingestOverHttp, templateExamples } from './requests.js';
import { appPreferences, openPreferenceCentre, preferenceCentreEndpoint } from './preferences.js';
import { oneClickUnsubscribe, unsubscribeEndpoint } from './unsubscribe.js';
import { eventsView } from './events.js';
import { buildOutboxView } from './view.js';

export interface OutboxApp {
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close(): Promise<void>;
}

type Route = (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) => Promise<void>;

/** The outbox page, its JSON API and the template preview under /templates. */
export async function createOutboxApp(system: LocalSystem, baseUrl: string): Promise<OutboxApp> {
  const preview = createTemplatePreview({ templatesDir: DEFAULT_TEMPLATES_DIR, basePath: '/templates' });
  const routes: [string, RegExp, Route][] = [
    ['GET', /^\/$/, async (_req, res) => sendText(res, 200, asset('page.html'), 'text/html; charset=utf-8')],
    ['GET', /^\/assets\/(page\.(?:css|js))$/, async (_req, res, m) => sendText(res, 200, asset(m[1] as string), m[1]?.endsWith('.css') ? 'text/css' : 'text/javascript')],
    ['GET', /^\/api\/outbox$/, async (_req, res) => sendJson(res, 200, await buildOutboxView(system))],
    ['GET', /^\/api\/events$/, async (_req, res) => sendJson(res, 200, eventsView(system))],
    ['GET', /^\/api\/config$/, async (_req, res) => sendJson(res, 200, { ...system.config, outbox: { url: baseUrl } })],
    ['GET', /^\/api\/templates$/, async (_req, res) => sendJson(res, 200, templateExamples(system))],
    ['POST', /^\/api\/requests$/, (req, res) => enqueueFromPage(system, req, res)],
    ['POST', /^\/requests$/, (req, res) => ingestOverHttp(system, req, res)],
    ['POST', /^\/api\/demo$/, async (_req, res) => sendJson(res, 202, { requestIds: await system.runScenario() })],
    ['POST', /^\/api\/wakes\/([^/]+)\/fire$/, (req, res, m) => fireNow(system, req, res, m[1] as string)],
    ['POST', /^\/api\/email\/([^/]+)\/(open|click|bounce|complain)$/, (req, res, m) => emailAction(system, req, res, decodeURIComponent(m[1] as string), m[2] as string)],
    ['POST', /^\/api\/email\/([^/]+)\/unsubscribe$/, (_req, res, m) => oneClickUnsubscribe(system, res, decodeURIComponent(m[1] as string))],
    ['GET', /^\/unsubscribe$/, (req, res) => unsubscribeEndpoint(system, req, res)],
    ['POST', /^\/unsubscribe$/, (req, res) => unsubscribeEndpoint(system, req, res)],
    ['GET', /^\/preference-centre$/, (req, res) => preferenceCentreEndpoint(system, req, res)],
    ['POST', /^\/preference-centre$/, (req, res) => preferenceCentreEndpoint(system, req, res)],
    ['GET', /^\/customers\/([^/]+)\/preferences$/, (_req, res, m) => openPreferenceCentre(system, res, decodeURIComponent(m[1] as string))],
    ['GET', /^\/api\/customers\/([^/]+)\/preferences$/, (req, res, m) => appPreferences(system, req, res, decodeURIComponent(m[1] as string))],
    ['PUT', /^\/api\/customers\/([^/]+)\/preferences$/, (req, res, m) => appPreferences(system, req, res, decodeURIComponent(m[1] as string))],
    [
      'POST',
      /^\/api\/inbox\/([^/]+)\/([^/]+)\/(read|clicked|dismissed)$/,
      (_req, res, m) => inboxAction(system, res, decodeURIComponent(m[1] as string), decodeURIComponent(m[2] as string), m[3] as string),
    ],
    [
      'POST',
      /^\/api\/push\/([^/]+)\/([^/]+)\/(opened|clicked)$/,
      (_req, res, m) => pushAction(system, res, decodeURIComponent(m[1] as string), decodeURIComponent(m[2] as string), m[3] as string),
    ],
    ['GET', /^\/api\/sandbox\/faults$/, (req, res) => sandboxFaults(system, req, res)],
    ['POST', /^\/api\/sandbox\/faults$/, (req, res) => sandboxFaults(system, req, res)],
    ['DELETE', /^\/api\/sandbox\/faults$/, (req, res) => sandboxFaults(system, req, res)],
  ];
  return {
    async handle(req, res) {
      if (await preview.handle(req, res)) return;
      const path = requestUrl(req).pathname;
      for (const [method, pattern, route] of routes) {
        const match = pattern.exec(path);
        if (match && req.method === method) return route(req, res, match);
      }
      sendJson(res, 404, { message: `no route for ${req.method} ${path}` });
    },
    async close() {
      preview.close();
    },
  };
}
