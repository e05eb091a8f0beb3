/** Messages of the ack batcher workflow, shared with the order workflows that use it. */
import { defineSignal } from '@temporalio/workflow';

export interface AckRequest {
  orderId: string;
  /** Fallback when Meta's listing does not say. */
  channel: 'facebook' | 'instagram';
}

export const ackRequestSignal = defineSignal<[AckRequest]>('requestAck');

export function ackBatcherWorkflowId(cmsId: string): string {
  return `fb-ack-batcher-${cmsId}`;
}
