import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { unsubscribeScope } from '../core/feedback/unsubscribe.js';

/**
 * The pages a person sees when they open the link in a browser. Opening it never unsubscribes
 * (RFC 8058: link scanners and previews issue GETs); the button posts the one-click body.
 */
export function confirmPage(topic: string, action: string): APIGatewayProxyStructuredResultV2 {
  return page(
    200,
    'Unsubscribe',
    `<p>Stop ${emailsAbout(topic)}? Order and account emails keep coming.</p>
<form method="post" action="${escape(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
  );
}

export function donePage(topic: string): APIGatewayProxyStructuredResultV2 {
  return page(200, 'Unsubscribed', `<p>You will no longer receive ${emailsAbout(topic)}.</p>`);
}

/** A link for `"*"` leaves every marketing topic, and says so rather than naming `"*"`. */
function emailsAbout(topic: string): string {
  const scope = unsubscribeScope(topic);
  return scope.kind === 'topic' ? `emails about <strong>${escape(scope.topic)}</strong>` : 'any of our <strong>marketing</strong> emails';
}

export function invalidPage(status: number, message: string): APIGatewayProxyStructuredResultV2 {
  return page(status, 'Unsubscribe', `<p>${escape(message)}</p>`);
}

function page(statusCode: number, title: string, content: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body>${content}</body></html>`,
  };
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
