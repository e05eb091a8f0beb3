/**
 * IN_PROGRESS and RETURN_WINDOW: commands run in their own handlers (src/order/commands); this loop
 * refreshes from Meta, notices when every unit is shipped or cancelled, and closes the return window.
 * Workflow code.
 */
import { condition, patched } from '@temporalio/workflow';
import type { OrderContext } from './context.js';
import { historyIsLong } from './continue-as-new.js';
import { isFulfilled, isFullyCancelled } from './item-ledger.js';
import { hasOpenReturn } from './meta-books.js';
import { refresh } from './refresh.js';
import { readMetaBeforeEnding } from './reopen.js';

/** IN_PROGRESS and RETURN_WINDOW: commands run in their handlers; this loop refreshes and moves phases. */
export async function serveOpenOrder(ctx: OrderContext): Promise<void> {
  const s = ctx.state;
  const { oms } = ctx;
  if (s.phase === 'IN_PROGRESS') {
    const fulfilled = () => s.ledger !== undefined && isFulfilled(s.ledger);
    const woken = () => fulfilled() || ctx.inbox.metaChangeNoticed || historyIsLong(ctx.policy);
    if (patched(KEPT_TIMERS_PATCH)) {
      ctx.refreshTimer.start(ctx.policy.refreshIntervalMs);
      await condition(() => woken() || ctx.refreshTimer.due);
      ctx.refreshTimer.take();
    } else {
      await condition(woken, ctx.policy.refreshIntervalMs, {
        summary: 'Until fulfilled or Meta changes the order; then read Meta again',
      });
    }
    if (!fulfilled()) {
      if (!historyIsLong(ctx.policy) || ctx.inbox.metaChangeNoticed) await refresh(ctx);
      if (!fulfilled()) return flagIfAtRisk(ctx);
    }
    await condition(() => !ctx.lock.isBusy);
    s.fulfilledAt = ctx.now();
    // The ship command that fulfilled it completed the OMS order in its own activity (ship.ts).
    if (!s.omsCompleted) await oms.markCompleted(s.orderId);
    if (isFullyCancelled(s.ledger!)) {
      await readMetaBeforeEnding(ctx);
      ctx.setPhase('CANCELLED');
      return;
    }
    ctx.setPhase('RETURN_WINDOW');
    return;
  }
  const windowEndsAt = Date.parse(s.fulfilledAt!) + ctx.policy.returnWindowMs;
  // A return still open when the window ends keeps the order open (and refreshing) until Meta
  // shows it refunded, declined or closed: the refund that settles it must reach the books.
  const closesAt = hasOpenReturn(s) ? Math.max(windowEndsAt, Date.now() + ctx.policy.refreshIntervalMs) : windowEndsAt;
  const remaining = closesAt - Date.now();
  if (remaining <= 0) {
    await condition(() => !ctx.lock.isBusy);
    await readMetaBeforeEnding(ctx);
    // The last read found a return: the window stays open until it is settled.
    if (hasOpenReturn(s)) return;
    ctx.setPhase('CLOSED');
    return;
  }
  let woken: boolean;
  if (patched(KEPT_TIMERS_PATCH)) {
    // The refresh timer runs on from IN_PROGRESS; the window's end has a timer of its own. Once it
    // fires, the window's next safety-net read is `returnWindowRefreshMs` away (runs from before
    // the patch read Meta every `refreshIntervalMs`: about 120 reads in a 30-day window).
    const interval = patched(SLOW_WINDOW_REFRESH_PATCH)
      ? ctx.policy.returnWindowRefreshMs
      : ctx.policy.refreshIntervalMs;
    ctx.refreshTimer.start(interval);
    ctx.windowTimer.start(remaining);
    await condition(
      () => ctx.inbox.metaChangeNoticed || historyIsLong(ctx.policy) || ctx.refreshTimer.due || ctx.windowTimer.due,
    );
    woken = !ctx.refreshTimer.take() && !ctx.windowTimer.take();
  } else {
    woken = await condition(
      () => ctx.inbox.metaChangeNoticed || historyIsLong(ctx.policy),
      Math.min(remaining, ctx.policy.refreshIntervalMs),
      { summary: 'Return window: wait for a change on Meta, the next refresh or the window to close' },
    );
  }
  // A refund or return made by support reaches the order through the poller's signal, or through
  // this periodic refresh while the window is open (runs recorded before the patch refresh on signals only).
  const periodic = !woken && (Date.now() < closesAt || hasOpenReturn(s)) && patched(RETURN_WINDOW_REFRESH_PATCH);
  if (ctx.inbox.metaChangeNoticed || periodic) await refresh(ctx);
}

/** Patch id: an order not fully shipped close to its ship-by date is flagged at risk. */
export const AT_RISK_PATCH = 'at-risk-before-ship-by';

/**
 * Flags an order not fully shipped once its ship-by date is near (policy `atRiskBeforeShipByMs`):
 * the FbAtRisk search attribute, the Web UI's details and an ops notice, once. The ship-by date is
 * Meta's, or, when Meta gives none, Meta's shipping rule from the acknowledgement (`shipWithinMs`).
 * Checked each time the loop wakes (at least every `refreshIntervalMs`).
 */
async function flagIfAtRisk(ctx: OrderContext): Promise<void> {
  const s = ctx.state;
  if (s.atRisk || !s.acknowledgedAt) return;
  const shipBy = s.shipByDate
    ? Date.parse(`${s.shipByDate}T23:59:59Z`)
    : Date.parse(s.acknowledgedAt) + ctx.policy.shipWithinMs;
  if (Number.isNaN(shipBy) || Date.now() < shipBy - ctx.policy.atRiskBeforeShipByMs) return;
  if (!patched(AT_RISK_PATCH)) return;
  s.shipByDate ??= new Date(shipBy).toISOString().slice(0, 10);
  s.atRisk = true;
  ctx.visibility.publish();
  await ctx.oms.notifyOps({
    metaOrderId: s.orderId,
    severity: 'warning',
    reason: `order ${s.orderId} is not fully shipped and must ship by ${s.shipByDate}`,
  });
}

/**
 * Patch id: the open order's refresh timer and the return window's end are timers started once and
 * kept (kept-timer.ts), not started anew and cancelled each time a signal or command wakes the order.
 */
export const KEPT_TIMERS_PATCH = 'kept-refresh-timers';

/** Patch id: the return window refreshes from Meta periodically too, not only when signalled. */
export const RETURN_WINDOW_REFRESH_PATCH = 'return-window-refresh';

/** Patch id: the return window's periodic read is `returnWindowRefreshMs` apart, not `refreshIntervalMs`. */
export const SLOW_WINDOW_REFRESH_PATCH = 'slow-return-window-refresh';
