import { describe, expect, it } from 'vitest';
import { RenderError } from '../../functions/core/errors.js';
import { Renderer, type RenderScope } from '../../functions/core/render/index.js';
import type { CompiledTemplate } from '../../functions/core/templates.js';

const renderer = new Renderer({ appScheme: 'switchboard' });

function email(body: string): CompiledTemplate {
  return {
    manifest: { id: 'links', description: 'links', category: 'marketing', topic: 'promotions', channels: ['email'], variables: [], sampleData: {} },
    parts: { 'email.subject': { default: 'Hello' }, 'email.html': { default: `<html><body>${body}</body></html>` } },
  };
}

function scope(data: Record<string, unknown>): RenderScope {
  return { customer: { id: 'c-1' }, data, context: { locale: 'en', sessionActive: false }, channel: 'email' };
}

async function problemsOf(body: string, data: Record<string, unknown> = {}): Promise<string[]> {
  const error = await renderer.render(email(body), 'email', scope(data), 'en').then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RenderError);
  return (error as RenderError).problems;
}

const link = '<a href="{{ data.url }}">Your cart</a>';

describe('links and images in an email', () => {
  it('refuses a javascript: link from request data, naming the part, the link and the scheme', async () => {
    expect(await problemsOf(link, { url: 'javascript:alert(document.cookie)' })).toEqual([
      'links [email/default] email.mjml: href "javascript:alert(document.cookie)" uses javascript:, but an email may only link to https:, http:, mailto:, tel:, switchboard:',
    ]);
  });

  it.each([
    ['a scheme in capitals', link, 'JavaScript:alert(1)'],
    ['leading blanks', link, ' \u0001javascript:alert(1)'],
    ['a tab inside the scheme', link, 'java\tscript:alert(1)'],
    ['a newline inside the scheme', link, 'java\nscript:alert(1)'],
    ['vbscript', link, 'vbscript:msgbox(1)'],
    ['a data: document', link, 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='],
    ['an image source', '<img src="{{ data.url }}" alt="">', 'javascript:alert(1)'],
    ['a single-quoted attribute', "<a href='{{ data.url }}'>x</a>", 'javascript:alert(1)'],
    ['an unquoted attribute', '<a href={{ data.url }}>x</a>', 'javascript:alert(1)'],
    ['a table background', '<td background="{{ data.url }}">x</td>', 'javascript:alert(1)'],
    ['a scheme built from two values', '<a href="{{ data.scheme }}:{{ data.url }}">x</a>', 'alert(1)'],
  ])('refuses it with %s', async (_case, body, url) => {
    const problems = await problemsOf(body, { url, scheme: 'javascript' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^links \[email\/default\] email\.mjml: (href|src|background) ".*" uses (javascript|vbscript|data):/);
  });

  it('reads character references in the markup as a browser does', async () => {
    expect((await problemsOf('<a href="&#106;ava&#x73;cript&colon;alert(1)">x</a>'))[0]).toMatch(/uses javascript:/);
  });

  it('lists a few unsafe links and counts the rest', async () => {
    const problems = await problemsOf('{% for url in data.urls %}<a href="{{ url }}">x</a>{% endfor %}', { urls: Array.from({ length: 10 }, (_, i) => `javascript:alert(${i})`) });
    expect(problems).toHaveLength(4);
    expect(problems[3]).toBe('links [email/default] email.mjml: and 7 more links like these');
  });

  it('lets through https, http, mailto, tel, the app scheme and addresses without a scheme', async () => {
    const urls = [
      'https://fernhill.example/cart?a=1',
      'HTTP://fernhill.example/cart',
      'mailto:help@fernhill.example',
      'tel:+4930123456',
      'switchboard://cart',
      '/cart',
      '#top',
      '?ref=mail',
      'offers/winter:sale',
    ];
    const body = '{% for url in data.urls %}<a href="{{ url }}"><img src="{{ url }}" alt=""></a>{% endfor %}';
    const rendered = await renderer.render(email(body), 'email', scope({ urls }), 'en');
    for (const url of urls) expect(rendered.html).toContain(`<a href="${url}"><img src="${url}" alt=""></a>`);
  });

  it('leaves text that merely mentions a scheme alone, and a data value whose references were escaped', async () => {
    const rendered = await renderer.render(
      email('<p>{{ data.note }}</p><a href="{{ data.url }}">x</a>'),
      'email',
      scope({ note: 'Tip: javascript: links are blocked', url: 'javascript&#58;alert(1)' }),
      'en',
    );
    expect(rendered.html).toContain('<p>Tip: javascript: links are blocked</p>');
    expect(rendered.html).toContain('href="javascript&amp;#58;alert(1)"');
  });
});
