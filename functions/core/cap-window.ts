const DAY_MS = 86_400_000;

/**
 * The windows frequency caps count in: the UTC day (`2026-11-24`) and its ISO week (`2026-W48`),
 * with the instant the week ends. Every counter, stored or in memory, uses these.
 */
export function capWindow(now: Date): { day: string; week: string; weekEndsAt: number } {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const weekday = (new Date(midnight).getUTCDay() + 6) % 7; // Monday = 0
  // The ISO week belongs to the year that holds its Thursday.
  const thursday = new Date(midnight + (3 - weekday) * DAY_MS);
  const isoYear = thursday.getUTCFullYear();
  const weekNumber = 1 + Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / (7 * DAY_MS));
  return {
    day: new Date(midnight).toISOString().slice(0, 10),
    week: `${isoYear}-W${String(weekNumber).padStart(2, '0')}`,
    weekEndsAt: midnight + (7 - weekday) * DAY_MS,
  };
}
