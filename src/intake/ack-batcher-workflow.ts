/**
 * ackBatcherWorkflow (id `fb-ack-batcher-<cmsId>`): order workflows hand it their acknowledgement
 * (and in bulk mode the poller hands it whole pages of orders it saw turn CREATED); it sends up to
 * 100 per `acknowledge_orders` call (at once when 100 are waiting, else after a short quiet period),
 * with an idempotency key derived from the batch's contents, and each order gets its outcome. An
 * order the batch did not acknowledge falls back to a single acknowledgement.
 */
import type { SignalDefinition } from '@temporalio/common';
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
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
  AckRequestSchema,
  ackBatcherStatusQuery,
  ackRequestSignal,
  ackRequestsSignal,
  type AckBatcherStatus,
  type AckRequest,
} from '../api/ack-batcher-messages.js';
import type { IntakeAttention, IntakeBackoff } from '../api/intake-attention.js';
import { COUNT_LIMITS } from '../api/limits.js';
import { describeIssues } from '../api/message-fields.js';
import { ackResultSignal } from '../api/order-messages.js';
import { pollNowSignal } from '../api/poller-messages.js';
import { DEFAULT_ORDER_POLICY } from '../order/policy.js';
import { orderWorkflowId } from '../api/ids.js';
import { IntakeAttentionLoop, retryLater } from './intake-attention.js';

/** Meta's limit for one acknowledge_orders call. */
export const MAX_ACK_BATCH = 100;
/** Continue-as-new even mid-burst past this many events (Temporal's hard limit is 51,200). */
const HISTORY_EVENTS_CEILING = 40_000;
/** Waiting orders offered to one batch activity: bounds its input (and history) at about 50 KB. */
const MAX_CANDIDATES = 1_000;
/**
 * Orders that may wait at once (carried over continue-as-new, so this bounds that input at about
 * 500 KB). A request beyond it is dropped: its order acknowledges alone after its own timeout.
 */
const MAX_WAITING = 10_000;
/** How long one attempt of the batch activity may go without a heartbeat: a killed worker's batch is retried this soon. */
const BATCH_HEARTBEAT_TIMEOUT = '20 seconds';

/** Patch id: a batch that fails for a reason only time or an operator can fix waits and is retried, instead of every order going alone. */
export const INTAKE_ATTENTION_PATCH = 'intake-attention';

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
  /** After a batch that failed for a reason retrying later can fix (an expired token): the first wait, doubling up to the maximum. */
  attentionBackoff?: IntakeBackoff;
  /** Carried over continue-as-new. */
  pending?: AckRequest[];
  /** Carried over continue-as-new: set while batches wait for the cause of their failure to go away. */
  attention?: IntakeAttention;
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
      // The activity heartbeats the exact request it sends: a retry (a lost response, a killed worker)
      // sends the same request under the same key, so Meta replays its answer.
      heartbeatTimeout: BATCH_HEARTBEAT_TIMEOUT,
      retry: DEFAULT_ORDER_POLICY.graphWriteRetry,
    },
    INTAKE_ACTIVITY_SUMMARIES,
  );

  /** Waiting orders by id, oldest first: a repeated request (an order's retry) keeps one entry. */
  const pending = new Map<string, AckRequest>((input.pending ?? []).map((request) => [request.orderId, request]));
  /** Answers still being signalled to their orders. */
  const deliveries = new Set<Promise<void>>();
  const status: Pick<AckBatcherStatus, 'attention' | 'droppedRequests'> = { attention: input.attention };
  const attention = new IntakeAttentionLoop(status, 'ack batcher', input.cmsId, input.attentionBackoff);
  let retryNow = false;
  /** Requests are parsed here: one that does not parse (a broken or forged sender) is dropped, counted and logged. */
  const enqueue = (raw: unknown) => {
    const parsed = AckRequestSchema.safeParse(raw);
    const why = !parsed.success
      ? `does not parse: ${describeIssues(parsed.error)}`
      : pending.size >= MAX_WAITING && !pending.has(parsed.data.orderId)
        ? `${MAX_WAITING} orders are waiting already`
        : undefined;
    if (why || !parsed.success) {
      status.droppedRequests = (status.droppedRequests ?? 0) + 1;
      log.warn('acknowledgement request dropped', { cmsId: input.cmsId, reason: why });
      return;
    }
    if (!pending.has(parsed.data.orderId)) pending.set(parsed.data.orderId, parsed.data);
  };
  setHandler(ackRequestSignal as SignalDefinition<[unknown]>, enqueue, {
    description: HANDLER_DESCRIPTIONS.requestAck,
  });
  setHandler(
    ackRequestsSignal as SignalDefinition<[unknown]>,
    (requests) => {
      if (!Array.isArray(requests) || requests.length > COUNT_LIMITS.ackRequests) {
        status.droppedRequests = (status.droppedRequests ?? 0) + 1;
        log.warn('acknowledgement requests dropped: not a list of at most the allowed length', { cmsId: input.cmsId });
        return;
      }
      requests.forEach(enqueue);
    },
    { description: HANDLER_DESCRIPTIONS.requestAcks },
  );
  // While batches wait after a failure, `fb-orders poll-now` (which signals the batcher too) retries at once.
  setHandler(pollNowSignal, () => void (retryNow = true), { description: HANDLER_DESCRIPTIONS.pollNow });
  const thisRun: AckBatcherStatus['thisRun'] = { batches: 0, acknowledged: 0, leftToAcknowledgeAlone: 0 };
  setHandler(ackBatcherStatusQuery, () => ({ cmsId: input.cmsId, waiting: pending.size, thisRun, ...status }), {
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
      attention.resolved();
    } catch (err) {
      if (err instanceof ActivityFailure && retryLater(err) && patched(INTAKE_ATTENTION_PATCH)) {
        // Not about these orders (an expired token, Meta down): they keep waiting, the batch is retried later.
        const delayMs = await attention.failed(err);
        retryNow = false;
        await condition(() => retryNow, delayMs);
        continue;
      }
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
      await continueAsNew<typeof ackBatcherWorkflow>({
        ...input,
        pending: [...pending.values()],
        attention: status.attention,
      });
    }
  }
}
