/**
 * When to save: at most once per interval after something changed (so a crash loses at most an
 * interval's worth), and once more at close. The state is captured synchronously at save time, so
 * each file is a consistent snapshot; writes run one after another, so the newest always lands last.
 */
import { encodeStateFile, writeFileAtomically } from './state-file.js';
import type { StateFile } from './state-file-schema.js';

export class StateSaver {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;
  private failing = false;
  /** Files written so far. */
  saves = 0;

  constructor(
    readonly file: string,
    private readonly capture: () => StateFile,
    private readonly intervalMs: number,
    private readonly report: (message: string) => void = (message) => console.error(`[sandbox] ${message}`),
  ) {}

  /** Something changed: save within one interval (changes meanwhile ride along). */
  noteChange(): void {
    if (this.stopped || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.save().catch(() => undefined); // reported in save(); the next change tries again
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Captures the state now and writes it after any write in flight. */
  save(): Promise<void> {
    let text: string;
    try {
      text = encodeStateFile(this.capture());
    } catch (error) {
      return Promise.reject(this.failed(error));
    }
    const write = this.writing.catch(() => undefined).then(() => writeFileAtomically(this.file, text));
    this.writing = write.then(
      () => {
        this.saves += 1;
        if (this.failing) this.report(`state saved to ${this.file} again`);
        this.failing = false;
      },
      (error: unknown) => {
        throw this.failed(error);
      },
    );
    return this.writing;
  }

  /** No more periodic saves; writes the final state. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.save();
  }

  private failed(error: unknown): Error {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    // Reported once per run of failures: a full disk must not flood the log every interval.
    if (!this.failing) this.report(`could not save state to ${this.file} (${reason}); will retry on the next change`);
    this.failing = true;
    return new Error(`Sandbox state could not be saved to ${this.file}: ${reason}`, { cause: error });
  }
}
