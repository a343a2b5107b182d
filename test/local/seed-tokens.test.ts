import { describe, expect, it } from 'vitest';
import { localHour, resolveTokens, zoneWhere } from '../../functions/local/seed/tokens.js';

const NOW = new Date('2026-11-24T18:00:00Z');

describe('seed tokens', () => {
  it('turns relative instants into ISO times around now', () => {
    expect(resolveTokens({ a: '$now', b: '$now+20m', c: '$now-4m', d: ['$now+2h'] }, NOW, '')).toEqual({
      a: '2026-11-24T18:00:00.000Z',
      b: '2026-11-24T18:20:00.000Z',
      c: '2026-11-24T17:56:00.000Z',
      d: ['2026-11-24T20:00:00.000Z'],
    });
  });

  it('keeps the preferred zone when it fits, else picks one where it is day or night', () => {
    // 18:00 UTC: 19:00 in Berlin (evening), 03:00 in Tokyo (night), 10:00 in Los Angeles (day).
    expect(zoneWhere('night', 'Asia/Tokyo', NOW)).toBe('Asia/Tokyo');
    expect(zoneWhere('day', 'America/Los_Angeles', NOW)).toBe('America/Los_Angeles');
    const day = zoneWhere('day', 'Europe/Berlin', NOW);
    const night = zoneWhere('night', 'Europe/Berlin', NOW);
    expect(day).not.toBe('Europe/Berlin');
    expect(localHour(day, NOW)).toBeGreaterThanOrEqual(10);
    expect(localHour(day, NOW)).toBeLessThanOrEqual(18);
    expect(localHour(night, NOW)).toBeGreaterThanOrEqual(1);
    expect(localHour(night, NOW)).toBeLessThanOrEqual(5);
  });

  it('finds a daytime and a night-time zone at every hour of the day', () => {
    for (let hour = 0; hour < 24; hour++) {
      const at = new Date(Date.UTC(2026, 5, 1, hour, 30));
      const day = localHour(zoneWhere('day', 'Europe/London', at), at);
      const night = localHour(zoneWhere('night', 'Europe/London', at), at);
      expect(day >= 10 && day <= 18, `day at ${hour}:30 UTC is ${day}:30`).toBe(true);
      expect(night >= 1 && night <= 5, `night at ${hour}:30 UTC is ${night}:30`).toBe(true);
    }
  });

  it('names a run inside strings without touching other text', () => {
    expect(resolveTokens({ requestId: '$run-cart-c-1', price: '$189.00' }, NOW, 'demo-1a2b')).toEqual({ requestId: 'demo-1a2b-cart-c-1', price: '$189.00' });
  });
});
