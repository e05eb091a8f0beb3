/**
 * A timer that is started once and kept until it fires, however often the wait it bounds is woken
 * for something else. `condition(fn, timeout)` starts a new timer at every call and cancels it when
 * `fn` wins: an open order woken by a signal or a command paid a started timer (a history event and
 * a billable action) each time, only to cancel it. Workflow code.
 */
import { sleep } from '@temporalio/workflow';

export class KeptTimer {
  private running = false;
  private fired = false;

  constructor(private readonly summary: string) {}

  /** Starts a timer of `ms` unless one is running (its end is kept, not moved). */
  start(ms: number): void {
    if (this.running || this.fired) return;
    this.running = true;
    sleep(ms, { summary: this.summary }).then(
      () => {
        this.running = false;
        this.fired = true;
      },
      // Only a cancelled workflow cancels it: nothing left to wait for.
      () => void (this.running = false),
    );
  }

  /** True once the timer has fired, until `take()`. For `condition`. */
  get due(): boolean {
    return this.fired;
  }

  /** Whether it had fired; the next `start` starts a new one. */
  take(): boolean {
    const fired = this.fired;
    this.fired = false;
    return fired;
  }
}
