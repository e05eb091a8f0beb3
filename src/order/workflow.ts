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
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setHandler,
} from '@temporalio/workflow';
import { createLedger, isFulfilled, isFullyCancelled, reconcile } from './item-ledger.js';
import { acknowledge, type AckMode } from './acknowledgement.js';
import { orderActivities } from './activity-proxies.js';
import { registerCommandHandlers } from './commands/handlers.js';
import { OrderContext } from './context.js';
import { orderUpdatedSignal, stateQuery, ackResultSignal, type AckResult } from '../api/order-messages.js';
import type { OrderSnapshot, OrderWorkflowState } from '../api/order-state.js';
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
  const state = input.carried ?? initialState(input);
  const ctx = new OrderContext(state, policy, orderActivities(policy, input.graphTaskQueue ?? DEFAULT_GRAPH_TASK_QUEUE));
  const ackResults: AckResult[] = [];

  setHandler(stateQuery, () => state);
  setHandler(orderUpdatedSignal, (notice) => {
    if (notice.handedToAckBatcher) ctx.handedToAckBatcher = true;
    if (state.metaLastUpdated && notice.lastUpdated <= state.metaLastUpdated && notice.state === state.metaState) return;
    ctx.metaChangeNoticed = true;
    if (notice.snapshot) ctx.noticedSnapshot = notice.snapshot;
  });
  setHandler(ackResultSignal, (result) => {
    ackResults.push(result);
    // In bulk mode the poller may hand a released order straight to the ack batcher: then this answer
    // is how the order learns that Meta released it (with the order as listed, when the batch read it).
    if (state.phase !== 'AWAITING_RELEASE') return;
    ctx.metaChangeNoticed = true;
    if (result.snapshot && (!state.metaLastUpdated || result.snapshot.lastUpdated > state.metaLastUpdated)) ctx.noticedSnapshot = result.snapshot;
  });
  registerCommandHandlers(ctx);
  ctx.publish();

  while (!isTerminal(state)) {
    switch (state.phase) {
      case 'AWAITING_RELEASE':
        await awaitRelease(ctx);
        break;
      case 'ACKNOWLEDGING':
        await acknowledge(ctx, { mode: input.ackMode ?? 'single', results: ackResults });
        break;
      case 'IN_PROGRESS':
      case 'RETURN_WINDOW':
        await serveOpenOrder(ctx);
        break;
    }
    if (!isTerminal(state) && ctx.historyIsLong()) {
      // Only at a quiet point: no command holds the lock and every handler has returned.
      // (Waiting here, not looping back, matters: the phase waits return at once while history is long.)
      await condition(() => !ctx.isBusy && allHandlersFinished());
      state.continuedAsNew += 1;
      await continueAsNew<typeof orderWorkflow>({ ...input, carried: state });
    }
  }
  // Let Update handlers that are finishing return their results before the run closes.
  await condition(allHandlersFinished);
  return state;
}

/** Refreshes the order from Meta under the order's lock and folds in what changed. */
async function refresh(ctx: OrderContext): Promise<OrderSnapshot> {
  return ctx.exclusive(async () => {
    ctx.metaChangeNoticed = false;
    // The poller's snapshot, when it brought one, saves a Graph read.
    const noticed = ctx.noticedSnapshot;
    ctx.noticedSnapshot = undefined;
    const snapshot = noticed ?? (await ctx.withAttention('refresh from Meta', () => ctx.activities.graphRead.fetchOrderSnapshot(ctx.state.orderId)));
    ctx.absorbSnapshot(snapshot);
    if (!ctx.state.ledger) {
      ctx.state.ledger = createLedger(snapshot.items.map((i) => ({ itemId: i.itemId, retailerId: i.retailerId, productName: i.productName, quantity: i.quantity, pricePerUnit: i.pricePerUnit })));
    }
    await reconcileExternalChanges(ctx, snapshot);
    return snapshot;
  });
}

/** Shipments and cancellations Meta reports that we did not make: buyer, support or Commerce Manager. */
async function reconcileExternalChanges(ctx: OrderContext, snapshot: OrderSnapshot): Promise<void> {
  const s = ctx.state;
  const statuses = snapshot.items.filter((i) => i.status).map((i) => ({ retailerId: i.retailerId, fulfilled: i.status!.fulfilled, cancelled: i.status!.cancelled }));
  if (!s.ledger || statuses.length === 0) return;
  const result = reconcile(s.ledger, statuses);
  if (result.externallyShipped.length === 0 && result.externallyCancelled.length === 0) return;
  s.ledger = result.ledger;
  const at = ctx.now();
  const { oms } = ctx;
  if (result.externallyShipped.length) {
    s.externalChanges.push({ at, kind: 'shipped', lines: result.externallyShipped });
    await oms.notifyExternalChange({ metaOrderId: s.orderId, kind: 'shipped', detail: `shipped outside this integration: ${result.externallyShipped.map((l) => `${l.quantity} × ${l.retailerId}`).join(', ')}` });
  }
  if (result.externallyCancelled.length) {
    const beforeRelease = s.phase === 'AWAITING_RELEASE';
    s.externalChanges.push({ at, kind: beforeRelease ? 'cancelled_before_release' : 'cancelled', lines: result.externallyCancelled });
    if (!beforeRelease) {
      await oms.recordCancellation({ metaOrderId: s.orderId, requestId: `external-${snapshot.lastUpdated}`, items: result.externallyCancelled, reasonCode: 'EXTERNAL', restock: false, origin: 'external' });
    }
    await oms.notifyExternalChange({ metaOrderId: s.orderId, kind: beforeRelease ? 'cancelled_before_release' : 'cancelled', detail: `cancelled outside this integration: ${result.externallyCancelled.map((l) => `${l.quantity} × ${l.retailerId}`).join(', ')}` });
  }
  ctx.publish();
}

/** FB_PROCESSING: hold stock for the order, then wait until Meta releases or cancels it. */
async function awaitRelease(ctx: OrderContext): Promise<void> {
  const s = ctx.state;
  const { oms } = ctx;
  if (!s.ledger) await refresh(ctx);
  if (s.reservation.status === 'none' && s.metaState === 'FB_PROCESSING') {
    const lines = s.ledger!.items.map((i) => ({ retailerId: i.retailerId, quantity: i.ordered }));
    const reservation = await oms.reserveInventory(s.orderId, lines);
    s.reservation = { status: 'reserved', shortages: reservation.shortages };
    if (reservation.shortages.length) {
      await oms.notifyOps({ metaOrderId: s.orderId, severity: 'warning', reason: `not enough stock to reserve: ${reservation.shortages.map((l) => `${l.quantity} × ${l.retailerId}`).join(', ')}` });
    }
  }
  let delay = ctx.policy.releaseRefresh.initialMs;
  while (s.metaState === 'FB_PROCESSING' && s.phase === 'AWAITING_RELEASE') {
    await flagIfOverdue(ctx);
    await condition(() => ctx.metaChangeNoticed || s.phase !== 'AWAITING_RELEASE' || ctx.historyIsLong(), delay);
    if (s.phase !== 'AWAITING_RELEASE') return; // a seller cancel of an overdue order ended it
    if (ctx.historyIsLong() && !ctx.metaChangeNoticed) return; // continue-as-new, then come back here
    await refresh(ctx);
    delay = Math.min(delay * ctx.policy.releaseRefresh.factor, ctx.policy.releaseRefresh.maxMs);
  }
  if (s.phase !== 'AWAITING_RELEASE') return;
  if (s.ledger && isFullyCancelled(s.ledger)) {
    // Never released: the buyer cancelled in the remorse window, or Meta stopped it.
    await oms.releaseInventory(s.orderId);
    s.reservation = { ...s.reservation, status: 'released' };
    ctx.setPhase('CANCELLED');
    return;
  }
  ctx.setPhase('ACKNOWLEDGING');
}

async function flagIfOverdue(ctx: OrderContext): Promise<void> {
  const s = ctx.state;
  if (s.processingOverdue || !s.createdAt) return;
  if (Date.now() - Date.parse(s.createdAt) > ctx.policy.processingOverdueAfterMs) {
    s.processingOverdue = true;
    ctx.publish();
    await ctx.oms.notifyOps({ metaOrderId: s.orderId, severity: 'warning', reason: `order ${s.orderId} has been in FB_PROCESSING for over 24 hours; a seller cancel is now allowed` });
  }
}

/** IN_PROGRESS and RETURN_WINDOW: commands run in their handlers; this loop refreshes and moves phases. */
async function serveOpenOrder(ctx: OrderContext): Promise<void> {
  const s = ctx.state;
  const { oms } = ctx;
  if (s.phase === 'IN_PROGRESS') {
    const fulfilled = () => s.ledger !== undefined && isFulfilled(s.ledger);
    await condition(() => fulfilled() || ctx.metaChangeNoticed || ctx.historyIsLong(), ctx.policy.refreshIntervalMs);
    if (!fulfilled()) {
      if (!ctx.historyIsLong() || ctx.metaChangeNoticed) await refresh(ctx);
      if (!fulfilled()) return;
    }
    await condition(() => !ctx.isBusy);
    s.fulfilledAt = ctx.now();
    await oms.markCompleted(s.orderId);
    if (isFullyCancelled(s.ledger!)) {
      ctx.setPhase('CANCELLED');
      return;
    }
    ctx.setPhase('RETURN_WINDOW');
    return;
  }
  const closesAt = Date.parse(s.fulfilledAt!) + ctx.policy.returnWindowMs;
  const remaining = closesAt - Date.now();
  if (remaining <= 0) {
    await condition(() => !ctx.isBusy);
    ctx.setPhase('CLOSED');
    return;
  }
  await condition(() => ctx.metaChangeNoticed || ctx.historyIsLong(), Math.min(remaining, ctx.policy.refreshIntervalMs));
  if (ctx.metaChangeNoticed) await refresh(ctx);
}
