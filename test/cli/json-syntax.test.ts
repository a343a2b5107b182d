import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseJsonInput } from '../../functions/cli/files.js';
import { findJsonSyntaxError } from '../../functions/cli/json-syntax.js';

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** Valid JSON, sometimes with one character cut, doubled or replaced by JSON punctuation. */
const jsonish = fc
  .record({
    text: fc.json({ maxDepth: 4 }).map((text) => (text.length > 2 ? JSON.stringify(JSON.parse(text), null, 2) : text)),
    at: fc.nat(),
    edit: fc.constantFrom('none', 'cut', 'double', ...'{}[],:"\\ 0-.eE\n\t'.split('').map((c) => `put${c}`)),
  })
  .map(({ text, at, edit }) => {
    const i = text.length === 0 ? 0 : at % text.length;
    if (edit === 'none') return text;
    if (edit === 'cut') return text.slice(0, i) + text.slice(i + 1);
    if (edit === 'double') return text.slice(0, i + 1) + text.slice(i);
    return text.slice(0, i) + edit.slice(3) + text.slice(i + 1);
  });

describe('findJsonSyntaxError', () => {
  test.prop([fc.oneof(jsonish, fc.string({ maxLength: 40 }))], { numRuns: 600 })('finds a problem exactly when JSON.parse refuses the text', (text) => {
    expect(findJsonSyntaxError(text) === undefined).toBe(parses(text));
  });

  it.each([
    ['{"a": 1,}', 1, 9, 'a comma must be followed by another property (no trailing comma)'],
    ['[1, 2,]', 1, 7, 'a comma must be followed by another element (no trailing comma)'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ',' or '}', found '\"'"],
    ["{ 'a': 1 }", 1, 3, "expected a property name in double quotes, found '''"],
    ['{"a" 1}', 1, 6, "expected ':' after the property name, found '1'"],
    ['{"a": tru}', 1, 7, "expected a value, found 't'"],
    ['{"a": 01}', 1, 7, 'not a JSON number'],
    ['"tab\there"', 1, 5, 'a control character (such as a line break) inside a string must be escaped'],
    ['"\\x"', 1, 2, '\\x is not an escape JSON knows'],
    ['{"a": "open', 1, 7, 'this string is never closed'],
    ['{"a": [1, 2', 1, 12, "the text ends where ',' or ']' should be"],
    ['', 1, 1, 'the text ends where a value should be'],
    ['{} {}', 1, 4, "unexpected '{' after the end of the JSON value"],
    ['{"ü": "ö" x}', 1, 11, "expected ',' or '}', found 'x'"],
  ])('%j: line %i, column %i: %s', (text, line, column, message) => {
    expect(findJsonSyntaxError(text)).toEqual({ line, column, message });
  });

  it('walks any depth without overflowing the call stack', () => {
    expect(findJsonSyntaxError(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBeUndefined();
    expect(findJsonSyntaxError(`${'['.repeat(100_000)}}`)?.column).toBe(100_001);
  });
});

describe('parseJsonInput', () => {
  it('names the file, the line and the column', () => {
    expect(() => parseJsonInput('{\n  "a": 1,\n}', 'request.json')).toThrow(
      'request.json is not valid JSON: line 3, column 1: a comma must be followed by another property (no trailing comma)',
    );
    expect(() => parseJsonInput('[', '-')).toThrow("standard input is not valid JSON: line 1, column 2: the text ends where a value or ']' should be");
  });

  it('reads a file that starts with a byte order mark', () => {
    expect(parseJsonInput('\uFEFF{"a": 1}', 'bom.json')).toEqual({ a: 1 });
  });
});
