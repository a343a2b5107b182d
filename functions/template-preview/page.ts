import type { RenderedByChannel } from '../core/templates.js';
import { escapeHtml, html, raw, type SafeHtml } from '../http/html.js';
import type { PreviewEntry, PreviewSet, TemplatePreview } from './render-all.js';
import { PREVIEW_CSS } from './styles.js';

const CHANNEL_LABELS = { email: 'Email', sms: 'SMS', push: 'Push', in_app: 'In-app' } as const;

/** The whole preview page; `basePath` is where it is mounted (`/` or `/templates`). */
export function previewPage(set: PreviewSet, basePath: string, only?: string): string {
  const base = basePath.replace(/\/$/, '');
  const nav = set.templates.map((t) => html`<a href="${base}/${t.id}" class="${t.id === only ? 'on' : ''}">${t.id}</a>`);
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Template preview${only ? ` · ${only}` : ''}</title><style>${raw(PREVIEW_CSS)}</style></head>
<body>
<header class="top"><h1>Template preview</h1><nav><a href="${base}/" class="${only ? '' : 'on'}">all</a>${nav}</nav>
<span class="live" id="live">live: updates when a template file changes</span></header>
<main>
${set.orphanProblems.length > 0 ? html`<section class="problems"><h2>Folders that could not be read</h2><ul>${set.orphanProblems.map((p) => html`<li>${p}</li>`)}</ul></section>` : ''}
${set.templates.length === 0 ? html`<p class="empty">No template${only ? ` named "${only}"` : 's'} found.</p>` : ''}
${set.templates.map(templateSection)}
</main>
<footer>Rendered ${set.renderedAt} from each template's sampleData.</footer>
<script>${raw(LIVE_RELOAD(base))}</script>
</body></html>`.toString();
}

function templateSection(t: TemplatePreview): SafeHtml {
  const m = t.manifest;
  return html`<section class="template" id="${t.id}" data-template="${t.id}">
<div class="template-head"><h2>${t.id}</h2><span class="chip ${m.category}">${m.category}</span><span class="chip">topic ${m.topic}</span>
${m.channels.map((c) => html`<span class="chip channel">${CHANNEL_LABELS[c]}</span>`)}</div>
<p class="description">${m.description}</p>
${t.problems.length > 0 ? html`<div class="problems"><strong>${t.problems.length} problem${t.problems.length > 1 ? 's' : ''}</strong><ul>${t.problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : ''}
${t.notes.length > 0 ? html`<div class="notes"><strong>Note</strong><ul>${t.notes.map((n) => html`<li>${n}</li>`)}</ul></div>` : ''}
<div class="grid">${m.channels.map((channel) => html`<div class="column ${channel}"><h3>${CHANNEL_LABELS[channel]}</h3>${t.entries.filter((e) => e.channel === channel).map(entryCard)}</div>`)}</div>
</section>`;
}

function entryCard(entry: PreviewEntry): SafeHtml {
  const locale = entry.locale === 'default' ? 'default locale' : entry.locale;
  const head = html`<div class="locale">${locale}</div>`;
  if (!entry.rendered) {
    return html`<article class="card failed" data-channel="${entry.channel}" data-locale="${entry.locale}">${head}<ul>${entry.problems.map((p) => html`<li>${p}</li>`)}</ul></article>`;
  }
  return html`<article class="card" data-channel="${entry.channel}" data-locale="${entry.locale}">${head}${body(entry)}</article>`;
}

function body(entry: PreviewEntry): SafeHtml {
  const r = entry.rendered as RenderedByChannel[keyof RenderedByChannel];
  switch (entry.channel) {
    case 'email': {
      const email = r as RenderedByChannel['email'];
      return html`<div class="mail-head"><div class="subject">${email.subject}</div>${email.preheader ? html`<div class="preheader">${email.preheader}</div>` : ''}</div>
<iframe sandbox="" loading="lazy" title="email ${entry.locale}" srcdoc="${raw(escapeHtml(email.html))}"></iframe>
<details><summary>text part</summary><pre>${email.text}</pre></details>`;
    }
    case 'sms': {
      const sms = r as RenderedByChannel['sms'];
      return html`<div class="bubble">${sms.body}</div><div class="meta">${sms.encoding} · ${sms.segments} segment${sms.segments > 1 ? 's' : ''} · ${Array.from(sms.body).length} characters</div>`;
    }
    case 'push': {
      const push = r as RenderedByChannel['push'];
      return html`<div class="notification"><div class="app">FERNHILL · now</div><div class="title">${push.title}</div><div class="text">${push.body}</div></div>
<div class="meta">${push.url ? html`opens ${push.url} · ` : ''}${push.payloadBytes} bytes</div>`;
    }
    case 'in_app': {
      const item = r as RenderedByChannel['in_app'];
      return html`<div class="inbox-item"><div class="title">${item.title}</div><div class="text">${item.body}</div>${item.action ? html`<span class="action" title="${item.action.url}">${item.action.label}</span>` : ''}</div>`;
    }
  }
}

/** Server-sent events announce a change; the page reloads where it was scrolled to. */
function LIVE_RELOAD(base: string): string {
  return `(() => {
  const key = 'preview-scroll:' + location.pathname;
  const saved = Number(sessionStorage.getItem(key));
  if (saved) window.scrollTo(0, saved);
  const live = document.getElementById('live');
  const events = new EventSource(${JSON.stringify(`${base}/events`)});
  events.addEventListener('change', () => { sessionStorage.setItem(key, String(window.scrollY)); location.reload(); });
  events.onerror = () => { live.textContent = 'live: disconnected'; live.classList.add('off'); };
  events.onopen = () => { live.textContent = 'live: updates when a template file changes'; live.classList.remove('off'); };
})();`;
}
