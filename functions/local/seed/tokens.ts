/**
 * Seed files describe a moment ("in the store four minutes ago", "asleep") rather than fixed
 * instants, so the demo shows the same cases whenever it runs. See README.md for the tokens.
 */
const RELATIVE = /^\$now(?:([+-])(\d+)([smhd]))?$/;
const ZONE = /^\$(day|night):(.+)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** One zone per UTC offset, so some zone is always at any given hour. */
const ZONES = [
  'Pacific/Honolulu',
  'America/Anchorage',
  'America/Los_Angeles',
  'America/Denver',
  'America/Chicago',
  'America/New_York',
  'America/Halifax',
  'America/Sao_Paulo',
  'Atlantic/South_Georgia',
  'Atlantic/Azores',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Athens',
  'Europe/Istanbul',
  'Asia/Dubai',
  'Asia/Karachi',
  'Asia/Dhaka',
  'Asia/Bangkok',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Australia/Brisbane',
  'Pacific/Noumea',
  'Pacific/Auckland',
  'Pacific/Tongatapu',
];

const HOURS = { day: [10, 18], night: [1, 5] } as const;

export function resolveTokens<T>(value: T, now: Date, run: string): T {
  return walk(value, now, run) as T;
}

function walk(value: unknown, now: Date, run: string): unknown {
  if (typeof value === 'string') return resolveString(value, now, run);
  if (Array.isArray(value)) return value.map((item) => walk(item, now, run));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, now, run)]));
  }
  return value;
}

function resolveString(text: string, now: Date, run: string): string {
  const relative = RELATIVE.exec(text);
  if (relative) {
    const [, sign, amount, unit] = relative;
    const offset = sign && amount && unit ? Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS] * (sign === '-' ? -1 : 1) : 0;
    return new Date(now.getTime() + offset).toISOString();
  }
  const zone = ZONE.exec(text);
  if (zone?.[1] && zone[2]) return zoneWhere(zone[1] as keyof typeof HOURS, zone[2], now);
  return text.replaceAll('$run', run);
}

/** The preferred zone when its local hour fits, else the first zone where it does. */
export function zoneWhere(kind: keyof typeof HOURS, preferred: string, now: Date): string {
  const [from, to] = HOURS[kind];
  const fits = (zone: string) => {
    const hour = localHour(zone, now);
    return hour >= from && hour <= to;
  };
  if (fits(preferred)) return preferred;
  return ZONES.find(fits) ?? preferred;
}

export function localHour(timeZone: string, at: Date): number {
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(at);
  return Number(hour);
}
