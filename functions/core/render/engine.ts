import { Liquid, type FilterImplOptions } from 'liquidjs';

type FilterHandler = Extract<FilterImplOptions, (...args: never[]) => unknown>;

/**
 * Limits that keep one template from hanging or exhausting a Lambda. Parse: characters per
 * template; render: milliseconds per part, and per message across all parts of one channel, so a
 * loop bounded by request data cannot cost more than `messageRenderMs` whatever the part count;
 * memory: liquidjs allocation units (ranges, joins).
 */
export const LIQUID_LIMITS = { parseChars: 1_000_000, renderMs: 500, messageRenderMs: 1_000, memory: 10_000_000 } as const;

/** The render time each part of a channel's message may take: its share of the message budget. */
export function partRenderLimitMs(partCount: number): number {
  return Math.min(LIQUID_LIMITS.renderMs, Math.floor(LIQUID_LIMITS.messageRenderMs / Math.max(1, partCount)));
}

/** Templates are self-contained: tags that would load other files are removed, not sandboxed. */
const FILE_TAGS = ['include', 'render', 'layout'] as const;

/**
 * The Liquid engine every template renders with. Strict: an undefined variable or filter is an
 * error, except inside `if`/`unless` and `default`, where an absent optional value is false.
 * With `html`, every output is HTML-escaped and `raw` is gone, so request data can never inject
 * markup into an email. With `output`, every output passes through it instead, again without `raw`.
 */
export function createLiquidEngine(options: { html: boolean; output?: (value: unknown) => string }): Liquid {
  const outputEscape = options.html ? ('escape' as const) : options.output;
  const engine = new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    lenientIf: true,
    parseLimit: LIQUID_LIMITS.parseChars,
    renderLimit: LIQUID_LIMITS.renderMs,
    memoryLimit: LIQUID_LIMITS.memory,
    // An in-memory map with nothing in it: no lookup can reach the file system.
    templates: {},
    // Output must not depend on the host: dates in UTC, English names unless the copy says otherwise.
    timezoneOffset: 0,
    locale: 'en-US',
    ...(outputEscape !== undefined ? { outputEscape } : {}),
  });
  for (const tag of FILE_TAGS) delete engine.tags[tag];
  if (outputEscape !== undefined) engine.unregisterFilter('raw');
  forbidClockInDates(engine);
  return engine;
}

/** Distinct date × format results kept per engine; a day's sends reuse a handful of dates. */
const DATE_CACHE_SIZE = 1_000;

/**
 * `"now" | date` would read the clock and make a render unrepeatable: dates come in `data`.
 * Without the clock the filter is pure for an engine (fixed locale and time zone), so results
 * are cached: liquidjs builds a new Intl.DateTimeFormat for every month or weekday name, which
 * costs more than the rest of a render.
 */
function forbidClockInDates(engine: Liquid): void {
  const registered = engine.filters['date'];
  if (typeof registered !== 'function') return;
  // liquidjs types a filter's value, arguments and result as `any`.
  const original: (this: ThisParameterType<FilterHandler>, value: unknown, ...args: unknown[]) => unknown = registered;
  const cache = new Map<string, unknown>();
  const guarded: FilterHandler = function (value: unknown, ...args: unknown[]) {
    if (value === 'now' || value === 'today') {
      throw new Error(`the date filter cannot use "${value}": pass the date in data`);
    }
    const key = cacheKey(value, args);
    if (key === undefined) return original.call(this, value, ...args);
    if (cache.has(key)) return cache.get(key);
    const result = original.call(this, value, ...args);
    if (cache.size >= DATE_CACHE_SIZE) cache.clear();
    cache.set(key, result);
    return result;
  };
  engine.registerFilter('date', guarded);
}

/** Only plain strings and numbers make a key: a Date object or a drop could change under us. */
function cacheKey(value: unknown, args: unknown[]): string | undefined {
  const parts = [value, ...args];
  if (!parts.every((part) => typeof part === 'string' || typeof part === 'number' || part === undefined)) return undefined;
  return JSON.stringify(parts);
}
