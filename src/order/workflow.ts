/**
 * orderWorkflow: one durable workflow per Meta order (id `fb-order-<orderId>`), from FB_PROCESSING
 * to the end of the return window. See docs/architecture.md for the whole story.
 *
 *   AWAITING_RELEASE  reserve inventory, wait for Meta to release the order (timer with backoff, or
 *                     at once on an orderUpdated signal); cancelled before release -> release, end
 *   ACKNOWLEDGING     create the pending OMS order (its reference), acknowledge with a stable key,
 *                     and only then mark the OMS order processing
 *   IN_PROGRESS       serve ship / cancel / refund / updateTracking commands (order-commands.ts),
 *                     reconcile changes made outside this integration
 *   RETURN_WINDOW     every unit shipped or cancelled: refunds only, until the window closes
 */
import { allHandlersFinished, condition, continueAsNew, patched, setHandler } from '@temporalio/workflow';
import type { AckMode } from '../api/ack-modes.js';
import { HANDLER_DESCRIPTIONS } from '../api/activity-summaries.js';
import { acknowledge } from './acknowledgement.js';
import { orderActivities } from './activity-proxies.js';
import { registerCommandHandlers } from './commands/handlers.js';
import { OrderContext } from './context.js';
import { ackResultSignal, orderUpdatedSignal, stateQuery } from '../api/order-messages.js';
import type { OrderWorkflowState } from '../api/order-state.js';
import { fitForCarryOver, historyIsLong } from './continue-as-new.js';
import { serveOpenOrder } from './open-order.js';
import { awaitRelease } from './release.js';
import { recordLateChange, reopenedState } from './reopen.js';
import { resolvePolicy, type OrderPolicyOverrides } from './policy.js';

export interface OrderWorkflowInput {
  orderId: string;
  cmsId: string;
  /** Task queue of the Graph activities (one rate limit for all workers). */
  graphTaskQueue?: string;
  ackMode?: AckMode;
  policy?: OrderPolicyOverrides;
  /** Set by continue-as-new: the state so far. */
  carried?: OrderWorkflowState;
  /** Set by the poller when Meta changed an order whose workflow had ended: that run and its final state. */
  reopened?: ReopenedFrom;
}

export interface ReopenedFrom {
  runId: string;
  state: OrderWorkflowState;
}

export const DEFAULT_GRAPH_TASK_QUEUE = 'fb-graph';

function initialState(input: OrderWorkflowInput): OrderWorkflowState {
  return {
    orderId: input.orderId,
    cmsId: input.cmsId,
    phase: 'AWAITING_RELEASE',
    metaState: 'FB_PROCESSING',
    reservation: { status: 'none', shortages: [] },
    processingOverdue: false,
    commands: {},
    rejectedSignals: [],
    externalChanges: [],
    shipments: {},
    continuedAsNew: 0,
  };
}

const isTerminal = (state: OrderWorkflowState) => state.phase === 'CANCELLED' || state.phase === 'CLOSED';

export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderWorkflowState> {
  const policy = resolvePolicy(input.policy);
  const state = input.carried ?? (input.reopened ? reopenedState(input.reopened) : initialState(input));
  const ctx = new OrderContext(
    state,
    policy,
    orderActivities(policy, input.graphTaskQueue ?? DEFAULT_GRAPH_TASK_QUEUE),
  );

  setHandler(stateQuery, () => state, { description: HANDLER_DESCRIPTIONS.state });
  setHandler(orderUpdatedSignal, (notice) => ctx.inbox.onOrderUpdated(notice), {
    description: HANDLER_DESCRIPTIONS.orderUpdated,
  });
  setHandler(ackResultSignal, (result) => ctx.inbox.onAckResult(result), {
    description: HANDLER_DESCRIPTIONS.ackResult,
  });
  registerCommandHandlers(ctx);
  ctx.visibility.publish();
  if (input.reopened && !input.carried) await recordLateChange(ctx, 'reopened');

  for (;;) {
    await runPhases(ctx, input);
    // Let Update handlers that are finishing return their results before the run closes.
    await condition(allHandlersFinished);
    // The poller's signal came in as the run was ending: Meta changed the order after the run's
    // last read. Recorded here, or it would end with the run (runs from before the patch end as they did).
    if (!ctx.inbox.metaChangeNoticed || !patched(LATE_NOTICE_PATCH)) return state;
    await recordLateChange(ctx, 'noticed while ending');
  }
}

/** Patch id: a change Meta reported while the run was ending is recorded before the run ends. */
export const LATE_NOTICE_PATCH = 'late-notice-before-end';

/** The order's phases, until it ends (or continues as new). */
async function runPhases(ctx: OrderContext, input: OrderWorkflowInput): Promise<void> {
  const { state } = ctx;
  while (!isTerminal(state)) {
    switch (state.phase) {
      case 'AWAITING_RELEASE':
        await awaitRelease(ctx);
        break;
      case 'ACKNOWLEDGING':
        await acknowledge(ctx, input.ackMode ?? 'single');
        break;
      case 'IN_PROGRESS':
      case 'RETURN_WINDOW':
        await serveOpenOrder(ctx);
        break;
    }
    if (!isTerminal(state) && historyIsLong(ctx.policy)) {
      // Only at a quiet point: no command holds the lock and every handler has returned.
      // (Waiting here, not looping back, matters: the phase waits return at once while history is long.)
      await condition(() => !ctx.lock.isBusy && allHandlersFinished());
      state.continuedAsNew += 1;
      await continueAsNew<typeof orderWorkflow>({ ...input, carried: fitForCarryOver(state) });
    }
  }
}
