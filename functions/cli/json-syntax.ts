/** Where JSON text first breaks the grammar, and how; line and column count from 1. */
export interface JsonSyntaxError {
  line: number;
  column: number;
  message: string;
}

type Expect = 'value' | 'firstValue' | 'nextValue' | 'firstKey' | 'nextKey' | 'colon' | 'after';

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'];
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/**
 * The first place `text` is not JSON (RFC 8259), found by walking its grammar: `JSON.parse`
 * says that a file is broken but not, in every Node version, where. Undefined for valid JSON.
 * Nesting is kept on an explicit stack, so a deeply nested file cannot overflow the call stack.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const found = scan(text);
  return found && { ...position(text, found.offset), message: found.message };
}

function scan(text: string): { offset: number; message: string } | undefined {
  const stack: ('{' | '[')[] = [];
  let expect: Expect = 'value';
  let i = 0;
  const fail = (offset: number, message: string) => ({ offset, message });
  for (;;) {
    while (i < text.length && WHITESPACE.has(text[i] as string)) i++;
    if (i >= text.length) return expect === 'after' && stack.length === 0 ? undefined : fail(i, `the text ends where ${expected(expect, stack)} should be`);
    const c = text[i] as string;
    switch (expect) {
      case 'value':
      case 'firstValue':
      case 'nextValue': {
        if (c === ']' && expect !== 'value') {
          if (expect === 'nextValue') return fail(i, 'a comma must be followed by another element (no trailing comma)');
          stack.pop();
          i++;
          expect = 'after';
          break;
        }
        if (c === '{' || c === '[') {
          stack.push(c);
          i++;
          expect = c === '{' ? 'firstKey' : 'firstValue';
          break;
        }
        const end = c === '"' ? stringEnd(text, i) : c === '-' || isDigit(c) ? numberEnd(text, i) : literalEnd(text, i);
        if (typeof end !== 'number') return end;
        i = end;
        expect = 'after';
        break;
      }
      case 'firstKey':
      case 'nextKey': {
        if (c === '}') {
          if (expect === 'nextKey') return fail(i, 'a comma must be followed by another property (no trailing comma)');
          stack.pop();
          i++;
          expect = 'after';
          break;
        }
        if (c !== '"') return fail(i, `expected a property name in double quotes, found ${shown(text, i)}`);
        const end = stringEnd(text, i);
        if (typeof end !== 'number') return end;
        i = end;
        expect = 'colon';
        break;
      }
      case 'colon':
        if (c !== ':') return fail(i, `expected ':' after the property name, found ${shown(text, i)}`);
        i++;
        expect = 'value';
        break;
      case 'after': {
        const open = stack.at(-1);
        if (open === undefined) return fail(i, `unexpected ${shown(text, i)} after the end of the JSON value`);
        const close = open === '{' ? '}' : ']';
        if (c === ',') expect = open === '{' ? 'nextKey' : 'nextValue';
        else if (c === close) stack.pop();
        else return fail(i, `expected ',' or '${close}', found ${shown(text, i)}`);
        i++;
        break;
      }
    }
  }
}

function expected(expect: Expect, stack: readonly string[]): string {
  switch (expect) {
    case 'value':
    case 'nextValue':
      return 'a value';
    case 'firstValue':
      return "a value or ']'";
    case 'nextKey':
      return 'a property name';
    case 'firstKey':
      return "a property name or '}'";
    case 'colon':
      return "':'";
    case 'after':
      return `',' or '${stack.at(-1) === '{' ? '}' : ']'}'`;
  }
}

function stringEnd(text: string, start: number): number | { offset: number; message: string } {
  let j = start + 1;
  for (;;) {
    if (j >= text.length) return { offset: start, message: 'this string is never closed' };
    const c = text[j] as string;
    if (c === '"') return j + 1;
    if (c === '\\') {
      const next = text[j + 1] ?? '';
      if (next === 'u') {
        if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(j + 2, j + 6))) return { offset: j, message: 'a \\u escape needs four hexadecimal digits' };
        j += 6;
        continue;
      }
      if (!ESCAPES.has(next)) return { offset: j, message: `\\${next} is not an escape JSON knows` };
      j += 2;
      continue;
    }
    if (c < ' ') return { offset: j, message: 'a control character (such as a line break) inside a string must be escaped' };
    j++;
  }
}

function numberEnd(text: string, start: number): number | { offset: number; message: string } {
  NUMBER.lastIndex = start;
  const match = NUMBER.exec(text);
  const end = start + (match?.[0].length ?? 0);
  if (!match || /[0-9.eE+-]/.test(text[end] ?? '')) return { offset: start, message: 'not a JSON number' };
  return end;
}

function literalEnd(text: string, start: number): number | { offset: number; message: string } {
  const literal = LITERALS.find((word) => text.startsWith(word, start));
  return literal ? start + literal.length : { offset: start, message: `expected a value, found ${shown(text, start)}` };
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** The character at `i` as a reader would name it. */
function shown(text: string, i: number): string {
  const code = text.codePointAt(i) ?? 0;
  const char = String.fromCodePoint(code);
  return code < 0x20 || code === 0x7f ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `'${char}'`;
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset; k++) {
    if (text[k] === '\n') {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: [...text.slice(lineStart, offset)].length + 1 };
}
