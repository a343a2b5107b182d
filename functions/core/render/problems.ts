import { RenderError } from '../errors.js';
import type { Channel } from '../model.js';
import type { LocaleKey, PartName } from '../templates.js';
import { sourceName } from './parts.js';

/** One thing wrong with a template, located as precisely as it is known. */
export interface TemplateProblem {
  template: string;
  channel?: Channel;
  locale?: LocaleKey;
  part?: PartName;
  message: string;
}

/** `cart-reminder [sms/de] sms: undefined variable: data.item, line:1, col:4` (parts by their file name). */
export function formatProblem(problem: TemplateProblem): string {
  const where = [problem.channel, problem.locale].filter((value) => value !== undefined).join('/');
  return [problem.template, where ? `[${where}]` : undefined, problem.part ? `${sourceName(problem.part)}:` : undefined, problem.message]
    .filter((value) => value !== undefined)
    .join(' ');
}

/** A RenderError that keeps its problems structured, so checks can report them field by field. */
export class TemplateRenderError extends RenderError {
  constructor(readonly details: TemplateProblem[]) {
    const lines = details.map(formatProblem);
    super(`cannot render: ${lines[0] ?? 'unknown problem'}${lines.length > 1 ? ` (and ${lines.length - 1} more)` : ''}`, lines);
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
