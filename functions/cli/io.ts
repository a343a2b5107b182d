/** Where CLI commands write; tests pass a collector, the binary passes the terminal. */
export interface CliOutput {
  log(line: string): void;
  error(line: string): void;
}

export const terminal: CliOutput = {
  log: (line) => process.stdout.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
};
