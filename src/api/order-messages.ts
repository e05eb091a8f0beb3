/**
 * The messages of an order workflow other than OMS commands, defined once and shared by the
 * workflow, the typed client, the poller and the ack batcher. The commands' Updates and signals are
 * derived from the command registry (src/order/commands/registry.ts).
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { OrderSnapshot, OrderWorkflowState } from './order-state.js';

// --- From the poller: Meta changed this order (or we were just started for it).
export const orderUpdatedSignal = defineSignal<[OrderUpdatedNotice]>('orderUpdated');
// --- From the ack batcher: the outcome of this order's bulk acknowledgement.
export const ackResultSignal = defineSignal<[AckResult]>('ackResult');

export const stateQuery = defineQuery<OrderWorkflowState>('state');

export interface OrderUpdatedNotice {
  state: OrderSnapshot['state'];
  lastUpdated: string;
  /** The order as the poller just read it (no buyer data): saves the workflow its own read. */
  snapshot?: OrderSnapshot | undefined;
  /** Bulk mode: the poller has also handed this (CREATED) order to the ack batcher; wait for its answer. */
  handedToAckBatcher?: boolean | undefined;
}

/** What the ack batcher decided for one order. */
export type AckOutcome =
  | {
      orderId: string;
      acknowledged: true;
      state: OrderSnapshot['state'];
      merchantOrderReference: string;
      /** The batch has marked the OMS order processing too (after Meta's answer). */
      omsProcessing?: boolean | undefined;
    }
  | { orderId: string; acknowledged: false; reason: string };

export type AckResult = AckOutcome & {
  /**
   * The order as the batch read it from Meta's CREATED listing (no buyer data). An order the poller
   * handed to the batcher learns of its release from this answer, so it saves the workflow a read.
   */
  snapshot?: OrderSnapshot | undefined;
};
