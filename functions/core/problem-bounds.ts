import type * as z from 'zod';
import type { Problem } from './model.js';

/**
 * A problem list is stored on a REJECTED delivery record and returned by the APIs, so hostile
 * input must not be able to grow it: at most MAX_PROBLEMS problems plus one saying how many more
 * there were, each path and message at most MAX_PROBLEM_TEXT characters. That keeps a list
 * under about 26 KB of UTF-8, far below DynamoDB's 400 KB item limit.
 */
export const MAX_PROBLEMS = 20;
export const MAX_PROBLEM_TEXT = 200;
/** Unknown field names are quoted up to this length, and at most MAX_LISTED_FIELDS of them. */
export const MAX_FIELD_NAME = 40;
export const MAX_LISTED_FIELDS = 10;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** Well-formed UTF-16: no surrogate without its partner, which UTF-8 storage cannot represent. */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/**
 * At most `max` characters, an ellipsis marking a cut, and lone surrogates (from the input or from
 * cutting a pair in half) replaced, so the text is safe to store, log and serialise.
 */
export function clipText(text: string, max = MAX_PROBLEM_TEXT): string {
  const clipped = text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
  return clipped.replace(LONE_SURROGATES, '\uFFFD');
}

/**
 * At most MAX_PROBLEMS + 1 problems, clipped: a longer list keeps its first MAX_PROBLEMS and one
 * more that counts the rest. Bounding a bounded list changes nothing.
 */
export function boundProblems(problems: readonly Problem[]): Problem[] {
  const clip = (p: Problem) => ({ path: clipText(p.path), message: clipText(p.message) });
  if (problems.length <= MAX_PROBLEMS + 1) return problems.map(clip);
  const rest = problems.length - MAX_PROBLEMS;
  return [...problems.slice(0, MAX_PROBLEMS).map(clip), { path: '', message: `and ${rest} more problems` }];
}

/** A zod error as a bounded problem list, each problem with its dotted path. */
export function problemsOf(error: z.ZodError): Problem[] {
  return boundProblems(
    error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.code === 'unrecognized_keys' ? unknownFields(issue.keys) : issue.message,
    })),
  );
}

/** Names the unknown fields so a typo never passes silently, without echoing a huge key back. */
function unknownFields(keys: readonly string[]): string {
  const named = keys.slice(0, MAX_LISTED_FIELDS).map((key) => clipText(key, MAX_FIELD_NAME));
  const more = keys.length - named.length;
  return `unknown field(s): ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
