import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Channel, Problem } from '../core/model.js';
import type { ChannelPreferences, PreferenceView, TopicChoice, TopicPreferences } from '../core/preferences/view.js';
import { html, raw, type SafeHtml } from '../http/html.js';
import { cellKey, type PageAction } from './form.js';

export const CHANNEL_NAMES: Record<Channel, string> = { email: 'Email', sms: 'Text message', push: 'Push notification', in_app: 'In the app' };

export interface PageInput {
  brand: string;
  view: PreferenceView;
  /** The signed link: the only credential, so it travels in the form rather than a cookie. */
  token: string;
  /** Where the form posts, relative to the page's own address. */
  action: string;
  notice?: { kind: 'saved' } | { kind: 'problems'; problems: Problem[] };
}

/** Plain HTML with a form: works without JavaScript, and every control has a visible label. */
export function preferencesPage(input: PageInput, statusCode = 200): APIGatewayProxyStructuredResultV2 {
  const { brand, view } = input;
  const title = `Messages from ${brand}`;
  const content = html`<h1>${title}</h1>
<p>Choose what ${brand} may send you, and where. Messages you must receive, such as updates about your own orders, are marked required.</p>
${notice(input.notice)}${channelStatus(view.channels)}
<form method="post" action="${input.action}">
<input type="hidden" name="token" value="${input.token}">
${view.topics.map((topic) => topicFieldset(topic, view.channels))}
<p><button type="submit" name="action" value="${'save' satisfies PageAction}">Save my choices</button></p>
${noMarketingSection(view.channels)}
</form>`;
  return page(statusCode, title, content);
}

/** A page with a sentence and no form: an invalid or expired link, or a passing fault. */
export function messagePage(statusCode: number, brand: string, heading: string, message: string): APIGatewayProxyStructuredResultV2 {
  return page(statusCode, `Messages from ${brand}`, html`<h1>${heading}</h1><p>${message}</p>`);
}

function notice(value: PageInput['notice']): SafeHtml | string {
  if (!value) return '';
  if (value.kind === 'saved') return html`<p class="notice saved" role="status">Your choices are saved.</p>`;
  return html`<div class="notice problems" role="alert"><h2>Nothing was saved</h2><ul>${value.problems.map((p) => html`<li>${p.message}</li>`)}</ul></div>`;
}

function channelStatus(channels: ChannelPreferences[]): SafeHtml | string {
  const lines = channels.flatMap((c) => {
    if (c.allOff) return [html`<li>${CHANNEL_NAMES[c.channel]}: every message is switched off${since(c.allOff.updatedAt)}.</li>`];
    if (c.marketingTopics.length > 0 && c.noMarketing) return [html`<li>${CHANNEL_NAMES[c.channel]}: no marketing.</li>`];
    return [];
  });
  return lines.length > 0 ? html`<ul class="status">${lines}</ul>` : '';
}

function topicFieldset(topic: TopicPreferences, channels: ChannelPreferences[]): SafeHtml {
  const cells = channels.filter((c) => topic.choices[c.channel]).map((c) => checkbox(topic, c, topic.choices[c.channel] as TopicChoice));
  return html`<fieldset><legend>${topic.name}</legend><p class="description">${topic.description}</p><div class="choices">${cells}</div></fieldset>`;
}

function checkbox(topic: TopicPreferences, channel: ChannelPreferences, choice: TopicChoice): SafeHtml {
  const key = cellKey(channel.channel, topic.id);
  const id = `choice-${key.replace(':', '-')}`;
  const note = choice.required ? ' (required)' : channel.allOff ? ' (switched off)' : '';
  const checked = choice.subscribed ? raw(' checked') : '';
  if (!choice.changeable) {
    return html`<label for="${id}"><input type="checkbox" id="${id}" disabled${checked}> ${CHANNEL_NAMES[channel.channel]}${note}</label>`;
  }
  // What the page showed travels with the form: only boxes the customer changed are written,
  // so a change made elsewhere after the page was opened is not undone by saving it.
  return html`<label for="${id}"><input type="checkbox" id="${id}" name="on" value="${key}"${checked}> ${CHANNEL_NAMES[channel.channel]}</label><input type="hidden" name="shown" value="${key}:${choice.subscribed ? 'on' : 'off'}">`;
}

function noMarketingSection(channels: ChannelPreferences[]): SafeHtml | string {
  const offered = channels.filter((c) => c.marketingTopics.length > 0 && !c.allOff);
  if (offered.length === 0) return '';
  const buttons = offered.map(
    (c) =>
      html`<button type="submit" class="secondary" name="action" value="${`no-marketing:${c.channel}` satisfies PageAction}">No marketing by ${CHANNEL_NAMES[c.channel].toLowerCase()}</button>`,
  );
  return html`<section aria-labelledby="no-marketing"><h2 id="no-marketing">No marketing on a channel</h2>
<p>Switches off every offer and newsletter on that channel at once. Messages that are not marketing, such as updates about your own orders, still arrive.</p>
<p class="buttons">${buttons}</p></section>`;
}

function since(updatedAt: string | undefined): string {
  const at = updatedAt ? new Date(updatedAt) : undefined;
  return at && !Number.isNaN(at.getTime()) ? ` since ${at.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}` : '';
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;color:#1d2330;margin:0;background:#f6f7f9}
main{max-width:40rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}
fieldset{background:#fff;border:1px solid #c9ced8;border-radius:8px;margin:0 0 1rem;padding:.75rem 1rem 1rem}
legend{font-weight:600;padding:0 .25rem}
.description{margin:.25rem 0 .5rem;color:#4a5263}
.choices{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem}
label{display:inline-flex;align-items:center;gap:.4rem;min-height:2.75rem}
input[type=checkbox]{width:1.25rem;height:1.25rem}
button{font:inherit;padding:.6rem 1.1rem;border-radius:6px;border:2px solid #1f4fbf;background:#1f4fbf;color:#fff;cursor:pointer;margin:0 .5rem .5rem 0}
button.secondary{background:#fff;color:#1f4fbf}
button:focus-visible,input:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
.notice{padding:.75rem 1rem;border-radius:6px;margin:0 0 1rem}
.saved{background:#e3f4e8;border:1px solid #2e7d4a}
.problems{background:#fdecea;border:1px solid #b3261e}
.problems h2{font-size:1rem;margin:0}
.status{padding-left:1.25rem}`;

/**
 * Never cached (it shows one person's choices), never framed, and it sends no referrer: the token
 * in its address is the customer's credential.
 */
function page(statusCode: number, title: string, content: SafeHtml): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    },
    body: html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${title}</title><style>${raw(STYLE)}</style></head><body><main>${content}</main></body></html>`.toString(),
  };
}
