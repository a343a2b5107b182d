import { compile } from 'html-to-text';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_TEXT_OPTIONS, emailText } from '../../functions/core/render/email.js';
import { Renderer, sampleScope, type RenderScope } from '../../functions/core/render/index.js';
import type { TemplateProblem } from '../../functions/core/render/problems.js';
import type { CompiledTemplate, TemplateBundle } from '../../functions/core/templates.js';
import { checkTemplateFolder, DEFAULT_TEMPLATES_DIR } from '../../functions/template-compiler/index.js';

let bundle: TemplateBundle;
let notes: TemplateProblem[];
beforeAll(async () => {
  ({ bundle, notes } = await checkTemplateFolder(DEFAULT_TEMPLATES_DIR));
});

const emails = (): Array<[CompiledTemplate, string]> =>
  Object.values(bundle.templates).flatMap((template) => Object.keys(template.parts['email.html'] ?? {}).map((locale): [CompiledTemplate, string] => [template, locale]));

describe('the email text part', () => {
  it('reads the same as converting the whole document, for every template and translation', () => {
    const renderer = new Renderer();
    const wholeDocument = compile(EMAIL_TEXT_OPTIONS);
    let compared = 0;
    for (const [template, locale] of emails()) {
      const html = renderer.engineFor('email.html').parseAndRenderSync(template.parts['email.html']?.[locale] ?? '', sampleScope(template, 'email', locale));
      expect(html).toMatch(/<head[\s\S]*<!--/);
      expect(emailText(html), `${template.manifest.id}/${locale}`).toBe(wholeDocument(html).replace(/\n{3,}/g, '\n\n').trim());
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(6);
  });

  it('leaves out what only mail clients read: the head and conditional comments', () => {
    const html = '<html><head><title>Secret title</title><style>p{color:red}</style></head><body><!--[if mso]><p>Outlook only</p><![endif]--><p>Hello Lena</p></body></html>';
    expect(emailText(html)).toBe('Hello Lena');
  });
});

describe('the text part derived at build time', () => {
  it('exists for every email variant of the shipped templates, none left to convert at send time', () => {
    expect(notes).toEqual([]);
    for (const [template, locale] of emails()) expect(template.parts['email.text']?.[locale], `${template.manifest.id}/${locale}`).toBeDefined();
  });

  it('renders exactly what converting the rendered HTML gives, from each sample and from awkward values', async () => {
    const renderer = new Renderer();
    let compared = 0;
    for (const [template, locale] of emails()) {
      const sample = sampleScope(template, 'email', locale);
      for (const scope of [sample, ...awkward(sample)]) {
        let email;
        try {
          email = await renderer.render(template, 'email', scope, locale);
        } catch {
          continue; // a value the template refuses (not a date, say) renders nothing either way
        }
        expect(email.text, `${template.manifest.id}/${locale} ${JSON.stringify(scope.data)}`).toBe(emailText(email.html));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(300);
  });
});

const AWKWARD = ['', ' ', '  Lena  ', 'two\n\twords', '<b>&amp; {{ data.x }} {% if %}</b>', 'mailto:a@b.example', '#top', `long ${'word '.repeat(25)}`];

/** The sample with one value changed at a time: strings, lists emptied or doubled, flags flipped, optional names gone. */
function awkward(sample: RenderScope): RenderScope[] {
  const variants: RenderScope[] = [];
  const visit = (value: unknown, path: Array<string | number>): void => {
    const change = (replacement: unknown): void => {
      const copy = structuredClone({ data: sample.data, customer: sample.customer }) as Record<string, unknown>;
      let target = copy as Record<string | number, unknown>;
      for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
      const last = path[path.length - 1] as string | number;
      if (replacement === undefined) delete target[last];
      else target[last] = replacement;
      variants.push({ ...sample, data: copy['data'] as RenderScope['data'], customer: copy['customer'] as RenderScope['customer'] });
    };
    if (typeof value === 'string') {
      for (const text of AWKWARD) change(text);
      change(undefined);
    } else if (typeof value === 'boolean') change(!value);
    else if (typeof value === 'number') change(value === 1 ? 12 : 1);
    else if (Array.isArray(value)) {
      change([]);
      change([...value, ...value]);
      value.forEach((item, index) => visit(item, [...path, index]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
    }
  };
  visit({ data: sample.data, customer: sample.customer }, []);
  return variants;
}
