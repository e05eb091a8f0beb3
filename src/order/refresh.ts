/**
 * Refresh: read the order from Meta (or take the snapshot a signal brought), fold in what changed,
 * and report changes made outside this integration to the OMS. Workflow code.
 */
import type { OrderSnapshot } from '../api/order-state.js';
import { orderStateRank } from '../domain/order-states.js';
import type { OrderContext } from './context.js';
import { createLedger, reconcile } from './item-ledger.js';

/** Refreshes the order from Meta under the order's lock and folds in what changed. */
export async function refresh(ctx: OrderContext): Promise<OrderSnapshot> {
  return ctx.lock.exclusive(async () => {
    // The poller's snapshot, when it brought one, saves a Graph read.
    const noticed = ctx.inbox.takeNotice();
    const snapshot =
      noticed ??
      (await ctx.attention.step('refresh from Meta', () =>
        ctx.activities.graphRead.fetchOrderSnapshot(ctx.state.orderId),
      ));
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
    await reconcileExternalChanges(ctx, snapshot);
    return snapshot;
  });
}

/** Shipments and cancellations Meta reports that we did not make: buyer, support or Commerce Manager. */
async function reconcileExternalChanges(ctx: OrderContext, snapshot: OrderSnapshot): Promise<void> {
  const s = ctx.state;
  const statuses = snapshot.items
    .filter((i) => i.status)
    .map((i) => ({ retailerId: i.retailerId, fulfilled: i.status!.fulfilled, cancelled: i.status!.cancelled }));
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
  ctx.visibility.publish();
}
