/** Where CLI commands write; tests pass a collector, the binary passes the terminal. */
export interface CliOutput {
  log(line: string): void;
  error(line: string): void;
  /** Columns of the terminal standard output is; absent when it is a pipe or a file, and nothing is wrapped. */
  readonly width?: number;
  /** Whether standard output takes colour. */
  readonly colour?: boolean;
}

/** The parts of a process stream the terminal output uses; a test passes its own. */
export interface OutputStream {
  write(text: string): unknown;
  on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  isTTY?: boolean;
  columns?: number;
  hasColors?: (env?: object) => boolean;
}

/**
 * Standard output and error. A reader that goes away early (`switchboard history c-1 | head -3`)
 * closes the pipe: the rest of the output is dropped and the command ends as it would have,
 * without the stack trace an unhandled EPIPE prints.
 */
export function terminal(streams: { stdout: OutputStream; stderr: OutputStream } = process, env: Record<string, string | undefined> = process.env): CliOutput {
  const open = { stdout: true, stderr: true };
  for (const name of ['stdout', 'stderr'] as const) {
    streams[name].on('error', (error) => {
      open[name] = false;
      if (error.code !== 'EPIPE' && name === 'stdout' && open.stderr) streams.stderr.write(`switchboard: cannot write to standard output (${error.code ?? 'error'})\n`);
    });
  }
  const colour = takesColour(streams.stdout, env);
  return {
    log: (line) => void (open.stdout && streams.stdout.write(`${line}\n`)),
    error: (line) => void (open.stderr && streams.stderr.write(`${line}\n`)),
    get width() {
      return streams.stdout.isTTY ? streams.stdout.columns : undefined;
    },
    colour,
  };
}

/**
 * `FORCE_COLOR` decides when set (`0` or `false` turn colour off, anything else on, even into a
 * pipe), as it does for Node itself; then a non-empty `NO_COLOR` turns it off; otherwise colour
 * goes only to a terminal that has colours.
 */
export function takesColour(stream: Pick<OutputStream, 'isTTY' | 'hasColors'>, env: Record<string, string | undefined>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  return stream.isTTY === true && stream.hasColors !== undefined && stream.hasColors(env);
}
