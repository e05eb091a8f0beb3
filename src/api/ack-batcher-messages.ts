/** Messages of the ack batcher workflow, shared with the order workflows that use it. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { z } from 'zod';
import { channelField, metaIdField } from './message-fields.js';
import type { IntakeAttention } from './intake-attention.js';

/** One order to acknowledge. Parsed by the batcher's handlers: a request that does not parse is dropped and counted. */
export const AckRequestSchema = z.object({
  orderId: metaIdField,
  /** Fallback when Meta's listing does not say. */
  channel: channelField,
  /** Never reserved (first seen already released): the batch's pending OMS order reserves it. */
  reserveStock: z.boolean().optional(),
});
export type AckRequest = z.output<typeof AckRequestSchema>;

/** From an order workflow that is ready to be acknowledged. */
export const ackRequestSignal = defineSignal<[AckRequest]>('requestAck');
/**
 * From the poller, in bulk mode: orders it has just seen turn CREATED whose workflows it started
 * earlier. One signal per listing page instead of one per order; each order learns of its release
 * from the batcher's answer.
 */
export const ackRequestsSignal = defineSignal<[AckRequest[]]>('requestAcks');

/** What the batcher is doing: for operators (`fb-orders intake`) and dashboards. */
export interface AckBatcherStatus {
  cmsId: string;
  /** Orders waiting for a batch. */
  waiting: number;
  /** Since this run began (a run continues as new every few thousand events). */
  thisRun: { batches: number; acknowledged: number; leftToAcknowledgeAlone: number; lastBatchAt?: string | undefined };
  /** Set while Meta refuses the batches for a reason only an operator can fix (an expired token): batches wait and are retried. */
  attention?: IntakeAttention | undefined;
  /** Requests dropped since this run began: they did not parse, or too many orders were already waiting. */
  droppedRequests?: number | undefined;
}

export const ackBatcherStatusQuery = defineQuery<AckBatcherStatus>('ackBatcherStatus');
