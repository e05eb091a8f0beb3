/**
 * AWAITING_RELEASE (Meta's FB_PROCESSING): hold stock for the order, then wait until Meta releases
 * or cancels it, refreshing on a timer with backoff or at once when a signal says it changed.
 * Workflow code.
 */
import { condition, patched } from '@temporalio/workflow';
import type { OrderContext } from './context.js';
import { historyIsLong } from './continue-as-new.js';
import { isFullyCancelled } from './item-ledger.js';
import { refresh } from './refresh.js';

/** FB_PROCESSING: hold stock for the order, then wait until Meta releases or cancels it. */
export async function awaitRelease(ctx: OrderContext): Promise<void> {
  const s = ctx.state;
  const { oms } = ctx;
  if (!s.ledger) await refresh(ctx);
  if (s.reservation.status === 'none' && s.metaState === 'FB_PROCESSING') {
    const lines = s.ledger!.items.map((i) => ({ retailerId: i.retailerId, quantity: i.ordered }));
    const reservation = await oms.reserveInventory(s.orderId, lines);
    s.reservation = { status: 'reserved', shortages: reservation.shortages };
    if (reservation.shortages.length) {
      await oms.notifyOps({
        metaOrderId: s.orderId,
        severity: 'warning',
        reason: `not enough stock to reserve: ${reservation.shortages.map((l) => `${l.quantity} × ${l.retailerId}`).join(', ')}`,
      });
    }
  }
  let delay = ctx.policy.releaseRefresh.initialMs;
  while (s.metaState === 'FB_PROCESSING' && s.phase === 'AWAITING_RELEASE') {
    await flagIfOverdue(ctx);
    await releaseStockIfStuck(ctx);
    await condition(
      () => ctx.inbox.metaChangeNoticed || s.phase !== 'AWAITING_RELEASE' || historyIsLong(ctx.policy),
      delay,
      { summary: 'Wait for Meta to release the order (FB_PROCESSING), then check again' },
    );
    if (s.phase !== 'AWAITING_RELEASE') return; // a seller cancel of an overdue order ended it
    if (historyIsLong(ctx.policy) && !ctx.inbox.metaChangeNoticed) return; // continue-as-new, then come back here
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

/** Patch id: an order stuck in FB_PROCESSING gives its stock back after `releaseStockAfterMs`. */
export const RELEASE_STUCK_STOCK_PATCH = 'release-stuck-stock';

/**
 * Meta may never release an order (a risk review that ends in a cancel it does not always report at
 * once): its units would be held from other buyers for good. Past the policy's limit they go back
 * to stock and ops hear of it; the pending OMS order reserves them again if Meta releases it later.
 */
async function releaseStockIfStuck(ctx: OrderContext): Promise<void> {
  const s = ctx.state;
  if (s.reservation.status !== 'reserved' || !s.createdAt) return;
  if (Date.now() - Date.parse(s.createdAt) <= ctx.policy.releaseStockAfterMs) return;
  if (!patched(RELEASE_STUCK_STOCK_PATCH)) return;
  await ctx.oms.releaseInventory(s.orderId);
  s.reservation = { ...s.reservation, status: 'released', releasedWhileProcessing: true };
  ctx.visibility.publish();
  await ctx.oms.notifyOps({
    metaOrderId: s.orderId,
    severity: 'warning',
    reason: `order ${s.orderId} is still in FB_PROCESSING after ${hours(ctx.policy.releaseStockAfterMs)}: its reserved stock was given back; it is reserved again if Meta releases the order`,
  });
}

const hours = (ms: number) => (ms >= 3_600_000 ? `${Math.round(ms / 3_600_000)} h` : `${Math.round(ms / 1000)} s`);

async function flagIfOverdue(ctx: OrderContext): Promise<void> {
  const s = ctx.state;
  if (s.processingOverdue || !s.createdAt) return;
  if (Date.now() - Date.parse(s.createdAt) > ctx.policy.processingOverdueAfterMs) {
    s.processingOverdue = true;
    ctx.visibility.publish();
    await ctx.oms.notifyOps({
      metaOrderId: s.orderId,
      severity: 'warning',
      reason: `order ${s.orderId} has been in FB_PROCESSING for over 24 hours; a seller cancel is now allowed`,
    });
  }
}
