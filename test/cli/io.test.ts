import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { dryRun } from '../../functions/cli/commands/dry-run.js';
import { type OutputStream, takesColour, terminal } from '../../functions/cli/io.js';
import { paint, wrap } from '../../functions/cli/text.js';

/** A process stream as the terminal output sees it: what was written, and its failures on demand. */
class FakeStream extends EventEmitter implements OutputStream {
  written = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns?: number,
    private readonly colours = true,
  ) {
    super();
  }
  write(text: string): boolean {
    this.written += text;
    return true;
  }
  hasColors(): boolean {
    return this.isTTY && this.colours;
  }
}

const ESC = '\u001b[';

describe('colour', () => {
  it('goes to a terminal with colours, never into a pipe; NO_COLOR turns it off, FORCE_COLOR decides when set', () => {
    const tty = new FakeStream(true, 80);
    const pipe = new FakeStream(false);
    expect(takesColour(tty, {})).toBe(true);
    expect(takesColour(new FakeStream(true, 80, false), {})).toBe(false);
    expect(takesColour(pipe, {})).toBe(false);
    expect(takesColour(tty, { NO_COLOR: '1' })).toBe(false);
    expect(takesColour(tty, { NO_COLOR: '' })).toBe(true);
    expect(takesColour(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(takesColour(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(takesColour(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(takesColour(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(takesColour(tty, { FORCE_COLOR: 'false' })).toBe(false);
  });

  it('colours the status of a dry run on a terminal, and writes plain text into a pipe', async () => {
    const args = {
      requestFile: 'test/fixtures/requests/in-store-offer-lena.json',
      customerFile: 'test/fixtures/customers/lena-c-1001.json',
      templatesDir: 'templates',
      now: '2026-11-23T16:00:00Z',
      json: false,
    };
    const tty = new FakeStream(true, 200);
    expect(await dryRun(args, terminal({ stdout: tty, stderr: new FakeStream(true, 200) }, {}))).toBe(0);
    expect(tty.written).toContain(`status: ${paint({ colour: true }, 'good', 'SENT')} via push`);
    expect(tty.written).toContain(ESC);

    const pipe = new FakeStream(false);
    expect(await dryRun(args, terminal({ stdout: pipe, stderr: new FakeStream(false) }, {}))).toBe(0);
    expect(pipe.written).toMatch(/^status: SENT via push$/m);
    expect(pipe.written).not.toContain(ESC);
  });
});

describe('the terminal output', () => {
  it('has a width only on a terminal', () => {
    expect(terminal({ stdout: new FakeStream(true, 72), stderr: new FakeStream(true, 72) }, {}).width).toBe(72);
    expect(terminal({ stdout: new FakeStream(false), stderr: new FakeStream(false) }, {}).width).toBeUndefined();
  });

  it('drops the rest of the output once the reader has gone (EPIPE), and says nothing', () => {
    const stdout = new FakeStream(false);
    const stderr = new FakeStream(false);
    const out = terminal({ stdout, stderr }, {});
    out.log('first');
    stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    out.log('second');
    out.error('still heard');
    expect(stdout.written).toBe('first\n');
    expect(stderr.written).toBe('still heard\n');
  });

  it('says once on standard error when standard output fails otherwise', () => {
    const stdout = new FakeStream(false);
    const stderr = new FakeStream(false);
    const out = terminal({ stdout, stderr }, {});
    stdout.emit('error', Object.assign(new Error('no space'), { code: 'ENOSPC' }));
    out.log('lost');
    expect(stderr.written).toBe('switchboard: cannot write to standard output (ENOSPC)\n');
  });
});

describe('wrap', () => {
  it('cuts at spaces to the width, continuing two columns past the line’s own indent', () => {
    expect(wrap('    alpha beta gamma delta epsilon zeta eta theta', 30)).toEqual(['    alpha beta gamma delta', '      epsilon zeta eta theta']);
  });

  it('continues at a given column, keeps a word wider than the line whole, and leaves short lines alone', () => {
    const url = `https://fernhill.example/${'x'.repeat(40)}`;
    expect(wrap(`1  push  0.798  context +0.40: in store ${url}`, 40, 16)).toEqual(['1  push  0.798  context +0.40: in store', `                ${url}`]);
    expect(wrap('short', 40)).toEqual(['short']);
  });

  it('does not wrap without a width (a pipe), nor at widths too narrow for an indent', () => {
    const long = 'word '.repeat(40).trim();
    expect(wrap(long, undefined)).toEqual([long]);
    expect(wrap(long, 10)).toEqual([long]);
  });

  it('measures coloured text by what shows', () => {
    const status = paint({ colour: true }, 'bad', 'FAILED');
    const lines = wrap(`${status} ${'x'.repeat(30)}`, 38);
    expect(lines).toEqual([`${status} ${'x'.repeat(30)}`]);
  });
});
