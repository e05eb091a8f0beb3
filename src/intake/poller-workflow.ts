/**
 * orderPollerWorkflow (id `fb-order-poller-<cmsId>`): Meta documents no webhook for orders, so we
 * poll. Every interval (or at once on `pollNow`) one activity pages through commerce_orders updated
 * since the high-water mark minus an overlap, and signal-with-starts each order's workflow (in bulk
 * mode, orders it saw turn CREATED go to the ack batcher instead, one signal per page). Seeing
 * an order twice is harmless (one workflow per order id; the signal only says "refresh"). The
 * overlap covers orders whose update raced the previous poll. The mark lives here, in history, and
 * so does the memory of what each order was last told (signalled-memory.ts): after a worker restart
 * a poll signals only the orders that changed.
 */
import { ActivityFailure, condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { AckMode } from '../api/ack-modes.js';
import type { IntakeActivities } from '../api/activities.js';
import {
  HANDLER_DESCRIPTIONS,
  INTAKE_ACTIVITY_SUMMARIES,
  proxyActivitiesWithSummaries,
} from '../api/activity-summaries.js';
import type { IntakeBackoff } from '../api/intake-attention.js';
import { pollNowSignal, pollerStatusQuery, type PollerStatus, type SignalledMemory } from '../api/poller-messages.js';
import { DEFAULT_ORDER_POLICY } from '../order/policy.js';
import { IntakeAttentionLoop } from './intake-attention.js';
import { mergeSignalled } from './signalled-memory.js';

/**
 * Runs that passed this marker keep the memory of what they delivered and hand it to each poll
 * (before it, each worker process kept its own, lost on restart), and continue as new when the
 * server suggests it (the memory goes into every poll's input, so history grows faster).
 */
export const POLLER_MEMORY_PATCH = 'poller-remembers-deliveries';

export interface OrderPollerInput {
  cmsId: string;
  graphTaskQueue: string;
  /** Where order workflows run. */
  orderTaskQueue: string;
  ackMode: AckMode;
  intervalMs: number;
  /** Re-read this much before the mark, for updates that raced the previous poll. */
  overlapSeconds?: number;
  /** First run: how far back to look (seconds). */
  initialLookbackSeconds?: number;
  /** Continue-as-new after this many rounds. */
  roundsPerRun?: number;
  /** Passed to each order workflow it starts (tests shorten durations). */
  orderPolicy?: Record<string, unknown>;
  /** After a poll that failed for good: the first wait before polling again, doubling up to the maximum. */
  attentionBackoff?: IntakeBackoff;
  /** Carried over continue-as-new. */
  status?: PollerStatus;
  /** Carried over continue-as-new: what each order was last told. */
  signalled?: SignalledMemory;
}

/**
 * Attempts of one poll before the poller counts it as failed, pauses (attention) and backs off:
 * about four minutes of retries. A failure that retrying cannot fix (an expired token) pauses at once.
 */
const POLL_ATTEMPTS = 10;

export async function orderPollerWorkflow(input: OrderPollerInput): Promise<void> {
  const { pollOrders } = proxyActivitiesWithSummaries<IntakeActivities>(
    {
      taskQueue: input.graphTaskQueue,
      startToCloseTimeout: '10 minutes',
      // The activity heartbeats its page cursor: a retry resumes where the last attempt stopped.
      heartbeatTimeout: '30 seconds',
      retry: { ...DEFAULT_ORDER_POLICY.graphReadRetry, maximumInterval: '1 minute', maximumAttempts: POLL_ATTEMPTS },
    },
    INTAKE_ACTIVITY_SUMMARIES,
  );
  const status: PollerStatus = input.status ?? {
    cmsId: input.cmsId,
    highWaterMark: Math.floor(Date.now() / 1000) - (input.initialLookbackSeconds ?? 7 * 24 * 3600),
    rounds: 0,
  };
  let pollNow = false;
  // No arguments: whatever a sender adds is ignored.
  setHandler(pollNowSignal, () => void (pollNow = true), { description: HANDLER_DESCRIPTIONS.pollNow });
  setHandler(pollerStatusQuery, () => status, { description: HANDLER_DESCRIPTIONS.pollerStatus });
  const attention = new IntakeAttentionLoop(status, 'order poller', input.cmsId, input.attentionBackoff);
  let signalled: SignalledMemory | undefined = input.signalled;

  const roundsPerRun = input.roundsPerRun ?? 100;
  for (let round = 0; round < roundsPerRun; round++) {
    pollNow = false;
    const remembers = patched(POLLER_MEMORY_PATCH);
    if (remembers) signalled ??= {};
    const updatedAfter = Math.max(0, status.highWaterMark - (input.overlapSeconds ?? 120));
    let result: Awaited<ReturnType<typeof pollOrders>>;
    try {
      result = await pollOrders({
        cmsId: input.cmsId,
        updatedAfter,
        orderTaskQueue: input.orderTaskQueue,
        graphTaskQueue: input.graphTaskQueue,
        ackMode: input.ackMode,
        orderPolicy: input.orderPolicy,
        ...(signalled ? { signalled } : {}),
      });
    } catch (err) {
      // Failed for good (before, this ended the poller and intake with it): pause, back off, poll again.
      if (!(err instanceof ActivityFailure)) throw err;
      const delayMs = await attention.failed(err);
      await condition(() => pollNow, delayMs);
      continue;
    }
    attention.resolved();
    if (signalled) {
      signalled = mergeSignalled(signalled, result.remembered ?? {}, {
        windowStart: updatedAfter,
        now: Math.floor(Date.now() / 1000),
      });
      status.rememberedOrders = Object.keys(signalled).length;
    }
    status.lastSucceededAt = new Date().toISOString();
    status.highWaterMark = Math.max(status.highWaterMark, result.maxLastUpdated);
    status.rounds += 1;
    status.lastRound = {
      at: new Date().toISOString(),
      ordersSeen: result.ordersSeen,
      workflowsSignalled: result.workflowsSignalled,
      handedToAckBatcher: result.handedToAckBatcher,
      unchangedSkipped: result.unchangedSkipped,
      ownAcknowledgementsSkipped: result.ownAcknowledgementsSkipped,
      pages: result.pages,
    };
    status.totals = {
      workflowsSignalled: (status.totals?.workflowsSignalled ?? 0) + result.workflowsSignalled,
      handedToAckBatcher: (status.totals?.handedToAckBatcher ?? 0) + result.handedToAckBatcher,
      ownAcknowledgementsSkipped: (status.totals?.ownAcknowledgementsSkipped ?? 0) + result.ownAcknowledgementsSkipped,
    };
    if (remembers && workflowInfo().continueAsNewSuggested) break;
    await condition(() => pollNow, input.intervalMs, { summary: 'Until the next poll (or poll-now)' });
  }
  await continueAsNew<typeof orderPollerWorkflow>({ ...input, status, ...(signalled ? { signalled } : {}) });
}
