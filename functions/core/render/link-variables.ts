import { LINK_VARIABLES, type LinkVariable } from '../links.js';
import type { Channel } from '../model.js';
import type { CompiledTemplate } from '../templates.js';
import { resolveVariant } from './locale.js';
import { partsOf } from './parts.js';
import type { Renderer } from './renderer.js';
import { usedVariables } from './variables.js';

type Uses = ReadonlySet<LinkVariable>;
const NONE: Uses = new Set();

/**
 * The link variables (`preferences_url`, `unsubscribe_url`) the parts a customer with `locale`
 * gets on `channel` read. Links are signed only for messages that show them, so a message that
 * shows none never waits on the signing keys. Remembered per template, channel and locale.
 */
export class LinkVariableIndex {
  private readonly known = new WeakMap<CompiledTemplate, Map<string, Uses>>();

  constructor(private readonly renderer: Renderer) {}

  used(template: CompiledTemplate, channel: Channel, locale: string): Uses {
    let byVariant = this.known.get(template);
    if (!byVariant) {
      byVariant = new Map();
      this.known.set(template, byVariant);
    }
    const key = `${channel}\u0000${locale}`;
    let uses = byVariant.get(key);
    if (!uses) {
      uses = this.scan(template, channel, locale);
      byVariant.set(key, uses);
    }
    return uses;
  }

  private scan(template: CompiledTemplate, channel: Channel, locale: string): Uses {
    const found = new Set<LinkVariable>();
    for (const part of partsOf(channel)) {
      const variants = template.parts[part];
      const variant = variants ? resolveVariant(variants, locale) : undefined;
      if (variant === undefined) continue;
      let parsed;
      try {
        parsed = this.renderer.parse(template, part, variant);
      } catch {
        // A part that does not parse fails its render with the parser's own message.
        continue;
      }
      for (const used of usedVariables(this.renderer.engineFor(part), parsed)) {
        const name = LINK_VARIABLES.find((variable) => used === variable || used.startsWith(`${variable}.`));
        if (name) found.add(name);
      }
    }
    return found.size === 0 ? NONE : found;
  }
}

/** Link variables a template of this category may use without declaring them. */
export function implicitLinkVariables(category: string): LinkVariable[] {
  return category === 'marketing' ? [...LINK_VARIABLES] : LINK_VARIABLES.filter((name) => name !== 'unsubscribe_url');
}

/**
 * What a real signed link looks like, at its real length (the token of a production link, signed
 * with a sample key), so `templates check` measures SMS segments and push bytes with it.
 */
export const SAMPLE_LINKS = {
  preferences_url:
    'https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/preference-centre?token=k1.eyJwIjoicCIsImMiOiJzYW1wbGUtY3VzdG9tZXIiLCJlIjoxODMwMDgxNjAwfQ.qVqp6dGchmM_835ZXEMQmg',
  unsubscribe_url:
    'https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/unsubscribe?token=k1.eyJwIjoidSIsImMiOiJzYW1wbGUtY3VzdG9tZXIiLCJyIjoic2FtcGxlLXJlcXVlc3QtMjAyNi0xMS0yNCIsInQiOiJwcm9tb3Rpb25zIiwiZSI6MTgzMDA4MTYwMH0.hSn0RrPTbHVM1piW9cFd7w',
} as const satisfies Record<LinkVariable, string>;

export function sampleLinks(category: string): Partial<Record<LinkVariable, string>> {
  return Object.fromEntries(implicitLinkVariables(category).map((name) => [name, SAMPLE_LINKS[name]]));
}
