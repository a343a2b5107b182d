import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DryRunReport } from '../../functions/cli/commands/dry-run.js';
import { defaultDecisionConfig } from '../../functions/core/config.js';
import { learnPriors, type Observation } from '../../functions/core/learning/priors.js';
import { runCli } from '../support/run-cli.js';

const NOW = '2026-11-23T16:00:00Z';
const lena = 'test/fixtures/customers/lena-c-1001.json';
const offer = 'test/fixtures/requests/in-store-offer-lena.json';

function writePriors(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'switchboard-priors-')), 'priors.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const many = (count: number, observation: Observation) => Array.from({ length: count }, () => observation);

describe('switchboard dry-run --priors', () => {
  it('decides with the learned priors it is given, and the reasons say so', async () => {
    // Customers who name push first, in a store, have been opening in-app messages and ignoring push.
    const at = new Date(NOW);
    const priors = learnPriors(
      [
        ...many(400, { channel: 'in_app', moment: 'store', preferred: 'push', engaged: true, at }),
        ...many(400, { channel: 'push', moment: 'store', preferred: 'push', engaged: false, at }),
      ],
      at,
      defaultDecisionConfig,
    );
    const without = await runCli(['dry-run', '--request', offer, '--customer', lena, '--now', NOW, '--json']);
    const withPriors = await runCli(['dry-run', '--request', offer, '--customer', lena, '--now', NOW, '--json', '--priors', writePriors(priors)]);
    expect(withPriors.err).toBe('');
    const before = JSON.parse(without.out) as DryRunReport;
    const after = JSON.parse(withPriors.out) as DryRunReport;
    expect(before.channels).toEqual(['push']);
    expect(after.channels).toEqual(['in_app']);
    const inApp = after.decision.ranked.find((entry) => entry.channel === 'in_app');
    expect(inApp?.reasons.find((reason) => reason.startsWith('engagement '))).toMatch(/learned prior \d+% for "push first"/);
    expect(before.decision.ranked[0]?.reasons.find((reason) => reason.startsWith('engagement '))).toMatch(/set prior/);
  });

  it('refuses a file that is not a set of learned priors, naming each problem, and sends nothing', async () => {
    const result = await runCli(['dry-run', '--request', offer, '--customer', lena, '--now', NOW, '--priors', writePriors({ learnedAt: 'yesterday', channels: { fax: {} } })]);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/is not a set of learned priors/);
    expect(result.err).toMatch(/learnedAt/);
    expect(result.err).toMatch(/observations/);
    const broken = await runCli(['dry-run', '--request', offer, '--customer', lena, '--now', NOW, '--priors', writePriors('{ "learnedAt": ')]);
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/is not valid JSON: line 1/);
  });
});
