// @ts-check
// The outbox page: polls /api/outbox and keeps one card per message, updating cards in place so
// an email's iframe is only rebuilt when its HTML changes.
'use strict';

/**
 * What /api/outbox answers (functions/local/outbox/view.ts builds it): only the fields read here.
 * @typedef {{ title: string, body: string, at: string }} PushContent
 * @typedef {{ body: string, at: string, carrier: string, encoding: string, segments: number }} SmsContent
 * @typedef {{ messageId: string, subject: string, from: string, to: string[], html: string, at: string, unsubscribe?: string }} EmailContent
 * @typedef {{ id: string, title: string, body: string, status: string, at: string, action?: { url: string, label: string } }} InboxContent
 * @typedef {{ push: PushContent, sms: SmsContent, email: EmailContent, in_app: InboxContent }} Contents
 * @typedef {keyof Contents} Channel
 * @typedef {{ status: string, at: string, detail?: string }} TimelineEvent
 * @typedef {{ channel: Channel, score: number, reasons: string[] }} RankedChannel
 * @typedef {{ channel: Channel, reason: string, detail?: string }} ExcludedChannel
 * @typedef {{ ranked: RankedChannel[], excluded: ExcludedChannel[] }} Decision
 * @typedef {{ label: string, value: string, status: string, reason?: string }} Address
 * @typedef {object} TimingView what a request waits for, and what became of its wakes
 * @property {{ kind: string, until: string, label: string, canFire: boolean }} [waiting]
 * @property {{ steps: { channel: Channel, sentAt: string, reason: string }[], stopped?: string }} [escalation]
 * @property {{ kind: string, firedAt: string, label: string }[]} [firedEarly]
 */

/**
 * One channel's part in a request.
 * @template {Channel} [C=Channel]
 * @typedef {object} MessageView
 * @property {string} requestId
 * @property {string} [template]
 * @property {C} channel
 * @property {string} status
 * @property {{ outcome: string, code?: string, message?: string }} [attempt] only when this channel's attempt failed
 * @property {string} why
 * @property {string} summary
 * @property {TimelineEvent[]} timeline
 * @property {Decision} [decision]
 * @property {Contents[C]} [content] what the provider received, when it received anything
 * @property {TimingView} [timing]
 */

/**
 * A request that reached no channel.
 * @typedef {object} UnsentView
 * @property {string} requestId
 * @property {string} [template]
 * @property {string} status
 * @property {string} summary
 * @property {TimelineEvent[]} timeline
 * @property {Decision} [decision]
 * @property {TimingView} [timing]
 * @property {undefined} [attempt] never present: counted alongside messages, which may have one
 */

/**
 * @typedef {object} CustomerView
 * @property {string} customerId
 * @property {string} name
 * @property {string} [note]
 * @property {string} [locale]
 * @property {string} [timeZone]
 * @property {string} [localTime] `HH:MM` in the customer's time zone
 * @property {string} [moment]
 * @property {Address[]} addresses
 * @property {Channel[]} preferred
 * @property {{ [C in Channel]: MessageView<C>[] }} channels
 * @property {UnsentView[]} unsent
 */

/**
 * @typedef {{ customers: CustomerView[], others: UnsentView[], generatedAt: string }} OutboxView
 * @typedef {{ cls: string, main: string, body?: string, meta: string }} Card what one list entry shows; `body` is an email's HTML
 * @typedef {{ id: string, category: string, example: Record<string, unknown> }} TemplateExample
 * @typedef {{ templates: TemplateExample[], customers: { id: string, name: string, note: string }[] }} Examples
 */

/**
 * A delivery status event as EventBridge hands it to a target (functions/local/status-events.ts).
 * @typedef {object} StatusDetail
 * @property {string} eventId
 * @property {string} requestId
 * @property {string} customerId
 * @property {string} [template]
 * @property {string} status
 * @property {string} [previousStatus]
 * @property {Channel} [channel]
 * @property {{ excluded: { channel: Channel, reason: string }[], errors: { channel: Channel, code: string }[], timing?: string }} reasons
 * @property {string} at
 * @property {string} [deferredUntil]
 * @typedef {{ id: string, 'detail-type': string, source: string, time: string, detail: StatusDetail }} BusEvent
 * @typedef {{ events: BusEvent[], total: number, file?: string }} EventsView what /api/events answers
 */

const POLL_MS = 1000;
const CHANNEL_NAMES = { push: 'push', sms: 'SMS', email: 'email', in_app: 'in-app' };
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** @param {unknown} value */
const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[/** @type {keyof typeof ENTITIES} */ (c)]);
/** @param {string | undefined} iso */
const clock = (iso) => (iso ? new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '');
/**
 * An element page.html always has.
 * @param {string} id
 */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/**
 * A form field page.html always has.
 * @param {string} id
 */
const field = (id) => /** @type {HTMLTextAreaElement | HTMLSelectElement} */ (document.getElementById(id));
/**
 * A part of a section or card that this script built, so it is always there.
 * @param {ParentNode} root
 * @param {string} selector
 */
const part = (root, selector) => /** @type {HTMLElement} */ (root.querySelector(selector));

/**
 * The local API's answer; its body is the route's JSON, or the problem it reports.
 * @param {string} path
 * @param {RequestInit} [init]
 * @returns {Promise<{ ok: boolean, status: number, body: any }>}
 */
async function api(path, init) {
  const response = await fetch(path, { headers: { 'content-type': 'application/json' }, ...init });
  const text = await response.text();
  const body = text ? JSON.parse(text) : {};
  return { ok: response.ok, status: response.status, body };
}

// ---- rendering -----------------------------------------------------------------------------

/** @param {string} status */
function statusChip(status) {
  return `<span class="status ${esc(status)}" data-role="status">${esc(status)}</span>`;
}

/** @param {TimelineEvent[]} events */
function timeline(events) {
  return `<ol class="timeline">${events.map((e) => `<li title="${esc(e.detail ?? '')}">${esc(e.status)} ${esc(clock(e.at))}${e.detail ? ` · ${esc(e.detail)}` : ''}</li>`).join('')}</ol>`;
}

/** @param {Decision | undefined} d */
function decision(d) {
  if (!d) return '';
  const ranked = d.ranked
    .map((r, i) => `<tr><td>${i + 1}. ${esc(CHANNEL_NAMES[r.channel])}</td><td>${r.score.toFixed(3)}</td><td>${r.reasons.map(esc).join('<br>')}</td></tr>`)
    .join('');
  const excluded = d.excluded.map((e) => `<tr><td>✕ ${esc(CHANNEL_NAMES[e.channel])}</td><td>${esc(e.reason)}</td><td>${esc(e.detail ?? '')}</td></tr>`).join('');
  return `<details class="decision"><summary>How the channel was chosen</summary><table>${ranked}${excluded}</table></details>`;
}

/**
 * A countdown the ticker fills in, so the card's HTML stays the same from one poll to the next.
 * @param {string} until
 */
function countdown(until) {
  return `<span class="countdown" data-until="${esc(until)}"></span>`;
}

/** @param {number} ms */
function duration(ms) {
  const seconds = Math.ceil(ms / 1000);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

function tick() {
  const now = Date.now();
  for (const element of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('.countdown'))) {
    const left = Date.parse(element.dataset.until ?? '') - now;
    element.textContent = left > 0 ? `in ${duration(left)}` : 'due now';
  }
}

/**
 * A deferral or escalation step waiting for its time (with "Fire now"), the escalation's steps
 * with their reasons, and the wakes fired ahead of their time.
 * @param {string} requestId
 * @param {TimingView | undefined} t
 */
function timing(requestId, t) {
  if (!t) return '';
  const parts = [];
  if (t.waiting) {
    const fire = t.waiting.canFire ? ` ${button('Fire now', `/api/wakes/${encodeURIComponent(requestId)}/fire`, 'fire')}` : '';
    parts.push(`<div class="waiting" data-kind="${esc(t.waiting.kind)}">◷ ${esc(t.waiting.label)} · ${countdown(t.waiting.until)}${fire}</div>`);
  }
  if (t.escalation) {
    const steps = t.escalation.steps.map((step) => `<li>${esc(CHANNEL_NAMES[step.channel])} ${esc(clock(step.sentAt))} · ${esc(step.reason)}</li>`).join('');
    const stopped = t.escalation.stopped ? `<li class="stopped">stopped · ${esc(t.escalation.stopped)}</li>` : '';
    parts.push(`<div class="escalation">Escalation<ol>${steps}${stopped}</ol></div>`);
  }
  for (const early of t.firedEarly ?? []) parts.push(`<div class="early">↠ ${esc(early.label)} (fired ${esc(clock(early.firedAt))})</div>`);
  return `<div class="timing">${parts.join('')}</div>`;
}

/** @param {MessageView} message */
function meta(message) {
  const failed = message.attempt
    ? `<div class="why">not delivered: ${esc(message.attempt.code ?? message.attempt.outcome)}${message.attempt.message ? ` — ${esc(message.attempt.message)}` : ''}</div>`
    : '';
  const why = message.attempt ? '' : `<div class="why">Why ${esc(CHANNEL_NAMES[message.channel])}: ${esc(message.why || message.summary)}</div>`;
  const when = timing(message.requestId, message.timing);
  return `<div class="msg-meta">${statusChip(message.status)} <span>${esc(message.template ?? '')}</span> <span title="request id">· ${esc(message.requestId)}</span>${failed}${why}${when}${timeline(message.timeline)}${decision(message.decision)}</div>`;
}

/**
 * @param {string} label
 * @param {string} url
 * @param {string} action
 */
function button(label, url, action) {
  return `<button type="button" class="small" data-url="${esc(url)}" data-action="${esc(action)}">${esc(label)}</button>`;
}

/** @type {{ [C in Channel]: (message: MessageView<C>, customer: CustomerView) => Card }} */
const renderers = {
  push(message, customer) {
    const c = message.content;
    const sent = !message.attempt;
    const base = `/api/push/${encodeURIComponent(customer.customerId)}/${encodeURIComponent(message.requestId)}`;
    const main = c
      ? `<div class="app"><span>FERNHILL</span><span>${esc(clock(c.at))}</span></div><div class="title">${esc(c.title)}</div><div class="text">${esc(c.body)}</div>`
      : `<div class="app"><span>FERNHILL</span></div><div class="text">(nothing reached the device)</div>`;
    const buttons = sent ? `<div class="buttons">${button('Open', `${base}/opened`, 'open')}${button('Tap link', `${base}/clicked`, 'click')}</div>` : '';
    return { cls: `notification${sent ? '' : ' failed'}`, main: main + buttons, meta: meta(message) };
  },
  sms(message) {
    const c = message.content;
    const main = c
      ? `<div class="from">FERNHILL · ${esc(clock(c.at))} · ${esc(c.encoding)}, ${c.segments} part${c.segments > 1 ? 's' : ''} · carrier ${esc(c.carrier)}</div>${esc(c.body)}`
      : `<div class="from">FERNHILL</div>(no text was sent)`;
    return { cls: `bubble${message.attempt ? ' failed' : ''}`, main, meta: meta(message) };
  },
  email(message) {
    const c = message.content;
    if (!c) return { cls: 'email', main: '<div class="subject">(no email was sent)</div>', meta: meta(message) };
    const base = `/api/email/${encodeURIComponent(c.messageId)}`;
    const buttons =
      ['open', 'click', 'bounce', 'complain'].map((a) => button(a.charAt(0).toUpperCase() + a.slice(1), `${base}/${a}`, a)).join('') +
      (c.unsubscribe ? button('Unsubscribe (one-click)', `${base}/unsubscribe`, 'unsubscribe') : '');
    return {
      cls: 'email',
      main: `<div class="subject">${esc(c.subject)}</div><div class="from">${esc(c.from)} → ${esc(c.to.join(', '))} · ${esc(clock(c.at))}</div><div class="buttons">${buttons}</div>`,
      body: c.html,
      meta: meta(message),
    };
  },
  in_app(message, customer) {
    const c = message.content;
    if (!c) return { cls: 'inbox-item', main: '<div class="title">(nothing reached the inbox)</div>', meta: meta(message) };
    const base = `/api/inbox/${encodeURIComponent(customer.customerId)}/${encodeURIComponent(c.id)}`;
    const cta = c.action ? `<span class="cta" title="${esc(c.action.url)}">${esc(c.action.label)}</span>` : '';
    const buttons = /** @type {const} */ (['read', 'clicked', 'dismissed'])
      .map((a) => button({ read: 'Read', clicked: 'Tap action', dismissed: 'Dismiss' }[a], `${base}/${a}`, a))
      .join('');
    return {
      cls: `inbox-item${c.status === 'unread' ? ' unread' : ''}`,
      main: `<div class="title">${esc(c.title)}</div><div class="text">${esc(c.body)}</div>${cta}<div class="from">${esc(c.status)} · ${esc(clock(c.at))}</div><div class="buttons">${buttons}</div>`,
      meta: meta(message),
    };
  },
};

/** @param {CustomerView} c */
function customerHead(c) {
  const hour = Number((c.localTime ?? '12').slice(0, 2));
  const night = hour >= 21 || hour < 8;
  const facts = [
    c.locale && `<span class="chip">${esc(c.locale)}</span>`,
    c.timeZone && `<span class="chip${night ? ' night' : ''}" title="${esc(c.timeZone)}">${night ? '☾ ' : ''}${esc(c.localTime ?? '')} ${esc(c.timeZone)}</span>`,
    c.moment && `<span class="chip moment">${esc(c.moment)}</span>`,
    c.preferred.length > 0 && `<span class="chip">prefers ${esc(c.preferred.map((p) => CHANNEL_NAMES[p]).join(' › '))}</span>`,
    ...c.addresses.map(
      (a) =>
        `<span class="chip ${a.status}" title="${esc(a.reason ? `${a.status}: ${a.reason}` : a.status)}">${esc(a.label)} ${esc(a.value)}${a.reason ? ` (${esc(a.reason)})` : ''}</span>`,
    ),
  ].filter(Boolean);
  // A signed link to the customer's own preference centre, as the footer of a marketing email carries it.
  const preferences = `<a class="prefs" data-role="preferences" href="/customers/${encodeURIComponent(c.customerId)}/preferences" target="_blank" rel="noopener">Preferences ↗</a>`;
  return `<div class="avatar">${esc(Array.from(c.name)[0] ?? '?')}</div><div class="who"><h2>${esc(c.name)}<span class="id">${esc(c.customerId)}</span>${preferences}</h2>${c.note ? `<p class="note">${esc(c.note)}</p>` : ''}<div class="facts">${facts.join('')}</div></div>`;
}

/**
 * @param {UnsentView} u
 * @returns {Card}
 */
function unsentItem(u) {
  return {
    cls: 'unsent-item',
    main: `${statusChip(u.status)} <strong>${esc(u.template ?? '(no template)')}</strong> · ${esc(u.summary)}${timing(u.requestId, u.timing)}`,
    meta: `<div class="msg-meta">${esc(u.requestId)}${timeline(u.timeline)}${decision(u.decision)}</div>`,
  };
}

/** @param {CustomerView} customer */
function skeleton(customer) {
  const section = document.createElement('section');
  section.className = 'customer';
  section.dataset.customer = customer.customerId;
  section.innerHTML = `<div class="customer-head"></div><div class="unsent list-unsent"></div>
<div class="devices">
  <div><div class="device-label">Phone · push and SMS</div><div class="phone"><div class="clock"></div>
    <div class="section">Notifications</div><div class="list-push" data-channel="push"></div>
    <div class="section">Messages</div><div class="sms-thread list-sms" data-channel="sms"></div></div></div>
  <div><div class="device-label">Email inbox</div><div class="mail"><div class="mail-top"></div><div class="list-email" data-channel="email"></div></div></div>
  <div><div class="device-label">Fernhill app · inbox</div><div class="app-frame"><div class="app-top"></div><div class="list-in_app" data-channel="in_app"></div></div></div>
</div>`;
  return section;
}

/**
 * @param {HTMLElement} element
 * @param {string} html
 */
function setHtml(element, html) {
  if (element.dataset.html !== html) {
    element.innerHTML = html;
    element.dataset.html = html;
  }
}

/**
 * Keeps one element per key; new items (always the newest) go on top, existing ones stay put.
 * @template {{ requestId: string, channel?: string, status: string }} T
 * @param {HTMLElement} list
 * @param {T[]} items
 * @param {(item: T) => string} keyOf
 * @param {(item: T) => Card} render
 * @param {string} empty
 */
function reconcile(list, items, keyOf, render, empty) {
  const wanted = new Set(items.map(keyOf));
  for (const child of [.../** @type {HTMLCollectionOf<HTMLElement>} */ (list.children)]) if (child.dataset.key && !wanted.has(child.dataset.key)) child.remove();
  for (const item of [...items].reverse()) {
    const key = keyOf(item);
    let node = /** @type {HTMLElement | null} */ (list.querySelector(`:scope > [data-key="${CSS.escape(key)}"]`));
    const view = render(item);
    if (!node) {
      node = document.createElement('article');
      node.dataset.key = key;
      node.innerHTML = '<div class="part-main"></div><div class="part-body"></div><div class="part-meta"></div>';
      list.prepend(node);
    }
    node.className = view.cls;
    node.dataset.requestId = item.requestId;
    node.dataset.channel = item.channel ?? '';
    node.dataset.status = item.status;
    setHtml(part(node, '.part-main'), view.main);
    setHtml(part(node, '.part-meta'), view.meta);
    const body = part(node, '.part-body');
    if (view.body !== undefined && body.dataset.html !== view.body) {
      body.dataset.html = view.body;
      const frame = document.createElement('iframe');
      frame.setAttribute('sandbox', '');
      frame.title = 'email body';
      frame.srcdoc = view.body;
      body.replaceChildren(frame);
    }
  }
  let placeholder = list.querySelector(':scope > .none');
  if (items.length === 0 && !placeholder) {
    placeholder = document.createElement('div');
    placeholder.className = 'none';
    placeholder.textContent = empty;
    list.append(placeholder);
  } else if (items.length > 0 && placeholder) placeholder.remove();
}

/**
 * @param {HTMLElement} section
 * @param {CustomerView} c
 */
function renderCustomer(section, c) {
  setHtml(part(section, '.customer-head'), customerHead(c));
  part(section, '.clock').textContent = c.localTime ?? '';
  const email = c.addresses.find((a) => a.label === 'email');
  setHtml(
    part(section, '.mail-top'),
    `<span>${email ? esc(email.value) : 'no email address'}</span><span>${c.channels.email.length} message${c.channels.email.length === 1 ? '' : 's'}</span>`,
  );
  const unread = c.channels.in_app.filter((m) => m.content?.status === 'unread').length;
  setHtml(part(section, '.app-top'), `<span>Fernhill · Inbox</span>${unread ? `<span class="badge">${unread}</span>` : ''}`);
  for (const channel of /** @type {const} */ (['push', 'sms', 'email', 'in_app'])) renderChannel(section, c, channel);
  reconcile(part(section, '.list-unsent'), c.unsent, (u) => u.requestId, unsentItem, '');
}

/**
 * One channel's list in a customer's section.
 * @template {Channel} C
 * @param {HTMLElement} section
 * @param {CustomerView} c
 * @param {C} channel
 */
function renderChannel(section, c, channel) {
  /** @type {(message: MessageView<C>, customer: CustomerView) => Card} */
  const renderer = renderers[channel];
  reconcile(
    part(section, `.list-${channel}`),
    c.channels[channel],
    (m) => `${m.requestId}|${m.channel}`,
    (m) => renderer(m, c),
    `No ${CHANNEL_NAMES[channel]} messages`,
  );
}

/**
 * One count per request: its status where it was delivered, FAILED only when every attempt failed.
 * @param {OutboxView} view
 */
function renderCounts(view) {
  /** @type {Map<string, string>} */
  const byRequest = new Map();
  for (const c of view.customers) {
    for (const list of [...Object.values(c.channels), c.unsent]) {
      for (const m of list) if (!byRequest.has(m.requestId) || !m.attempt) byRequest.set(m.requestId, m.status);
    }
  }
  /** @type {Record<string, number>} */
  const tally = {};
  for (const status of byRequest.values()) tally[status] = (tally[status] ?? 0) + 1;
  byId('counts').innerHTML = Object.entries(tally)
    .map(([status, n]) => `<span class="chip">${esc(status)} ${n}</span>`)
    .join('');
}

/** @param {OutboxView} view */
function render(view) {
  const main = byId('customers');
  if (main.querySelector('.empty')) main.replaceChildren();
  for (const c of view.customers) {
    /** @type {HTMLElement | null} */
    let section = main.querySelector(`:scope > [data-customer="${CSS.escape(c.customerId)}"]`);
    if (!section) {
      section = skeleton(c);
      main.append(section);
    }
    renderCustomer(section, c);
  }
  byId('others-section').hidden = view.others.length === 0;
  reconcile(byId('others'), view.others, (u) => u.requestId, unsentItem, '');
  renderCounts(view);
  byId('updated').textContent = `Updated ${clock(view.generatedAt)}.`;
  tick();
}

/**
 * What an event says besides its type: the status it left, the channel, and its reason codes.
 * @param {StatusDetail} d
 */
function eventFacts(d) {
  const codes = [
    ...d.reasons.excluded.map((e) => `${CHANNEL_NAMES[e.channel]} ${e.reason}`),
    ...d.reasons.errors.map((e) => `${CHANNEL_NAMES[e.channel]} ${e.code}`),
    ...(d.reasons.timing ? [d.reasons.timing] : []),
  ];
  return [
    d.previousStatus ? `from ${d.previousStatus}` : '',
    d.channel ? `on ${CHANNEL_NAMES[d.channel]}` : '',
    d.deferredUntil ? `until ${clock(d.deferredUntil)}` : '',
    codes.length > 0 ? codes.join(', ') : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** @param {BusEvent} event */
function eventItem(event) {
  const d = event.detail;
  const item = document.createElement('li');
  Object.assign(item.dataset, { id: event.id, detailType: event['detail-type'], requestId: d.requestId, eventId: d.eventId, at: d.at });
  item.innerHTML = `<div class="event-line"><span class="status ${esc(d.status)}">${esc(event['detail-type'])}</span> <span class="when">${esc(clock(d.at))}</span> <code>${esc(d.requestId)}</code> · ${esc(d.customerId || '(no customer)')}${d.template ? ` · ${esc(d.template)}` : ''}</div><div class="event-facts">${esc(eventFacts(d))}</div><details><summary>as delivered</summary><pre>${esc(JSON.stringify(event, null, 2))}</pre></details>`;
  return item;
}

/**
 * Newest first. Events never change, so each keeps its element (and an opened "as delivered");
 * the new ones go on top.
 * @param {EventsView} view
 */
function renderEvents(view) {
  const list = byId('events');
  byId('events-count').textContent = view.total > 0 ? String(view.total) : '';
  byId('events-file').textContent = view.file ? `Also in ${view.file}.` : '';
  list.querySelector(':scope > .none')?.remove();
  view.events.forEach((event, i) => {
    const at = /** @type {HTMLElement | undefined} */ (list.children[i]);
    if (at?.dataset.id === event.id) return;
    list.insertBefore(eventItem(event), at ?? null);
  });
  while (list.children.length > view.events.length) list.lastElementChild?.remove();
  if (view.events.length === 0) list.innerHTML = '<li class="none">No events yet</li>';
}

async function refresh() {
  const live = byId('live');
  try {
    const [{ ok, body }, events] = await Promise.all([api('/api/outbox'), api('/api/events')]);
    if (!ok) throw new Error(body.message);
    if (!events.ok) throw new Error(events.body.message);
    render(body);
    renderEvents(events.body);
    live.textContent = '● live';
    live.classList.remove('off');
  } catch {
    live.textContent = '● disconnected';
    live.classList.add('off');
  }
}

async function poll() {
  await refresh();
  setTimeout(poll, POLL_MS);
}

// ---- actions -------------------------------------------------------------------------------

document.addEventListener('click', async (event) => {
  const clicked = /** @type {Element} */ (event.target);
  const target = /** @type {HTMLButtonElement | null} */ (clicked.closest('button[data-url]'));
  if (!target) return;
  target.disabled = true;
  const { ok, body } = await api(/** @type {string} */ (target.dataset.url), { method: 'POST' });
  if (!ok) alert(body.message ?? body.title ?? `failed (${target.dataset.action})`);
  await refresh();
  target.disabled = false;
});

byId('replay').addEventListener('click', async () => {
  await api('/api/demo', { method: 'POST' });
  await refresh();
});

/** @type {Examples | undefined} */
let examples;
async function loadExamples() {
  if (examples) return examples;
  examples = /** @type {Examples} */ ((await api('/api/templates')).body);
  byId('compose-template').innerHTML = examples.templates.map((t) => `<option value="${esc(t.id)}">${esc(t.id)} (${esc(t.category)})</option>`).join('');
  byId('compose-customer').innerHTML = examples.customers.map((c) => `<option value="${esc(c.id)}">${esc(c.id)} ${esc(c.name)} — ${esc(c.note)}</option>`).join('');
  return examples;
}

function fillExample() {
  const template = examples?.templates.find((t) => t.id === field('compose-template').value);
  if (!template) return;
  const request = { ...template.example, customerId: field('compose-customer').value, requestId: `manual-${template.id}-${Date.now().toString(36)}` };
  field('compose-body').value = JSON.stringify(request, null, 2);
}

byId('toggle-form').addEventListener('click', async () => {
  const panel = byId('compose');
  panel.hidden = !panel.hidden;
  if (!panel.hidden && !field('compose-body').value) {
    await loadExamples();
    fillExample();
  }
});
byId('compose-fill').addEventListener('click', fillExample);
byId('compose-template').addEventListener('change', fillExample);

byId('compose-send').addEventListener('click', async () => {
  const result = byId('compose-result');
  const problems = byId('compose-problems');
  problems.innerHTML = '';
  const { ok, body } = await api('/api/requests', { method: 'POST', body: field('compose-body').value });
  if (ok) {
    result.textContent = `Queued ${body.requestId}`;
    result.className = 'ok';
    await refresh();
  } else {
    result.textContent = 'Not queued:';
    result.className = '';
    /** @type {{ path: string, message: string }[]} */
    const listed = body.problems ?? [{ path: '', message: body.message }];
    problems.innerHTML = listed.map((p) => `<li><code>${esc(p.path || '(request)')}</code> ${esc(p.message)}</li>`).join('');
  }
});

async function showFaults() {
  byId('faults-state').textContent = JSON.stringify((await api('/api/sandbox/faults')).body, null, 2);
}
byId('toggle-faults').addEventListener('click', async () => {
  const panel = byId('faults');
  panel.hidden = !panel.hidden;
  if (!panel.hidden) await showFaults();
});
for (const b of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('button[data-fault]'))) {
  b.addEventListener('click', async () => {
    await api('/api/sandbox/faults', { method: 'POST', body: b.dataset.fault });
    await showFaults();
  });
}
byId('faults-reset').addEventListener('click', async () => {
  await api('/api/sandbox/faults', { method: 'DELETE' });
  await showFaults();
});

poll();
setInterval(tick, 1000);
