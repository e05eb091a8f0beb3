/**
 * The messages of an order workflow other than OMS commands, defined once and shared by the
 * workflow, the typed client, the poller and the ack batcher. The commands' Updates and signals are
 * derived from the command registry (src/order/commands/registry.ts).
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { z } from 'zod';
import { TEXT_LIMITS } from './limits.js';
import { cappedTextField, metaIdField, metaOrderStateField, timestampField } from './message-fields.js';
import type { OrderSnapshot, OrderWorkflowState } from './order-state.js';

// --- From the poller: Meta changed this order (or we were just started for it).
export const orderUpdatedSignal = defineSignal<[OrderUpdatedNotice]>('orderUpdated');
// --- From the ack batcher: the outcome of this order's bulk acknowledgement.
export const ackResultSignal = defineSignal<[AckResult]>('ackResult');

export const stateQuery = defineQuery<OrderWorkflowState>('state');

/**
 * From the poller: Meta lists the order with this state and `last_updated`. The snapshot is kept
 * apart (`z.unknown()` here, OrderSnapshotSchema on its own): a notice whose snapshot does not
 * parse still says that the order changed, and the order then reads itself from Meta.
 */
export const OrderUpdatedNoticeSchema = z.object({
  state: metaOrderStateField,
  lastUpdated: timestampField,
  /** The order as the poller just read it (no buyer data): saves the workflow its own read. A hint, checked before use. */
  snapshot: z.unknown().optional(),
  /** Bulk mode: the poller has also handed this (CREATED) order to the ack batcher; wait for its answer. */
  handedToAckBatcher: z.boolean().optional(),
});
/** What a sender passes: the snapshot typed as what the poller reads. */
export type OrderUpdatedNotice = Omit<z.input<typeof OrderUpdatedNoticeSchema>, 'snapshot'> & {
  snapshot?: OrderSnapshot | undefined;
};

/** What the ack batcher decided for one order. */
export const AckOutcomeSchema = z.discriminatedUnion('acknowledged', [
  z.object({
    orderId: metaIdField,
    acknowledged: z.literal(true),
    state: metaOrderStateField,
    merchantOrderReference: z.string().min(1).max(TEXT_LIMITS.id),
    /** The batch has marked the OMS order processing too (after Meta's answer). */
    omsProcessing: z.boolean().optional(),
  }),
  z.object({
    orderId: metaIdField,
    acknowledged: z.literal(false),
    /** Meta's message or ours: kept, cut to the cap. */
    reason: cappedTextField(TEXT_LIMITS.refusal),
  }),
]);
export type AckOutcome = z.input<typeof AckOutcomeSchema>;

/**
 * The batch's answer to one order, with the order as the batch read it from Meta's CREATED listing
 * (no buyer data). An order the poller handed to the batcher learns of its release from this
 * answer, so it saves the workflow a read. The snapshot is parsed on its own, as in the notice.
 */
export const AckResultSchema = z.intersection(AckOutcomeSchema, z.object({ snapshot: z.unknown().optional() }));
export type AckResult = AckOutcome & { snapshot?: OrderSnapshot | undefined };
