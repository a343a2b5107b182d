import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_HELP } from '../../functions/cli/usage.js';
import { ROOT } from '../support/local-mode.js';
import { runCli } from '../support/run-cli.js';

describe('the switchboard command', () => {
  it('lists every command in its usage', async () => {
    const { code, out } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of ['dry-run', 'templates check', 'templates preview', 'history', 'send', 'status', 'customers']) expect(out).toContain(command);
    expect(await runCli(['help'])).toMatchObject({ code: 0, out });
    expect(await runCli([])).toMatchObject({ code: 1, err: out });
  });

  it('answers --help on every command, before checking its arguments, on standard output with exit 0', async () => {
    for (const [command, help] of Object.entries(COMMAND_HELP)) {
      expect(await runCli([command, '--help'])).toEqual({ code: 0, out: help, err: '' });
      expect(await runCli([command, 'get', '-h', '--no-such-flag'])).toEqual({ code: 0, out: help, err: '' });
      expect(await runCli(['help', command])).toEqual({ code: 0, out: help, err: '' });
    }
    // After `--`, --help is an argument like any other.
    expect((await runCli(['status', '--', '--help'])).code).toBe(1);
  });

  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };
    expect(await runCli(['--version'])).toEqual({ code: 0, out: `switchboard ${version}`, err: '' });
  });

  it('names an unknown command and exits 1', async () => {
    const { code, err } = await runCli(['histroy', 'c-1']);
    expect(code).toBe(1);
    expect(err).toContain('unknown command "histroy"');
  });

  it('names an unknown option and points to the command’s help', async () => {
    const { code, err } = await runCli(['history', 'c-1', '--colour']);
    expect(code).toBe(1);
    expect(err).toMatch(/^switchboard history: Unknown option '--colour'/);
    expect(err).toContain('(switchboard history --help lists its arguments)');
  });

  it('routes history and checks its arguments', async () => {
    expect(await runCli(['history'])).toMatchObject({ code: 1, err: expect.stringContaining('missing <customerId>') });
    expect(await runCli(['history', 'c-1', '--limit', '500'])).toMatchObject({ code: 1, err: expect.stringContaining('--limit must be a whole number from 1 to 100') });
  });

  it('checks the send flags', async () => {
    expect(await runCli(['send', 'r.json', '--timeout', '5'])).toMatchObject({ code: 1, err: expect.stringContaining('--timeout goes with --wait') });
    for (const timeout of ['0', 'soon', '3601']) {
      expect(await runCli(['send', 'r.json', '--wait', '--timeout', timeout])).toMatchObject({ code: 1, err: expect.stringContaining('--timeout must be a number of seconds') });
    }
  });

  it('ends quietly, without a stack trace, when the reader of its output goes away (| head)', async () => {
    const child = spawn(process.execPath, ['bin/switchboard.js', '--help'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    // The reading end is closed before the command writes a byte: every write meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
