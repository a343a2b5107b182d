import { compile } from 'html-to-text';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_TEXT_OPTIONS, emailText } from '../../functions/core/render/email.js';
import { Renderer, sampleScope } from '../../functions/core/render/index.js';
import type { TemplateBundle } from '../../functions/core/templates.js';
import { DEFAULT_TEMPLATES_DIR, loadTemplateFolder } from '../../functions/template-compiler/index.js';

let bundle: TemplateBundle;
beforeAll(async () => {
  ({ bundle } = await loadTemplateFolder(DEFAULT_TEMPLATES_DIR));
});

describe('the email text part', () => {
  it('reads the same as converting the whole document, for every template and translation', () => {
    const renderer = new Renderer();
    const wholeDocument = compile(EMAIL_TEXT_OPTIONS);
    let compared = 0;
    for (const template of Object.values(bundle.templates)) {
      for (const locale of Object.keys(template.parts['email.html'] ?? {})) {
        const html = renderer.engineFor('email.html').parseAndRenderSync(template.parts['email.html']?.[locale] ?? '', sampleScope(template, 'email', locale));
        expect(html).toMatch(/<head[\s\S]*<!--/);
        expect(emailText(html), `${template.manifest.id}/${locale}`).toBe(wholeDocument(html).replace(/\n{3,}/g, '\n\n').trim());
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(6);
  });

  it('leaves out what only mail clients read: the head and conditional comments', () => {
    const html = '<html><head><title>Secret title</title><style>p{color:red}</style></head><body><!--[if mso]><p>Outlook only</p><![endif]--><p>Hello Lena</p></body></html>';
    expect(emailText(html)).toBe('Hello Lena');
  });
});
