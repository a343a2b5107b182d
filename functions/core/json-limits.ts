/** Where a value breaks a JSON limit (path relative to the value) and how. */
export interface JsonLimitBreach {
  path: string[];
  message: string;
}

export interface JsonLimits {
  /** The value itself is level 1. */
  maxDepth: number;
  maxBytes: number;
}

interface Frame {
  value: unknown;
  depth: number;
  key?: string;
  parent?: Frame;
}

/**
 * Checks depth first, without recursion: a value nested thousands deep overflows the stack of
 * JSON.stringify and of any recursive walk, and a cycle is simply too deep. Only a value of
 * bounded depth and bounded count is then serialised to measure its UTF-8 size.
 */
export function checkJsonLimits(value: unknown, limits: JsonLimits): JsonLimitBreach | undefined {
  const tooLarge = { path: [], message: `must be at most ${limits.maxBytes} bytes as JSON` };
  const stack: Frame[] = [{ value, depth: 1 }];
  // Every value takes at least one byte of JSON, so more values than bytes is too large already;
  // this also bounds the walk over a value that shares one object many times.
  let seen = 1;
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    if (typeof frame.value !== 'object' || frame.value === null) continue;
    if (frame.depth > limits.maxDepth) return { path: pathOf(frame), message: `nests deeper than ${limits.maxDepth} levels` };
    const container = frame.value as Record<string, unknown>;
    const keys = Object.keys(container);
    seen += keys.length;
    if (seen > limits.maxBytes) return tooLarge;
    for (const key of keys) stack.push({ value: container[key], depth: frame.depth + 1, key, parent: frame });
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return { path: [], message: 'must be plain JSON: objects, arrays, strings, numbers, booleans and null' };
  }
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JSON.stringify gives undefined for undefined, a function or a symbol, whatever its type says.
  return text !== undefined && Buffer.byteLength(text, 'utf8') > limits.maxBytes ? tooLarge : undefined;
}

function pathOf(frame: Frame): string[] {
  const path: string[] = [];
  for (let at: Frame | undefined = frame; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}
