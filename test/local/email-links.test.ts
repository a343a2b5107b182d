import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningLocalMode, startLocalMode as startLocal } from '../support/local-mode.js';

interface EmailView {
  html: string;
  text: string;
  unsubscribe?: string;
}
interface Outbox {
  customers: { customerId: string; channels: { email: { template?: string; category?: string; content?: EmailView }[] } }[];
}

let local: RunningLocalMode | undefined;
let outboxUrl = '';

async function startLocalMode(): Promise<void> {
  local = await startLocal();
  outboxUrl = local.outboxUrl;
}

/** The demo's marketing email to Julien (back in stock), once it has been sent. */
function marketingEmail(): Promise<EmailView> {
  return vi.waitFor(
    async () => {
      const outbox = (await (await fetch(`${outboxUrl}/api/outbox`)).json()) as Outbox;
      const email = outbox.customers.find((c) => c.customerId === 'c-3003')?.channels.email.find((m) => m.category === 'marketing' && m.content?.html);
      if (!email?.content) throw new Error('the marketing email has not been sent yet');
      return email.content;
    },
    { timeout: 30_000, interval: 200 },
  );
}

const hrefs = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => (m[1] as string).replace(/&amp;/g, '&'));

beforeAll(startLocalMode, 90_000);
afterAll(async () => {
  await local?.stop();
});

describe('the links in a local marketing email', () => {
  it('sign the footer’s preference and unsubscribe links with the run’s own key, and both open their pages', { timeout: 60_000 }, async () => {
    const email = await marketingEmail();
    const preferences = hrefs(email.html).find((href) => href.startsWith(`${outboxUrl}/preference-centre?token=local-1.`));
    const unsubscribe = hrefs(email.html).find((href) => href.startsWith(`${outboxUrl}/unsubscribe?token=local-1.`));
    expect(preferences).toBeDefined();
    expect(unsubscribe).toBeDefined();
    // The text part carries the same links.
    expect(email.text).toContain(preferences);

    const page = await fetch(preferences as string, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const confirm = await fetch(unsubscribe as string, { headers: { accept: 'text/html' } });
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(email.unsubscribe).toMatch(new RegExp(`^${outboxUrl}/unsubscribe\\?token=local-1\\.`));
  });

  it('refuses a link whose signature was changed', { timeout: 30_000 }, async () => {
    const email = await marketingEmail();
    const unsubscribe = hrefs(email.html).find((href) => href.includes('/unsubscribe?token=')) as string;
    const forged = `${unsubscribe.slice(0, -3)}${unsubscribe.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const answer = await fetch(forged, { headers: { accept: 'application/json' } });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('INVALID_TOKEN');
  });
});
