/**
 * ACKNOWLEDGING: the OMS gets the order first (pending, with its immutable reference), then Meta
 * gets the acknowledgement, then the OMS order moves to processing. OMS state never moves on
 * without Meta's confirmation.
 *
 *   single: createPendingOmsOrder (reads the buyer), then acknowledge_order - two Graph calls.
 *   bulk:   the ack batcher does both for up to 100 orders at once - one listing page and one
 *           acknowledge_orders call per batch. An order the batch did not take goes the single way.
 *           The poller may have handed the order to the batcher already (its answer then arrived
 *           in AWAITING_RELEASE and brought the order here, or the poller started the workflow
 *           of an order first seen CREATED and said so): the order does not ask again. The
 *           batch also marks the OMS orders Meta acknowledged processing, so the order need not.
 */
import { ApplicationFailure, condition, getExternalWorkflowHandle, patched } from '@temporalio/workflow';
import { ackRequestSignal } from '../api/ack-batcher-messages.js';
import type { AckResult } from '../api/order-messages.js';
import type { OrderWorkflowState } from '../api/order-state.js';
import type { AckMode } from '../api/ack-modes.js';
import { rejectedByMeta } from './commands/command.js';
import type { OrderContext } from './context.js';
import { isFullyCancelled } from './item-ledger.js';
import { startMetaBooks } from './meta-books.js';
import { refreshHoldingLock } from './refresh.js';
import { ackBatcherWorkflowId } from '../api/ids.js';

export async function acknowledge(ctx: OrderContext, mode: AckMode): Promise<void> {
  const s = ctx.state;
  // An order already IN_PROGRESS was acknowledged before (a lost response, or another tool): no call.
  let omsMarkedByBatch = false;
  let cancelled = false;
  if (s.metaState === 'CREATED') {
    await ctx.lock.exclusive(async () => {
      const batched = mode === 'bulk' && !s.merchantOrderReference ? await acknowledgeInBatch(ctx) : undefined;
      const alone = batched ? undefined : await acknowledgeAlone(ctx);
      cancelled = alone === 'cancelled';
      if (cancelled) return;
      // The batch, or the acknowledge activity itself, may have marked the OMS order processing.
      omsMarkedByBatch = batched?.omsProcessing === true || alone === 'acknowledged, OMS processing';
      s.metaState = 'IN_PROGRESS';
    });
  } else if (!s.merchantOrderReference) {
    await createPendingOmsOrder(ctx);
  }
  s.acknowledgedAt = ctx.now();
  s.reservation = { ...s.reservation, status: s.reservation.status === 'reserved' ? 'consumed' : s.reservation.status };
  // The batch marks its acknowledged orders processing right after Meta's answer; if it could not, the order does.
  if (cancelled) return endCancelledBeforeAcknowledgement(ctx);
  if (!omsMarkedByBatch) await ctx.oms.markProcessing(s.orderId);
  startMetaBooks(s);
  ctx.setPhase('IN_PROGRESS');
}

/**
 * Cancelled while CREATED (the buyer through support, or Meta) before our acknowledgement landed:
 * the refresh has told the OMS (Meta's cancellation, with its restock flag); the stock held for the
 * order goes back and the order ends.
 */
async function endCancelledBeforeAcknowledgement(ctx: OrderContext): Promise<void> {
  const s = ctx.state;
  await ctx.oms.releaseInventory(s.orderId);
  s.reservation = { ...s.reservation, status: 'released' };
  ctx.setPhase('CANCELLED');
}

/**
 * Nothing holds the order's stock now, so the pending OMS order reserves it: the order was first
 * seen already released (never reserved), or it gave its stock back while stuck in FB_PROCESSING.
 */
function omsReservesAtCreation(s: OrderWorkflowState): boolean {
  return s.reservation.status === 'none' || s.reservation.releasedWhileProcessing === true;
}

async function createPendingOmsOrder(ctx: OrderContext, options = { publish: true }): Promise<string> {
  const s = ctx.state;
  const { merchantOrderReference } = await ctx.attention.step('create the pending OMS order', () =>
    ctx.activities.graphWrite.createPendingOmsOrder({
      orderId: s.orderId,
      channel: s.channel ?? 'facebook',
      ...(omsReservesAtCreation(s) ? { reserveStock: true } : {}),
    }),
  );
  s.merchantOrderReference = merchantOrderReference;
  if (options.publish) ctx.visibility.publish();
  return merchantOrderReference;
}

/** Patch id: an acknowledgement Meta refuses makes the order look at itself first (cancelled while CREATED?). */
export const ACK_REFUSAL_CHECKS_ORDER_PATCH = 'ack-refusal-checks-order';

/**
 * Patch id: acknowledging alone, the acknowledge activity also marks the OMS order processing, and
 * the OMS reference is shown with the order's next change (its acknowledgement) rather than alone.
 */
export const ACK_ALONE_IN_FEWER_ACTIONS_PATCH = 'ack-alone-in-fewer-actions';

type AloneOutcome = 'acknowledged' | 'acknowledged, OMS processing' | 'cancelled';

/** Acknowledges with `acknowledge_order`; runs holding the order's lock. */
async function acknowledgeAlone(ctx: OrderContext): Promise<AloneOutcome> {
  const s = ctx.state;
  const fewer = patched(ACK_ALONE_IN_FEWER_ACTIONS_PATCH);
  const reference = s.merchantOrderReference ?? (await createPendingOmsOrder(ctx, { publish: !fewer }));
  const send = () =>
    ctx.activities.graphWrite.acknowledgeOrder({
      orderId: s.orderId,
      merchantOrderReference: reference,
      ...(fewer ? { markOmsProcessing: true } : {}),
    });
  const outcome = (result: { omsProcessing?: boolean | undefined } | undefined): AloneOutcome =>
    result?.omsProcessing === true ? 'acknowledged, OMS processing' : 'acknowledged';
  try {
    // A refusal of the content ("not CREATED") is handed back here instead of parking the order,
    // in runs recorded after the patch (older ones park as they did).
    return outcome(
      await ctx.attention.step(
        'acknowledge',
        send,
        (failure) => rejectedByMeta(failure) && patched(ACK_REFUSAL_CHECKS_ORDER_PATCH),
      ),
    );
  } catch (err) {
    if (!(err instanceof ApplicationFailure)) throw err;
    // Meta refused: most likely the order was cancelled while CREATED. Read it (and its history)
    // from Meta; if every unit is cancelled, the order ends instead of waiting for an operator.
    await refreshHoldingLock(ctx, { fromMeta: true });
    if (s.ledger && isFullyCancelled(s.ledger)) return 'cancelled';
    return outcome(await ctx.attention.step('acknowledge', send));
  }
}

/** Hands the order to the ack batcher (unless the poller already did) and waits for its answer; undefined means "do it alone". */
async function acknowledgeInBatch(ctx: OrderContext): Promise<Extract<AckResult, { acknowledged: true }> | undefined> {
  const s = ctx.state;
  const answer = () => ctx.inbox.ackResultFor(s.orderId);
  // Handed over by the poller along with the signal that started this workflow: the answer usually
  // follows within seconds. Ask the batcher itself only if it does not (a lost request, no batcher).
  if (!answer() && ctx.inbox.handedToAckBatcher)
    await condition(() => answer() !== undefined, ctx.policy.ackHandOverGraceMs, {
      summary: "Wait for the ack batcher's answer (handed over by the poller)",
    });
  if (!answer()) {
    try {
      await getExternalWorkflowHandle(ackBatcherWorkflowId(s.cmsId)).signal(ackRequestSignal, {
        orderId: s.orderId,
        channel: s.channel ?? 'facebook',
        ...(omsReservesAtCreation(s) ? { reserveStock: true } : {}),
      });
    } catch {
      return undefined; // no batcher running for this account: acknowledge alone
    }
    await condition(() => answer() !== undefined, ctx.policy.ackBatchTimeoutMs, {
      summary: 'Wait for the ack batcher to acknowledge this order in bulk',
    });
  }
  const result = answer();
  if (result?.acknowledged !== true) return undefined;
  s.merchantOrderReference = result.merchantOrderReference;
  ctx.visibility.publish();
  return result;
}
