/** Messages of the ack batcher workflow, shared with the order workflows that use it. */
import { defineSignal } from '@temporalio/workflow';

export interface AckRequest {
  orderId: string;
  /** Fallback when Meta's listing does not say. */
  channel: 'facebook' | 'instagram';
}

/** From an order workflow that is ready to be acknowledged. */
export const ackRequestSignal = defineSignal<[AckRequest]>('requestAck');
/**
 * From the poller, in bulk mode: orders it has just seen turn CREATED whose workflows it started
 * earlier. One signal per listing page instead of one per order; each order learns of its release
 * from the batcher's answer.
 */
export const ackRequestsSignal = defineSignal<[AckRequest[]]>('requestAcks');

export function ackBatcherWorkflowId(cmsId: string): string {
  return `fb-ack-batcher-${cmsId}`;
}
