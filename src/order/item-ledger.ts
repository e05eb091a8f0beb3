/**
 * The per-item ledger of an order: how many units were ordered, shipped, cancelled and refunded,
 * and how much money was refunded. Pure functions over plain data (workflow-safe, serialisable
 * into continue-as-new): every check here mirrors a rule Meta enforces, so an Update validator
 * can reject a command before it reaches history instead of letting Meta reject it later.
 */
import { fromMinorUnits, toMinorUnits, type Money } from '../domain/money.js';
import type { Ledger, LedgerItem, RefundPlan, UnitLine } from '../api/ledger.js';

export type { Ledger, LedgerItem, RefundPlan, UnitLine } from '../api/ledger.js';

export interface NewLedgerItem {
  itemId: string;
  retailerId: string;
  productName?: string | undefined;
  quantity: number;
  pricePerUnit: Money;
}

export interface RefundLine {
  retailerId: string;
  quantity?: number | undefined;
  amount?: Money | undefined;
}

export type LedgerCheck<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): LedgerCheck<T> => ({ ok: true, value });
const fail = <T>(reason: string): LedgerCheck<T> => ({ ok: false, reason });

export function createLedger(items: NewLedgerItem[]): Ledger {
  return {
    currency: items[0]?.pricePerUnit.currency ?? 'USD',
    shippingRefunded: '0.00',
    items: items.map((item) => ({
      itemId: item.itemId,
      retailerId: item.retailerId,
      productName: item.productName,
      ordered: item.quantity,
      shipped: 0,
      cancelled: 0,
      refundedQuantity: 0,
      refundedAmount: '0.00',
      pricePerUnit: item.pricePerUnit,
    })),
  };
}

export const unshippedUnits = (item: LedgerItem): number => item.ordered - item.shipped - item.cancelled;

/** Every unit is shipped or cancelled: Meta moves the order to COMPLETED. */
export function isFulfilled(ledger: Ledger): boolean {
  return ledger.items.every((item) => unshippedUnits(item) === 0);
}

export function isFullyCancelled(ledger: Ledger): boolean {
  return ledger.items.every((item) => item.cancelled === item.ordered);
}

export const totalUnits = (ledger: Ledger, field: 'ordered' | 'shipped' | 'cancelled' | 'refundedQuantity'): number =>
  ledger.items.reduce((sum, item) => sum + item[field], 0);

function findItem(ledger: Ledger, retailerId: string): LedgerItem | undefined {
  return ledger.items.find((item) => item.retailerId === retailerId);
}

/**
 * Checks unit lines against what is left to ship or cancel. Omitted lines mean "every unshipped
 * unit"; the result is always the explicit list, so the same lines go to Meta and to the ledger.
 */
function checkUnshippedLines(
  ledger: Ledger,
  lines: UnitLine[] | undefined,
  verb: 'ship' | 'cancel',
): LedgerCheck<UnitLine[]> {
  if (lines === undefined) {
    const all = ledger.items
      .filter((item) => unshippedUnits(item) > 0)
      .map((item) => ({ retailerId: item.retailerId, quantity: unshippedUnits(item) }));
    return all.length > 0 ? ok(all) : fail(`nothing left to ${verb}: every unit is already shipped or cancelled`);
  }
  if (lines.length === 0) return fail(`no items to ${verb}`);
  const requested = new Map<string, number>();
  for (const line of lines) {
    const item = findItem(ledger, line.retailerId);
    if (!item) return fail(`unknown item ${JSON.stringify(line.retailerId)}: not in this order`);
    if (!Number.isInteger(line.quantity) || line.quantity < 1)
      return fail(`quantity for ${line.retailerId} must be a positive whole number`);
    requested.set(line.retailerId, (requested.get(line.retailerId) ?? 0) + line.quantity);
  }
  for (const [retailerId, quantity] of requested) {
    const item = findItem(ledger, retailerId)!;
    const left = unshippedUnits(item);
    if (quantity > left) {
      const why =
        verb === 'cancel' && item.shipped > 0 ? ' (shipped units cannot be cancelled; refund them instead)' : '';
      return fail(`cannot ${verb} ${quantity} of ${retailerId}: only ${left} unshipped and not cancelled${why}`);
    }
  }
  return ok([...requested].map(([retailerId, quantity]) => ({ retailerId, quantity })));
}

export const checkShipment = (ledger: Ledger, lines: UnitLine[] | undefined) =>
  checkUnshippedLines(ledger, lines, 'ship');
export const checkCancellation = (ledger: Ledger, lines: UnitLine[] | undefined) =>
  checkUnshippedLines(ledger, lines, 'cancel');

function addUnits(ledger: Ledger, lines: UnitLine[], field: 'shipped' | 'cancelled'): Ledger {
  return {
    ...ledger,
    items: ledger.items.map((item) => {
      const added = lines
        .filter((line) => line.retailerId === item.retailerId)
        .reduce((sum, line) => sum + line.quantity, 0);
      return added ? { ...item, [field]: item[field] + added } : item;
    }),
  };
}

export const applyShipment = (ledger: Ledger, lines: UnitLine[]) => addUnits(ledger, lines, 'shipped');
export const applyCancellation = (ledger: Ledger, lines: UnitLine[]) => addUnits(ledger, lines, 'cancelled');

/** What may still be refunded on an item: shipped units, at their price, less what was refunded. */
export function refundableAmount(item: LedgerItem): string {
  const paid = toMinorUnits(item.pricePerUnit.amount) * BigInt(item.shipped);
  return fromMinorUnits(paid - toMinorUnits(item.refundedAmount));
}

/**
 * Checks a refund: only shipped units, never more units or money than was paid for them.
 * Omitted lines mean "everything shipped and not yet refunded".
 */
export function checkRefund(
  ledger: Ledger,
  lines: RefundLine[] | undefined,
  shipping?: Money,
  shippingPaid?: Money,
): LedgerCheck<RefundPlan> {
  const planned: RefundPlan['lines'] = [];
  const source: RefundLine[] = lines ?? remainingRefundLines(ledger);
  if (source.length === 0 && !shipping) {
    return fail(
      ledger.items.some((item) => item.shipped > 0)
        ? 'nothing left to refund'
        : 'nothing has shipped yet: only shipped units can be refunded',
    );
  }
  const seen = new Set<string>();
  for (const line of source) {
    const item = findItem(ledger, line.retailerId);
    if (!item) return fail(`unknown item ${JSON.stringify(line.retailerId)}: not in this order`);
    if (seen.has(line.retailerId)) return fail(`item ${line.retailerId} appears twice in the refund`);
    seen.add(line.retailerId);
    if ((line.quantity === undefined) === (line.amount === undefined))
      return fail(`refund of ${line.retailerId} needs either a quantity or an amount`);
    if (item.shipped === 0)
      return fail(`cannot refund ${line.retailerId}: no unit of it has shipped (cancel unshipped units instead)`);
    const refundable = toMinorUnits(refundableAmount(item));
    if (line.quantity !== undefined) {
      if (!Number.isInteger(line.quantity) || line.quantity < 1)
        return fail(`refund quantity for ${line.retailerId} must be a positive whole number`);
      const left = item.shipped - item.refundedQuantity;
      if (line.quantity > left)
        return fail(`cannot refund ${line.quantity} of ${line.retailerId}: only ${left} shipped and not yet refunded`);
      const amount = toMinorUnits(item.pricePerUnit.amount) * BigInt(line.quantity);
      if (amount > refundable)
        return fail(
          `cannot refund ${line.quantity} of ${line.retailerId}: only ${fromMinorUnits(refundable)} ${ledger.currency} is left to refund`,
        );
      planned.push({
        retailerId: line.retailerId,
        quantity: line.quantity,
        amount: { amount: fromMinorUnits(amount), currency: ledger.currency },
      });
    } else {
      const money = line.amount!;
      if (money.currency !== ledger.currency)
        return fail(`refund currency ${money.currency} differs from the order currency ${ledger.currency}`);
      const amount = toMinorUnits(money.amount);
      if (amount <= 0n) return fail(`refund amount for ${line.retailerId} must be above zero`);
      if (amount > refundable)
        return fail(
          `cannot refund ${money.amount} ${money.currency} of ${line.retailerId}: only ${fromMinorUnits(refundable)} is left of what was paid for shipped units`,
        );
      planned.push({ retailerId: line.retailerId, amount: money });
    }
  }
  if (shipping) {
    if (shipping.currency !== ledger.currency)
      return fail(`shipping refund currency ${shipping.currency} differs from the order currency ${ledger.currency}`);
    if (toMinorUnits(shipping.amount) <= 0n) return fail('shipping refund must be above zero');
    if (!ledger.items.some((item) => item.shipped > 0))
      return fail('nothing has shipped yet: shipping cannot be refunded');
    if (shippingPaid) {
      const left = toMinorUnits(shippingPaid.amount) - toMinorUnits(ledger.shippingRefunded);
      if (toMinorUnits(shipping.amount) > left)
        return fail(
          `cannot refund ${shipping.amount} of shipping: only ${fromMinorUnits(left)} is left of what was paid`,
        );
    }
  }
  return ok({ lines: planned, shipping });
}

/**
 * The lines of a full refund: what is left of each shipped item. By quantity while the item's
 * refunds were all by quantity; once a partial amount was refunded, units no longer map to money,
 * so the rest goes back as an amount (by quantity it would ask for more than is left).
 */
function remainingRefundLines(ledger: Ledger): RefundLine[] {
  const remaining: RefundLine[] = [];
  for (const item of ledger.items) {
    const refundable = toMinorUnits(refundableAmount(item));
    if (refundable <= 0n) continue;
    const units = item.shipped - item.refundedQuantity;
    if (refundable === toMinorUnits(item.pricePerUnit.amount) * BigInt(units))
      remaining.push({ retailerId: item.retailerId, quantity: units });
    else
      remaining.push({
        retailerId: item.retailerId,
        amount: { amount: fromMinorUnits(refundable), currency: ledger.currency },
      });
  }
  return remaining;
}

export function applyRefund(ledger: Ledger, plan: RefundPlan): Ledger {
  return {
    ...ledger,
    shippingRefunded: plan.shipping
      ? fromMinorUnits(toMinorUnits(ledger.shippingRefunded) + toMinorUnits(plan.shipping.amount))
      : ledger.shippingRefunded,
    items: ledger.items.map((item) => {
      const line = plan.lines.find((l) => l.retailerId === item.retailerId);
      if (!line) return item;
      return {
        ...item,
        refundedQuantity: item.refundedQuantity + (line.quantity ?? 0),
        refundedAmount: fromMinorUnits(toMinorUnits(item.refundedAmount) + toMinorUnits(line.amount.amount)),
      };
    }),
  };
}

/** Meta's per-item counts (`items{status}`): what Meta believes happened. */
export interface MetaItemStatus {
  retailerId: string;
  fulfilled: number;
  cancelled: number;
}

export interface ReconcileResult {
  ledger: Ledger;
  /** Units Meta reports beyond our ledger: done outside this integration (Commerce Manager, buyer, support). */
  externallyShipped: UnitLine[];
  externallyCancelled: UnitLine[];
}

/**
 * Brings the ledger up to what Meta reports. Only ever adds: our own writes are recorded the moment
 * Meta confirms them, so Meta can never report less than we hold.
 */
export function reconcile(ledger: Ledger, statuses: MetaItemStatus[]): ReconcileResult {
  const externallyShipped: UnitLine[] = [];
  const externallyCancelled: UnitLine[] = [];
  for (const status of statuses) {
    const item = findItem(ledger, status.retailerId);
    if (!item) continue;
    if (status.fulfilled > item.shipped)
      externallyShipped.push({ retailerId: item.retailerId, quantity: status.fulfilled - item.shipped });
    if (status.cancelled > item.cancelled)
      externallyCancelled.push({ retailerId: item.retailerId, quantity: status.cancelled - item.cancelled });
  }
  return {
    ledger: applyCancellation(applyShipment(ledger, externallyShipped), externallyCancelled),
    externallyShipped,
    externallyCancelled,
  };
}
