/**
 * Meta's books are the truth: the order's shipments, cancellations and refunds as Meta's history
 * edges list them. Each Meta object is applied to the ledger once, by Meta's object id, however
 * often it is read. Objects our own commands made are recognised (a shipment by the
 * external_shipment_id we gave it, a cancellation or refund by its content) and only marked; the
 * others were made outside the integration (Commerce Manager, support, the buyer) and reach the
 * OMS as structured records: a shipment with carrier and tracking, a cancellation with Meta's
 * restock flag and who initiated it, a refund with the amounts Meta computed. Workflow code.
 */
import { patched } from '@temporalio/workflow';
import type { Ledger, RefundPlan, UnitLine } from '../api/ledger.js';
import { fromMinorUnits, toMinorUnits, type Money } from '../domain/money.js';
import type {
  MetaCancellation,
  MetaLine,
  HistoryEdge,
  MetaObjectKind,
  MetaRefund,
  MetaReturn,
  MetaShipment,
  OrderHistory,
} from '../api/order-history.js';
import type { OrderReturn, OrderWorkflowState, OwnChangeAwaitingMetaId } from '../api/order-state.js';
import { isOpenReturn } from '../domain/returns.js';
import type { OrderContext } from './context.js';
import {
  applyCancellation,
  applyRefund,
  applyShipment,
  isFulfilled,
  resolveItem,
  unshippedUnits,
} from './item-ledger.js';

/** Patch id: refreshes read Meta's history edges, and own cancellations and refunds read back their Meta object. */
export const META_HISTORY_PATCH = 'meta-history-edges';

/** Whether this run reads Meta's history edges (runs recorded before the patch replay without). */
export const readsMetaHistory = (): boolean => patched(META_HISTORY_PATCH);

/**
 * From its acknowledgement on, an order keeps Meta's objects by id. (An order acknowledged before
 * the edges were read has none yet: its first read adopts what Meta shows, see refresh.ts.)
 */
export function startMetaBooks(s: OrderWorkflowState): void {
  if (readsMetaHistory()) s.metaObjects ??= { shipments: [], cancellations: [], refunds: [] };
}

function metaObjects(s: OrderWorkflowState): NonNullable<OrderWorkflowState['metaObjects']> {
  s.metaObjects ??= { shipments: [], cancellations: [], refunds: [] };
  return s.metaObjects;
}

const isKnown = (s: OrderWorkflowState, kind: MetaObjectKind, id: string) => metaObjects(s)[kind].includes(id);
const markKnown = (s: OrderWorkflowState, kind: MetaObjectKind, id: string) => void metaObjects(s)[kind].push(id);

/** Meta's lines as ledger lines (by item id); lines naming no item of this order are left out. */
function toUnitLines(ledger: Ledger, lines: MetaLine[]): UnitLine[] {
  const out: UnitLine[] = [];
  for (const line of lines) {
    const item = resolveItem(ledger, line);
    if (item.ok && line.quantity > 0)
      out.push({ itemId: item.value.itemId, retailerId: item.value.retailerId, quantity: line.quantity });
  }
  return out;
}

/** Same lines, whatever their order: how an own change is recognised in Meta's list. */
function sameLines(a: UnitLine[], b: UnitLine[]): boolean {
  const key = (lines: UnitLine[]) =>
    lines
      .map((l) => `${l.itemId}:${l.quantity}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}

/** Reads Meta's history edges of the order (only the kinds asked for). */
export async function readMetaHistory(ctx: OrderContext, kinds?: HistoryEdge[]): Promise<OrderHistory> {
  const { orderId } = ctx.state;
  return ctx.attention.step('read the order history from Meta', () =>
    ctx.activities.graphRead.fetchOrderHistory({ orderId, ...(kinds ? { kinds } : {}) }),
  );
}

/** An own change Meta accepted: its Meta object is matched by content on this read or a later one. */
export function awaitMetaId(s: OrderWorkflowState, change: OwnChangeAwaitingMetaId): void {
  s.ownAwaitingMetaId = [...(s.ownAwaitingMetaId ?? []), change];
}

const sameMoney = (a: Money | undefined, b: Money | undefined) =>
  a === undefined ||
  b === undefined ||
  (a.currency === b.currency && toMinorUnits(a.amount) === toMinorUnits(b.amount));

/** Whether a Meta object is the one an own change made: same lines (and, for a refund, the same total). */
function isOwn(ledger: Ledger, own: OwnChangeAwaitingMetaId, object: MetaCancellation | MetaRefund): boolean {
  if (own.kind === 'cancellations') return sameLines(own.lines, toUnitLines(ledger, object.lines as MetaLine[]));
  const refund = object as MetaRefund;
  return sameLines(own.lines, refundUnits(ledger, refund)) && sameMoney(own.total, refund.total);
}

/** A refund's lines as units (an amount-only line counts 0 units): how an own refund is matched. */
export const refundedUnits = (plan: RefundPlan): UnitLine[] =>
  plan.lines.map((l) => ({ itemId: l.itemId, retailerId: l.retailerId, quantity: l.quantity ?? 0 }));

const refundUnits = (ledger: Ledger, refund: MetaRefund): UnitLine[] => refundedUnits(refundPlanOf(ledger, refund));

/** Takes the own change a Meta cancellation or refund stands for, if any. */
function takeOwn(
  s: OrderWorkflowState,
  kind: 'cancellations' | 'refunds',
  object: MetaCancellation | MetaRefund,
): OwnChangeAwaitingMetaId | undefined {
  const waiting = s.ownAwaitingMetaId ?? [];
  const index = waiting.findIndex((own) => own.kind === kind && isOwn(s.ledger!, own, object));
  if (index < 0) return undefined;
  const [own] = waiting.splice(index, 1);
  s.ownAwaitingMetaId = waiting;
  return own;
}

/** Refund lines as Meta computed them (a line without an amount is priced from the ledger). */
export function refundPlanOf(ledger: Ledger, refund: MetaRefund): RefundPlan {
  const lines: RefundPlan['lines'] = [];
  for (const line of refund.lines) {
    const item = resolveItem(ledger, line);
    if (!item.ok) continue;
    const { itemId, retailerId, pricePerUnit } = item.value;
    const amount =
      line.amount ??
      (line.quantity !== undefined
        ? {
            amount: fromMinorUnits(toMinorUnits(pricePerUnit.amount) * BigInt(line.quantity)),
            currency: pricePerUnit.currency,
          }
        : undefined);
    if (!amount) continue;
    lines.push({ itemId, retailerId, quantity: line.quantity, amount });
  }
  return {
    lines,
    shipping: refund.shipping,
    deductions: refund.deductions,
    adjustment: refund.adjustment,
    returnId: refund.returnId,
    total: refund.total,
  };
}

/**
 * Applies every object of `history` the ledger does not hold yet. Own objects are marked; external
 * ones are applied and reported to the OMS. Runs under the order's lock.
 */
export async function reconcileMetaHistory(ctx: OrderContext, history: OrderHistory): Promise<void> {
  const s = ctx.state;
  if (!s.ledger) return;
  const ours = new Set(
    Object.values(s.shipments)
      .map((shipment) => shipment.externalShipmentId)
      .filter((id): id is string => id !== undefined),
  );
  for (const shipment of history.shipments) {
    if (isKnown(s, 'shipments', shipment.id)) continue;
    markKnown(s, 'shipments', shipment.id);
    if (shipment.externalShipmentId && ours.has(shipment.externalShipmentId)) continue;
    await applyExternalShipment(ctx, shipment);
  }
  for (const cancellation of history.cancellations) {
    if (isKnown(s, 'cancellations', cancellation.id)) continue;
    markKnown(s, 'cancellations', cancellation.id);
    if (takeOwn(s, 'cancellations', cancellation)) continue;
    await applyExternalCancellation(ctx, cancellation);
  }
  for (const refund of history.refunds) {
    if (isKnown(s, 'refunds', refund.id)) continue;
    markKnown(s, 'refunds', refund.id);
    if (takeOwn(s, 'refunds', refund)) continue;
    await applyExternalRefund(ctx, refund);
  }
  await reconcileReturns(ctx, history.returns);
  if (isFulfilled(s.ledger) && s.metaState === 'IN_PROGRESS') s.metaState = 'COMPLETED';
  ctx.visibility.publish();
}

/** Patch id: refreshes read the returns edge and tell the OMS each step of a return. */
export const META_RETURNS_PATCH = 'meta-returns';

/**
 * Buyers' returns: each new return, and each change of a return's status, goes to the OMS once
 * (recordReturn, keyed by Meta's return id and status). A return moves no units in the ledger: the
 * refund that settles it does, when Meta lists it. Statuses that came and went between two reads
 * are not seen (the OMS gets the one Meta shows).
 */
export async function reconcileReturns(ctx: OrderContext, returns: MetaReturn[] | undefined): Promise<void> {
  const s = ctx.state;
  if (!returns?.length || !s.ledger || !patched(META_RETURNS_PATCH)) return;
  const known = (s.returns ??= []);
  for (const metaReturn of returns) {
    const previous = known.find((r) => r.id === metaReturn.id);
    if (previous?.status === metaReturn.status) continue;
    const current: OrderReturn = {
      id: metaReturn.id,
      status: metaReturn.status,
      lines: toUnitLines(s.ledger, metaReturn.lines),
      ...(metaReturn.reasonCode ? { reasonCode: metaReturn.reasonCode } : {}),
      ...(metaReturn.merchantReturnId ? { merchantReturnId: metaReturn.merchantReturnId } : {}),
    };
    if (previous) Object.assign(previous, current);
    else known.push(current);
    await ctx.oms.recordReturn({
      metaOrderId: s.orderId,
      metaReturnId: current.id,
      status: current.status,
      items: current.lines,
      ...(current.reasonCode ? { reasonCode: current.reasonCode } : {}),
      ...(current.merchantReturnId ? { merchantReturnId: current.merchantReturnId } : {}),
    });
  }
}

/** Whether a return of the order is still open (requested or approved): the Web UI and the window show it. */
export const hasOpenReturn = (s: OrderWorkflowState): boolean => (s.returns ?? []).some((r) => isOpenReturn(r.status));

async function applyExternalShipment(ctx: OrderContext, shipment: MetaShipment): Promise<void> {
  const s = ctx.state;
  // Never more than is open: our own records and Meta's can only meet, not overdraw.
  const lines = capToOpen(s.ledger!, toUnitLines(s.ledger!, shipment.lines));
  if (lines.length === 0) return;
  s.ledger = applyShipment(s.ledger!, lines);
  s.externalChanges.push({ at: ctx.now(), kind: 'shipped', lines, metaObjectId: shipment.id });
  await ctx.oms.recordShipment({
    metaOrderId: s.orderId,
    requestId: `meta-shipment-${shipment.id}`,
    items: lines,
    carrier: shipment.carrier ?? 'OTHER',
    trackingNumber: shipment.trackingNumber ?? '(none given)',
    origin: 'external',
    metaShipmentId: shipment.id,
  });
}

async function applyExternalCancellation(ctx: OrderContext, cancellation: MetaCancellation): Promise<void> {
  const s = ctx.state;
  const lines = capToOpen(s.ledger!, toUnitLines(s.ledger!, cancellation.lines));
  if (lines.length === 0) return;
  s.ledger = applyCancellation(s.ledger!, lines);
  s.externalChanges.push({ at: ctx.now(), kind: 'cancelled', lines, metaObjectId: cancellation.id });
  await ctx.oms.recordCancellation({
    metaOrderId: s.orderId,
    requestId: `meta-cancellation-${cancellation.id}`,
    items: lines,
    reasonCode: cancellation.reasonCode ?? 'EXTERNAL',
    ...(cancellation.reasonDescription ? { reasonDescription: cancellation.reasonDescription } : {}),
    // Meta's flag: units that never left the shelf are not written off because Meta did not say so.
    restock: cancellation.restock ?? false,
    origin: 'external',
    ...(cancellation.initiatedBy ? { initiatedBy: cancellation.initiatedBy } : {}),
    metaCancellationId: cancellation.id,
  });
}

async function applyExternalRefund(ctx: OrderContext, refund: MetaRefund): Promise<void> {
  const s = ctx.state;
  const plan = refundPlanOf(s.ledger!, refund);
  s.ledger = applyRefund(s.ledger!, plan);
  s.externalChanges.push({
    at: ctx.now(),
    kind: 'refunded',
    lines: refundUnits(s.ledger!, refund),
    metaObjectId: refund.id,
    amount: refund.total,
  });
  await ctx.oms.recordRefund(refundRecord(s.orderId, `meta-refund-${refund.id}`, refund, plan, 'external'));
}

/** The OMS record of a refund, with Meta's amounts. */
export function refundRecord(
  metaOrderId: string,
  requestId: string,
  refund: Pick<MetaRefund, 'id' | 'reasonCode' | 'reasonText'> | undefined,
  plan: RefundPlan,
  origin: 'merchant' | 'external',
  reasonCode?: string,
) {
  return {
    metaOrderId,
    requestId,
    items: plan.lines,
    shipping: plan.shipping,
    reasonCode: reasonCode ?? refund?.reasonCode ?? 'REFUND_REASON_OTHER',
    origin,
    ...(refund?.reasonText ? { reasonText: refund.reasonText } : {}),
    ...(plan.deductions?.length ? { deductions: plan.deductions } : {}),
    ...(plan.adjustment ? { adjustment: plan.adjustment } : {}),
    ...(plan.total ? { total: plan.total } : {}),
    ...(plan.returnId ? { returnId: plan.returnId } : {}),
    ...(refund ? { metaRefundId: refund.id } : {}),
  };
}

function capToOpen(ledger: Ledger, lines: UnitLine[]): UnitLine[] {
  return lines
    .map((line) => {
      const item = ledger.items.find((i) => i.itemId === line.itemId)!;
      return { ...line, quantity: Math.min(line.quantity, unshippedUnits(item)) };
    })
    .filter((line) => line.quantity > 0);
}

/**
 * After our own cancellation or refund: read that edge back (one Graph read) and match Meta's
 * object by content. A refund's Meta object carries the amounts Meta computed, which the ledger
 * and the OMS then record. Not found yet (Meta lists it late): the change waits in
 * `ownAwaitingMetaId` and is matched on a later read, so it is never taken for an external one.
 * Other new objects on that edge are left for the next full reconcile.
 */
export async function readBackOwn(
  ctx: OrderContext,
  own: OwnChangeAwaitingMetaId,
): Promise<MetaCancellation | MetaRefund | undefined> {
  const s = ctx.state;
  const history = await readMetaHistory(ctx, [own.kind]);
  const objects: (MetaCancellation | MetaRefund)[] = history[own.kind];
  const found = objects.find((object) => !isKnown(s, own.kind, object.id) && isOwn(s.ledger!, own, object));
  if (found) markKnown(s, own.kind, found.id);
  else awaitMetaId(s, own);
  return found;
}
