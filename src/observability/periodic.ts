/**
 * Gauges kept by background counting on a timer (the visibility gauges): one pass at a time, the
 * timer never keeps the process alive. A subclass says what one pass counts.
 */
export abstract class PeriodicCount {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  protected constructor(private readonly intervalMs: number) {}

  /** One pass: count and set the gauges. */
  protected abstract countAll(): Promise<void>;

  /** Counts now, then every interval. */
  start(): this {
    if (this.timer) return this;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** One pass; a pass still running is joined, not doubled. */
  refresh(): Promise<void> {
    this.inFlight ??= this.countAll().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }
}
