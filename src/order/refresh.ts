/**
 * Refresh: read the order from Meta (or take the snapshot a signal brought), fold in what changed,
 * and report changes made outside this integration to the OMS. Workflow code.
 */
import { patched } from '@temporalio/workflow';
import type { OrderSnapshot } from '../api/order-state.js';
import { orderStateRank } from '../domain/order-states.js';
import type { OrderContext } from './context.js';
import { createLedger, reconcile } from './item-ledger.js';
import { readMetaHistory, readsMetaHistory, reconcileMetaHistory, reconcileReturns } from './meta-books.js';
import type { Ledger } from '../api/ledger.js';
import { edgesToRead, type OrderHistory } from '../api/order-history.js';

/** Refreshes the order from Meta under the order's lock and folds in what changed. */
export async function refresh(ctx: OrderContext): Promise<OrderSnapshot> {
  return ctx.lock.exclusive(() => refreshHoldingLock(ctx));
}

/** The refresh itself, for a caller that already holds the order's lock. */
export async function refreshHoldingLock(
  ctx: OrderContext,
  options: { fromMeta?: boolean } = {},
): Promise<OrderSnapshot> {
  // The poller's snapshot, when it brought one, saves a Graph read (unless the caller needs Meta's word now).
  const taken = ctx.inbox.takeNotice();
  const noticed = options.fromMeta ? undefined : taken;
  const read = noticed ? undefined : await readFromMeta(ctx);
  const snapshot = noticed ?? read!.snapshot;
  absorbSnapshot(ctx, snapshot);
  if (!ctx.state.ledger) {
    ctx.state.ledger = createLedger(
      snapshot.items.map((i) => ({
        itemId: i.itemId,
        retailerId: i.retailerId,
        productName: i.productName,
        quantity: i.quantity,
        pricePerUnit: i.pricePerUnit,
      })),
    );
  }
  await reconcileWithMeta(ctx, snapshot, read?.history);
  return snapshot;
}

/** Patch id: a refresh of a released order reads the order and its history edges in one activity. */
export const ONE_READ_PATCH = 'refresh-reads-in-one-activity';

/**
 * The order from Meta. Once it is released (and its run reads the history edges), the edges come
 * in the same activity when its last_updated moved: one action where two were (runs recorded
 * before the patch read them apart).
 */
async function readFromMeta(ctx: OrderContext): Promise<{ snapshot: OrderSnapshot; history?: OrderHistory }> {
  const s = ctx.state;
  const { graphRead } = ctx.activities;
  if (s.phase !== 'AWAITING_RELEASE' && readsMetaHistory() && patched(ONE_READ_PATCH)) {
    const read = await ctx.attention.step('refresh from Meta', () =>
      graphRead.fetchOrderWithHistory({ orderId: s.orderId, historyReadAt: s.historyReadAt }),
    );
    return read.history ? { snapshot: read.snapshot, history: read.history } : { snapshot: read.snapshot };
  }
  return { snapshot: await ctx.attention.step('refresh from Meta', () => graphRead.fetchOrderSnapshot(s.orderId)) };
}

/**
 * Once the order is released, Meta's history edges are the truth (src/order/meta-books.ts), read
 * only when `last_updated` moved. Before release (a buyer cancel in the remorse window, no OMS
 * order yet), and in runs recorded before the edges were read, Meta's per-item counts are.
 */
async function reconcileWithMeta(ctx: OrderContext, snapshot: OrderSnapshot, read?: OrderHistory): Promise<void> {
  const s = ctx.state;
  if (s.phase === 'AWAITING_RELEASE' || !readsMetaHistory()) return reconcileExternalChanges(ctx, snapshot);
  if (snapshot.lastUpdated === s.historyReadAt) return;
  // Read with the order (one activity), or now.
  const history = read ?? (await readMetaHistory(ctx, edgesToRead(snapshot.items)));
  if (s.metaObjects === undefined && s.ledger && hasProgress(s.ledger)) {
    // An order that lived before the edges were read: its ledger followed Meta's counts. Catch up
    // on those once more, then take Meta's objects as they stand, so none is applied a second time.
    await reconcileExternalChanges(ctx, snapshot);
    s.metaObjects = {
      shipments: history.shipments.map((o) => o.id),
      cancellations: history.cancellations.map((o) => o.id),
      refunds: history.refunds.map((o) => o.id),
    };
    await reconcileReturns(ctx, history.returns);
  } else {
    await reconcileMetaHistory(ctx, history);
  }
  // Meta's last_updated has whole seconds: a change later in the same second would not move it. The
  // edges count as read for this last_updated only when read after that second was over.
  if (Date.now() - Date.parse(snapshot.lastUpdated) >= SETTLED_AFTER_MS) s.historyReadAt = snapshot.lastUpdated;
}

/** How long after an order's last_updated its history edges are taken as settled. */
export const SETTLED_AFTER_MS = 2_000;

const hasProgress = (ledger: Ledger) =>
  ledger.items.some(
    (item) => item.shipped > 0 || item.cancelled > 0 || item.refundedQuantity > 0 || item.refundedAmount !== '0.00',
  );

/** Shipments and cancellations Meta's per-item counts show beyond our ledger: buyer, support or Commerce Manager. */
async function reconcileExternalChanges(ctx: OrderContext, snapshot: OrderSnapshot): Promise<void> {
  const s = ctx.state;
  const statuses = snapshot.items
    .filter((i) => i.status)
    .map((i) => ({
      itemId: i.itemId,
      retailerId: i.retailerId,
      fulfilled: i.status!.fulfilled,
      cancelled: i.status!.cancelled,
    }));
  if (!s.ledger || statuses.length === 0) return;
  const result = reconcile(s.ledger, statuses);
  if (result.externallyShipped.length === 0 && result.externallyCancelled.length === 0) return;
  s.ledger = result.ledger;
  const at = ctx.now();
  const { oms } = ctx;
  if (result.externallyShipped.length) {
    s.externalChanges.push({ at, kind: 'shipped', lines: result.externallyShipped });
    await oms.notifyExternalChange({
      metaOrderId: s.orderId,
      kind: 'shipped',
      detail: `shipped outside this integration: ${result.externallyShipped.map((l) => `${l.quantity} × ${l.retailerId}`).join(', ')}`,
    });
  }
  if (result.externallyCancelled.length) {
    const beforeRelease = s.phase === 'AWAITING_RELEASE';
    s.externalChanges.push({
      at,
      kind: beforeRelease ? 'cancelled_before_release' : 'cancelled',
      lines: result.externallyCancelled,
    });
    if (!beforeRelease) {
      await oms.recordCancellation({
        metaOrderId: s.orderId,
        requestId: `external-${snapshot.lastUpdated}`,
        items: result.externallyCancelled,
        reasonCode: 'EXTERNAL',
        restock: false,
        origin: 'external',
      });
    }
    await oms.notifyExternalChange({
      metaOrderId: s.orderId,
      kind: beforeRelease ? 'cancelled_before_release' : 'cancelled',
      detail: `cancelled outside this integration: ${result.externallyCancelled.map((l) => `${l.quantity} × ${l.retailerId}`).join(', ')}`,
    });
  }
  ctx.visibility.publish();
}

/** Takes in what Meta reports about the order (never buyer data). */
export function absorbSnapshot(ctx: OrderContext, snapshot: OrderSnapshot): void {
  const s = ctx.state;
  // A snapshot read before our own last write can arrive after it: Meta's states only move
  // forward, so an older-looking state never replaces a newer one.
  if (orderStateRank(snapshot.state) >= orderStateRank(s.metaState)) s.metaState = snapshot.state;
  if (!s.metaLastUpdated || snapshot.lastUpdated > s.metaLastUpdated) s.metaLastUpdated = snapshot.lastUpdated;
  s.createdAt = snapshot.created;
  s.channel = snapshot.channel ?? s.channel;
  s.shippingPaid = snapshot.shippingPaid ?? s.shippingPaid;
  s.shipByDate = snapshot.shipByDate ?? s.shipByDate;
  ctx.visibility.publish();
}
