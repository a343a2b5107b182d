/** One progress line on stderr: redrawn in place on a terminal, a line per step elsewhere. */
export interface Progress {
  phase(name: string): void;
  update(done: number, total: number): void;
  done(summary: string): void;
}

export function consoleProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let name = '';
  let lastPercent = -1;
  const started = { at: Date.now() };
  return {
    phase(next) {
      name = next;
      lastPercent = -1;
      started.at = Date.now();
      stream.write(`${name} …${stream.isTTY ? '' : '\n'}`);
    },
    update(done, total) {
      const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
      if (percent === lastPercent || (!stream.isTTY && percent - lastPercent < 10 && percent < 100)) return;
      lastPercent = percent;
      const bar = '#'.repeat(Math.floor(percent / 5)).padEnd(20, '.');
      const line = `${name} [${bar}] ${String(percent).padStart(3)}% ${done}/${total}`;
      stream.write(stream.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
    },
    done(summary) {
      const seconds = ((Date.now() - started.at) / 1000).toFixed(1);
      stream.write(`${stream.isTTY ? '\r\x1b[2K' : ''}${name}: ${summary} (${seconds} s)\n`);
    },
  };
}

export const silentProgress: Progress = { phase: () => undefined, update: () => undefined, done: () => undefined };
