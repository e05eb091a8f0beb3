/** The order's lock: Graph writes and refreshes for one order never overlap. Workflow code. */
import { condition } from '@temporalio/workflow';

export class OrderLock {
  private busy = false;

  /** Runs `work` alone; a refresh cannot mistake our own in-flight shipment for an external one. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    // Check and take the lock in one synchronous step: several waiters can wake in the same
    // activation, and each must see the `busy` the one before it set.
    while (this.busy) await condition(() => !this.busy);
    this.busy = true;
    try {
      return await work();
    } finally {
      this.busy = false;
    }
  }

  get isBusy(): boolean {
    return this.busy;
  }
}
