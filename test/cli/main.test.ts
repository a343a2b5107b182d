import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.js';

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { log: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('the switchboard command', () => {
  it('lists every command in its usage', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    for (const command of ['dry-run', 'templates check', 'templates preview', 'history', 'send']) expect(out).toContain(command);
  });

  it('names an unknown command and exits 1', async () => {
    const { code, err } = await run(['histroy', 'c-1']);
    expect(code).toBe(1);
    expect(err).toContain('unknown command "histroy"');
  });

  it('routes history and checks its arguments', async () => {
    expect(await run(['history'])).toMatchObject({ code: 1, err: expect.stringContaining('missing <customerId>') });
    expect(await run(['history', 'c-1', '--limit', '500'])).toMatchObject({ code: 1, err: expect.stringContaining('--limit must be a whole number from 1 to 100') });
  });
});
