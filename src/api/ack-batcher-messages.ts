/** Messages of the ack batcher workflow, shared with the order workflows that use it. */
import { defineQuery, defineSignal } from '@temporalio/workflow';

export interface AckRequest {
  orderId: string;
  /** Fallback when Meta's listing does not say. */
  channel: 'facebook' | 'instagram';
  /** Never reserved (first seen already released): the batch's pending OMS order reserves it. */
  reserveStock?: boolean | undefined;
}

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
}

export const ackBatcherStatusQuery = defineQuery<AckBatcherStatus>('ackBatcherStatus');
