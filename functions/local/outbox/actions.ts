import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SesAction } from '../feedback/ses-events.js';
import { readBody, sendJson } from '../../tooling/loopback-http.js';
import type { LocalSystem } from '../system.js';

const EMAIL_ACTIONS: Record<string, SesAction> = { open: 'open', click: 'click', bounce: 'bounce', complain: 'complaint' };

/** An outbox button on an email: reported to the feedback handler as the SES event it stands for. */
export async function emailAction(system: LocalSystem, req: IncomingMessage, res: ServerResponse, messageId: string, action: string): Promise<void> {
  const sesAction = EMAIL_ACTIONS[action];
  if (!sesAction) return sendJson(res, 400, { message: `unknown action ${action}` });
  const email = (await system.ses.emails()).find((e) => e.messageId === messageId);
  if (!email) return sendJson(res, 404, { message: `no email ${messageId}` });
  const body = await readBody(req);
  const requested = body ? (JSON.parse(body) as { link?: string }).link : undefined;
  const link = sesAction === 'click' ? (requested ?? firstLink(email.body.html ?? '')) : undefined;
  const summary = await system.feedback.emailAction(messageId, sesAction, link);
  sendJson(res, 200, { summary });
}

/** An in-app inbox button: the app's own call to the inbox API, signed in as the customer. */
export async function inboxAction(system: LocalSystem, res: ServerResponse, customerId: string, id: string, action: string): Promise<void> {
  const answer = await system.inboxApi({ method: 'POST', path: `/inbox/${encodeURIComponent(id)}/${action}`, sub: customerId });
  sendJson(res, answer.statusCode, answer.body ?? {});
}

/** The app reports that a notification was opened or its action tapped. */
export async function pushAction(system: LocalSystem, res: ServerResponse, customerId: string, requestId: string, event: string): Promise<void> {
  const answer = await system.inboxApi({ method: 'POST', path: '/events', sub: customerId, body: { requestId, event } });
  sendJson(res, answer.statusCode, answer.body ?? {});
}

/** The sandbox's faults, so a demo can throttle the next push or opt a number out from the page. */
export async function sandboxFaults(system: LocalSystem, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const state = system.sandbox.state;
  if (req.method === 'DELETE') state.resetFaults();
  if (req.method === 'POST') {
    const response = await fetch(`${system.sandbox.controlUrl}faults`, { method: 'POST', body: await readBody(req) });
    return sendJson(res, response.status, await response.json());
  }
  sendJson(res, 200, state.faults);
}

/** The link a click on the email most likely follows: its first web link that is not an unsubscribe. */
function firstLink(html: string): string | undefined {
  for (const match of html.matchAll(/href="(https:[^"]+)"/g)) {
    const link = match[1]?.replace(/&amp;/g, '&');
    if (link && !/unsubscribe/i.test(link)) return link;
  }
  return undefined;
}
