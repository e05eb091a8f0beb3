/**
 * ackBatcherWorkflow (id `fb-ack-batcher-<cmsId>`): order workflows hand it their acknowledgement;
 * it sends up to 100 per `acknowledge_orders` call (at once when 100 are waiting, else after a short
 * wait), with an idempotency key derived from the batch's contents, and signals each order its
 * outcome. An order the batch did not acknowledge falls back to a single acknowledgement.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { BulkAckOutcome, GraphActivities } from '../activities/contracts.js';
import { ackRequestSignal, type AckRequest } from './ack-batcher-messages.js';
import { ackResultSignal, orderWorkflowId } from './messages.js';
import { DEFAULT_ORDER_POLICY } from './policy.js';

/** Meta's limit for one acknowledge_orders call. */
export const MAX_ACK_BATCH = 100;

export interface AckBatcherInput {
  cmsId: string;
  graphTaskQueue: string;
  /** Flush a partial batch after this long. */
  flushAfterMs?: number;
  maxBatch?: number;
  /** Continue-as-new past this many history events. */
  maxHistoryEvents?: number;
  /** Carried over continue-as-new. */
  pending?: AckRequest[];
}

export async function ackBatcherWorkflow(input: AckBatcherInput): Promise<void> {
  const flushAfterMs = input.flushAfterMs ?? 2_000;
  const maxBatch = Math.min(input.maxBatch ?? MAX_ACK_BATCH, MAX_ACK_BATCH);
  const maxHistoryEvents = input.maxHistoryEvents ?? 20_000;
  const { acknowledgeOrders } = proxyActivities<GraphActivities>({
    taskQueue: input.graphTaskQueue,
    startToCloseTimeout: DEFAULT_ORDER_POLICY.graphAttemptTimeoutMs,
    retry: DEFAULT_ORDER_POLICY.graphWriteRetry,
  });

  const pending: AckRequest[] = [...(input.pending ?? [])];
  setHandler(ackRequestSignal, (request) => {
    // A repeated request (an order's retry) is harmless: one entry per order.
    if (!pending.some((p) => p.orderId === request.orderId)) pending.push(request);
  });

  for (;;) {
    await condition(() => pending.length > 0);
    await condition(() => pending.length >= maxBatch, flushAfterMs);
    const batch = pending.splice(0, maxBatch);
    let outcomes: BulkAckOutcome[];
    try {
      outcomes = await acknowledgeOrders({ cmsId: input.cmsId, orders: batch });
    } catch (err) {
      // The bulk call failed for good: every order in it falls back to its own acknowledgement.
      const reason = err instanceof ActivityFailure ? (err.cause?.message ?? err.message) : String(err);
      outcomes = batch.map((o) => ({ orderId: o.orderId, acknowledged: false, reason }));
    }
    await Promise.all(
      outcomes.map((outcome) =>
        getExternalWorkflowHandle(orderWorkflowId(outcome.orderId))
          .signal(ackResultSignal, outcome)
          .catch(() => undefined), // the order workflow is gone (ended): nothing to tell
      ),
    );
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > maxHistoryEvents) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof ackBatcherWorkflow>({ ...input, pending });
    }
  }
}
