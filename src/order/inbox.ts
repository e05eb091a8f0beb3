/**
 * What the poller's and the ack batcher's signals leave for the order's main loop: that Meta
 * changed the order (with the order as read, when the sender had it), that the poller handed the
 * order to the ack batcher, and the batcher's answers. Signal handlers only write here; the loop
 * reads and acts under the order's lock. Workflow code.
 */
import type { AckResult, OrderUpdatedNotice } from '../api/order-messages.js';
import type { OrderSnapshot, OrderWorkflowState } from '../api/order-state.js';

export class OrderInbox {
  /** Meta changed the order: refresh it. */
  metaChangeNoticed = false;
  /** The newest snapshot a signal brought, used by the next refresh instead of a Graph read. */
  private noticedSnapshot: OrderSnapshot | undefined;
  /** The poller handed this order to the ack batcher when it started it: the answer is on its way. */
  handedToAckBatcher = false;
  /** The ack batcher's answers, in arrival order. */
  readonly ackResults: AckResult[] = [];

  constructor(private readonly state: OrderWorkflowState) {}

  /** From the poller: Meta lists the order with this state and `last_updated`. */
  onOrderUpdated(notice: OrderUpdatedNotice): void {
    if (notice.handedToAckBatcher) this.handedToAckBatcher = true;
    const s = this.state;
    if (s.metaLastUpdated && notice.lastUpdated <= s.metaLastUpdated && notice.state === s.metaState) return;
    this.metaChangeNoticed = true;
    if (notice.snapshot) this.noticedSnapshot = notice.snapshot;
  }

  /** From the ack batcher (or its activity): the outcome of this order's bulk acknowledgement. */
  onAckResult(result: AckResult): void {
    this.ackResults.push(result);
    // In bulk mode the poller may hand a released order straight to the ack batcher: then this answer
    // is how the order learns that Meta released it (with the order as listed, when the batch read it).
    const s = this.state;
    if (s.phase !== 'AWAITING_RELEASE') return;
    this.metaChangeNoticed = true;
    if (result.snapshot && (!s.metaLastUpdated || result.snapshot.lastUpdated > s.metaLastUpdated))
      this.noticedSnapshot = result.snapshot;
  }

  ackResultFor(orderId: string): AckResult | undefined {
    return this.ackResults.find((r) => r.orderId === orderId);
  }

  /** Starts a refresh: clears the notice and hands over the snapshot a signal brought, if any. */
  takeNotice(): OrderSnapshot | undefined {
    this.metaChangeNoticed = false;
    const snapshot = this.noticedSnapshot;
    this.noticedSnapshot = undefined;
    return snapshot;
  }
}
