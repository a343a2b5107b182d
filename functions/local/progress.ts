/** Start-up progress on the terminal: one line per step with its duration. */
export class Progress {
  private step?: { name: string; at: number };
  private readonly started = Date.now();

  constructor(private readonly write: (text: string) => void = (text) => process.stdout.write(text)) {}

  begin(name: string): void {
    this.end();
    this.step = { name, at: Date.now() };
  }

  end(): void {
    if (!this.step) return;
    this.write(`  ✓ ${this.step.name.padEnd(20)} ${seconds(Date.now() - this.step.at)}\n`);
    this.step = undefined;
  }

  fail(error: unknown): void {
    if (this.step) this.write(`  ✗ ${this.step.name}\n`);
    this.step = undefined;
    this.write(`\n${(error as Error).stack ?? String(error)}\n`);
  }

  elapsed(): string {
    return seconds(Date.now() - this.started);
  }
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
