/**
 * "exported 120/450 orders" on stderr, at most once a second: on a terminal one line rewritten in
 * place, elsewhere (a CI log) one line per update. stdout stays for the data.
 */
import type { CliIo } from './io.js';

export class Progress {
  private lastAt = 0;
  private printedInPlace = false;

  constructor(
    private readonly stderr: CliIo['stderr'],
    private readonly total: number,
    private readonly noun: string,
    private readonly intervalMs = 1_000,
    private readonly now: () => number = Date.now,
  ) {
    this.lastAt = now();
  }

  update(done: number): void {
    if (this.now() - this.lastAt < this.intervalMs) return;
    this.lastAt = this.now();
    const line = `exported ${done}/${this.total} ${this.noun}`;
    if (this.stderr.isTTY) {
      this.stderr.write(`\r${line}`);
      this.printedInPlace = true;
    } else {
      this.stderr.write(`${line}\n`);
    }
  }

  /** Ends the in-place line, then prints the final summary. */
  finish(summary: string): void {
    this.stderr.write(`${this.printedInPlace ? '\r\x1b[K' : ''}${summary}\n`);
  }
}
