import { describe, expect, it } from 'vitest';
import { RenderError } from '../../functions/core/errors.js';
import { emailText, Renderer, type RenderScope } from '../../functions/core/render/index.js';
import type { CompiledTemplate } from '../../functions/core/templates.js';

/** Work kept across renders for speed (date results, the text converter) must never change what a render says. */
const smsOnly = (body: string): CompiledTemplate => ({
  manifest: { id: 'reuse', description: 'reuse', category: 'transactional', topic: 'order-updates', channels: ['sms'], variables: [], sampleData: {} },
  parts: { sms: { default: body } },
});

const scope = (data: Record<string, unknown>): RenderScope => ({ customer: { id: 'c-1' }, data, context: { locale: 'en', sessionActive: false }, channel: 'sms' });

describe('date results reused across renders', () => {
  const renderer = new Renderer();

  it('keeps value and format apart', async () => {
    const template = smsOnly('{{ data.on | date: "%A %-d %B" }} / {{ data.on | date: "%d.%m." }}');
    const first = await renderer.render(template, 'sms', scope({ on: '2026-11-26' }), 'en');
    const second = await renderer.render(template, 'sms', scope({ on: '2026-12-01' }), 'en');
    const again = await renderer.render(template, 'sms', scope({ on: '2026-11-26' }), 'en');
    expect(first.body).toBe('Thursday 26 November / 26.11.');
    expect(second.body).toBe('Tuesday 1 December / 01.12.');
    expect(again.body).toBe(first.body);
  });

  it('still refuses the clock after the same format was cached', async () => {
    const template = smsOnly('{{ data.on | date: "%d.%m." }}');
    await renderer.render(template, 'sms', scope({ on: '2026-11-26' }), 'en');
    await expect(renderer.render(template, 'sms', scope({ on: 'now' }), 'en')).rejects.toBeInstanceOf(RenderError);
  });
});

describe('email text part', () => {
  it('converts each email on its own with the shared converter', () => {
    const one = emailText('<html><body><h1>Hello Lena</h1><p>Your <a href="https://fernhill.example/o/1">order</a> shipped.</p></body></html>');
    const two = emailText('<html><body><h1>Hello Jonas</h1><div class="preheader">hidden</div><p>Sorry.</p></body></html>');
    expect(one).toBe('Hello Lena\n\nYour order [https://fernhill.example/o/1] shipped.');
    expect(two).toBe('Hello Jonas\n\nSorry.');
  });
});
