/**
 * ackBatcherWorkflow (id `fb-ack-batcher-<cmsId>`): order workflows hand it their acknowledgement
 * (and in bulk mode the poller hands it whole pages of orders it saw turn CREATED); it sends up to
 * 100 per `acknowledge_orders` call (at once when 100 are waiting, else after a short quiet period),
 * with an idempotency key derived from the batch's contents, and each order gets its outcome. An
 * order the batch did not acknowledge falls back to a single acknowledgement.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { BulkAckOutcome, IntakeActivities } from '../api/activities.js';
import {
  HANDLER_DESCRIPTIONS,
  INTAKE_ACTIVITY_SUMMARIES,
  proxyActivitiesWithSummaries,
} from '../api/activity-summaries.js';
import {
  ackBatcherStatusQuery,
  ackRequestSignal,
  ackRequestsSignal,
  type AckBatcherStatus,
  type AckRequest,
} from '../api/ack-batcher-messages.js';
import { ackResultSignal } from '../api/order-messages.js';
import { DEFAULT_ORDER_POLICY } from '../order/policy.js';
import { orderWorkflowId } from '../api/ids.js';

/** Meta's limit for one acknowledge_orders call. */
export const MAX_ACK_BATCH = 100;
/** Continue-as-new even mid-burst past this many events (Temporal's hard limit is 51,200). */
const HISTORY_EVENTS_CEILING = 40_000;
/** Waiting orders offered to one batch activity: bounds its input (and history) at about 50 KB. */
const MAX_CANDIDATES = 1_000;

export interface AckBatcherInput {
  cmsId: string;
  graphTaskQueue: string;
  /** Flush a partial batch once no request arrived for this long. */
  flushAfterMs?: number;
  /** ...or once its oldest request has waited this long. */
  maxWaitMs?: number;
  maxBatch?: number;
  /** Continue-as-new past this many history events, in a lull... */
  maxHistoryEvents?: number;
  /** ...or past this many even while orders wait (they are carried over). */
  historyEventsCeiling?: number;
  /** Carried over continue-as-new. */
  pending?: AckRequest[];
}

export async function ackBatcherWorkflow(input: AckBatcherInput): Promise<void> {
  const flushAfterMs = input.flushAfterMs ?? 1_000;
  const maxWaitMs = input.maxWaitMs ?? 10 * flushAfterMs;
  const maxBatch = Math.min(input.maxBatch ?? MAX_ACK_BATCH, MAX_ACK_BATCH);
  const maxHistoryEvents = input.maxHistoryEvents ?? 20_000;
  const historyEventsCeiling = input.historyEventsCeiling ?? HISTORY_EVENTS_CEILING;
  const { createPendingAndAcknowledgeBatch } = proxyActivitiesWithSummaries<IntakeActivities>(
    {
      taskQueue: input.graphTaskQueue,
      startToCloseTimeout: DEFAULT_ORDER_POLICY.graphAttemptTimeoutMs,
      retry: DEFAULT_ORDER_POLICY.graphWriteRetry,
    },
    INTAKE_ACTIVITY_SUMMARIES,
  );

  /** Waiting orders by id, oldest first: a repeated request (an order's retry) keeps one entry. */
  const pending = new Map<string, AckRequest>((input.pending ?? []).map((request) => [request.orderId, request]));
  /** Answers still being signalled to their orders. */
  const deliveries = new Set<Promise<void>>();
  const enqueue = (request: AckRequest) => {
    if (!pending.has(request.orderId)) pending.set(request.orderId, request);
  };
  setHandler(ackRequestSignal, enqueue, { description: HANDLER_DESCRIPTIONS.requestAck });
  setHandler(ackRequestsSignal, (requests) => requests.forEach(enqueue), {
    description: HANDLER_DESCRIPTIONS.requestAcks,
  });
  const thisRun: AckBatcherStatus['thisRun'] = { batches: 0, acknowledged: 0, leftToAcknowledgeAlone: 0 };
  setHandler(ackBatcherStatusQuery, () => ({ cmsId: input.cmsId, waiting: pending.size, thisRun }), {
    description: HANDLER_DESCRIPTIONS.ackBatcherStatus,
  });

  for (;;) {
    await condition(() => pending.size > 0);
    // Fill the batch while requests keep coming: flush when it is full, when none arrived for
    // `flushAfterMs`, or when the oldest has waited `maxWaitMs`, whichever is first.
    const oldestAt = Date.now();
    for (;;) {
      const seen = pending.size;
      const grew = await condition(() => pending.size >= maxBatch || pending.size > seen, flushAfterMs, {
        summary: 'Fill the batch: flush when full or when no request came for a while',
      });
      if (!grew || pending.size >= maxBatch || Date.now() - oldestAt >= maxWaitMs) break;
    }
    // Every waiting order is a candidate (up to a bound on the activity's input); the activity takes
    // the first `maxBatch` that Meta's CREATED listing shows, so a backlog costs one page per batch.
    const candidates = [...pending.values()].slice(0, MAX_CANDIDATES);
    let outcomes: BulkAckOutcome[];
    try {
      outcomes = await createPendingAndAcknowledgeBatch({
        cmsId: input.cmsId,
        orders: candidates,
        maxOrders: maxBatch,
      });
    } catch (err) {
      // The bulk call failed for good: the orders it was about fall back to their own acknowledgement.
      const reason = err instanceof ActivityFailure ? (err.cause?.message ?? err.message) : String(err);
      outcomes = candidates.slice(0, maxBatch).map((o) => ({ orderId: o.orderId, acknowledged: false, reason }));
    }
    if (outcomes.length === 0) {
      // None of them in the listing's first pages yet (Meta lists with a delay, or a huge backlog of
      // other orders): rather than spin, the oldest fall back to their own acknowledgement.
      outcomes = candidates.slice(0, maxBatch).map((o) => ({
        orderId: o.orderId,
        acknowledged: false,
        reason: 'not found in the first pages of the CREATED listing',
      }));
    }
    for (const outcome of outcomes) pending.delete(outcome.orderId);
    thisRun.batches += 1;
    thisRun.lastBatchAt = new Date().toISOString();
    for (const outcome of outcomes) {
      if (outcome.acknowledged) thisRun.acknowledged += 1;
      else thisRun.leftToAcknowledgeAlone += 1;
    }
    // The activity signals its answers itself; those it could not (and the fallbacks above) go from
    // here, while the next batch is read and sent: a busy server takes seconds to deliver 100 signals.
    const undelivered = outcomes.filter((outcome) => outcome.delivered !== true);
    const delivery = Promise.all(
      undelivered.map(
        ({ delivered: _, ...outcome }) =>
          getExternalWorkflowHandle(orderWorkflowId(outcome.orderId))
            .signal(ackResultSignal, outcome)
            .catch(() => undefined), // the order workflow is gone (ended): nothing to tell
      ),
    ).then(() => void deliveries.delete(delivery));
    deliveries.add(delivery);
    const info = workflowInfo();
    const due = info.continueAsNewSuggested || info.historyLength > maxHistoryEvents;
    // Closing a run while requests stream in fails (the server refuses to close a run that has
    // unhandled new signals) and every retry costs a workflow task: in the 2,000-order benchmark that
    // stalled acknowledgements for a minute. So wait for a lull, unless history nears its hard limit.
    if (due && (pending.size === 0 || info.historyLength > historyEventsCeiling)) {
      await Promise.all(deliveries); // every answer sent before this run ends
      await condition(allHandlersFinished);
      await continueAsNew<typeof ackBatcherWorkflow>({ ...input, pending: [...pending.values()] });
    }
  }
}
