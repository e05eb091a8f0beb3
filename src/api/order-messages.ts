/**
 * Every message an order workflow understands, defined once and shared by the workflow, the typed
 * client (src/client) and the poller / ack batcher workflows.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CancelCommand, CommandKind, RefundCommand, RetryCommand, ShipCommand, UpdateTrackingCommand } from '../order/commands/schemas.js';
import type { CommandOutcome, OrderSnapshot, OrderWorkflowState } from './order-state.js';

// --- Updates: OMS commands that wait for Meta's answer. Validators reject bad input before history.
export const shipUpdate = defineUpdate<CommandOutcome, [ShipCommand]>('ship');
export const cancelUpdate = defineUpdate<CommandOutcome, [CancelCommand]>('cancel');
export const refundUpdate = defineUpdate<CommandOutcome, [RefundCommand]>('refund');
export const updateTrackingUpdate = defineUpdate<CommandOutcome, [UpdateTrackingCommand]>('updateTracking');
/** Resumes an order that is in NEEDS_ATTENTION after the operator fixed the cause. */
export const retryUpdate = defineUpdate<CommandOutcome, [RetryCommand]>('retry');

// --- The same commands as signals, for OMS code that cannot wait (a queue consumer, say).
// Same handler, same keys; a rejected signal is recorded in the state and reported to the OMS.
export const shipSignal = defineSignal<[ShipCommand]>('shipSignal');
export const cancelSignal = defineSignal<[CancelCommand]>('cancelSignal');
export const refundSignal = defineSignal<[RefundCommand]>('refundSignal');
export const updateTrackingSignal = defineSignal<[UpdateTrackingCommand]>('updateTrackingSignal');

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

/**
 * Update ids derive from the caller's requestId and the command's content: Temporal itself answers
 * an exact repeat once, while the same requestId with other content gets its own Update, which the
 * validator refuses (the requestId is taken).
 */
export function commandUpdateId(kind: CommandKind, requestId: string, fingerprint: string): string {
  return `${kind}-${requestId}-${fnv1a(fingerprint)}`;
}

/** 32-bit FNV-1a as 8 hex digits: short, stable, dependency-free. Not for security. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

export function orderWorkflowId(orderId: string): string {
  return `fb-order-${orderId}`;
}
