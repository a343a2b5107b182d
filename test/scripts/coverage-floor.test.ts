import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CoverageFloor, type CoverageSummary, raisedFloor } from '../../scripts/coverage-floor.js';
import config from '../../vitest.config.js';

const summary = (statements: number, branches: number, functions: number, lines: number): CoverageSummary => ({
  total: { statements: { pct: statements }, branches: { pct: branches }, functions: { pct: functions }, lines: { pct: lines } },
});

describe('coverage floor', () => {
  it('rises to the measured percents rounded down', () => {
    const floor = { statements: 60, branches: 50, functions: 55, lines: 61 };
    expect(raisedFloor(floor, summary(62.99, 50.5, 57.01, 70))).toEqual({ statements: 62, branches: 50, functions: 57, lines: 70 });
  });

  it('never falls, metric by metric, when coverage drops', () => {
    const floor = { statements: 60, branches: 50, functions: 55, lines: 61 };
    expect(raisedFloor(floor, summary(59.99, 51, 12, 61.5))).toEqual({ statements: 60, branches: 51, functions: 55, lines: 61 });
  });

  it('is the committed file, in whole percents, and is what the test run enforces', () => {
    const committed = CoverageFloor.parse(JSON.parse(readFileSync(new URL('../../coverage-floor.json', import.meta.url), 'utf8')));
    expect(config.test?.coverage?.thresholds).toEqual(committed);
  });

  it('refuses a floor that is not a whole percent', () => {
    expect(CoverageFloor.safeParse({ statements: 60.5, branches: 50, functions: 55, lines: 61 }).success).toBe(false);
    expect(CoverageFloor.safeParse({ statements: 60, branches: 50, functions: 55 }).success).toBe(false);
  });
});
