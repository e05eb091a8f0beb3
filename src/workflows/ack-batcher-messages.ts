/** Messages of the ack batcher workflow, shared with the order workflows that use it. */
import { defineSignal } from '@temporalio/workflow';

export interface AckRequest {
  orderId: string;
  merchantOrderReference: string;
}

export const ackRequestSignal = defineSignal<[AckRequest]>('requestAck');

export function ackBatcherWorkflowId(cmsId: string): string {
  return `fb-ack-batcher-${cmsId}`;
}
