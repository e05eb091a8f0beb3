/**
 * The per-item ledger of an order: how many units were ordered, shipped, cancelled and refunded,
 * and how much money was refunded. Pure functions over plain data (workflow-safe, serialisable
 * into continue-as-new): every check here mirrors a rule Meta enforces, so an Update validator
 * can reject a command before it reaches history instead of letting Meta reject it later.
 */
import { fromMinorUnits, toMinorUnits, type Money } from '../domain/money.js';
import type { Ledger, LedgerItem, RefundPlan, UnitLine } from '../api/ledger.js';

export type { Ledger, LedgerItem, RefundPlan, RefundPlanLine, UnitLine } from '../api/ledger.js';

export interface NewLedgerItem {
  itemId: string;
  retailerId: string;
  productName?: string | undefined;
  quantity: number;
  pricePerUnit: Money;
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

/** How a command names an order line: by Meta's item id, or by retailer id when that is unique in the order. */
export type ItemRef = { itemId: string; retailerId?: undefined } | { retailerId: string; itemId?: undefined };

export interface UnitRequest {
  itemId?: string | undefined;
  retailerId?: string | undefined;
  quantity: number;
}

export interface RefundRequestLine {
  itemId?: string | undefined;
  retailerId?: string | undefined;
  quantity?: number | undefined;
  amount?: Money | undefined;
}

/** The line a command names; a retailer id shared by two lines is refused with their item ids. */
export function resolveItem(
  ledger: Ledger,
  ref: { itemId?: string | undefined; retailerId?: string | undefined },
): LedgerCheck<LedgerItem> {
  if (ref.itemId !== undefined) {
    const item = ledger.items.find((candidate) => candidate.itemId === ref.itemId);
    return item ? ok(item) : fail(`unknown item id ${JSON.stringify(ref.itemId)}: not in this order`);
  }
  const matches = ledger.items.filter((candidate) => candidate.retailerId === ref.retailerId);
  if (matches.length === 0) return fail(`unknown item ${JSON.stringify(ref.retailerId)}: not in this order`);
  if (matches.length > 1) {
    return fail(
      `retailer id ${ref.retailerId} names ${matches.length} lines of this order (item ids ${matches.map((m) => m.itemId).join(', ')}): name the line by itemId`,
    );
  }
  return ok(matches[0]!);
}

const lineOf = (item: LedgerItem, quantity: number): UnitLine => ({
  itemId: item.itemId,
  retailerId: item.retailerId,
  quantity,
});

/**
 * Checks unit lines against what is left to ship or cancel. Omitted lines mean "every unshipped
 * unit"; the result is always the explicit list by item id, so the same lines go to Meta and to
 * the ledger.
 */
function checkUnshippedLines(
  ledger: Ledger,
  lines: UnitRequest[] | undefined,
  verb: 'ship' | 'cancel',
): LedgerCheck<UnitLine[]> {
  if (lines === undefined) {
    const all = ledger.items
      .filter((item) => unshippedUnits(item) > 0)
      .map((item) => lineOf(item, unshippedUnits(item)));
    return all.length > 0 ? ok(all) : fail(`nothing left to ${verb}: every unit is already shipped or cancelled`);
  }
  if (lines.length === 0) return fail(`no items to ${verb}`);
  const requested = new Map<LedgerItem, number>();
  for (const line of lines) {
    const item = resolveItem(ledger, line);
    if (!item.ok) return item;
    if (!Number.isInteger(line.quantity) || line.quantity < 1)
      return fail(`quantity for ${item.value.retailerId} must be a positive whole number`);
    requested.set(item.value, (requested.get(item.value) ?? 0) + line.quantity);
  }
  for (const [item, quantity] of requested) {
    const left = unshippedUnits(item);
    if (quantity > left) {
      const why =
        verb === 'cancel' && item.shipped > 0 ? ' (shipped units cannot be cancelled; refund them instead)' : '';
      return fail(`cannot ${verb} ${quantity} of ${item.retailerId}: only ${left} unshipped and not cancelled${why}`);
    }
  }
  return ok([...requested].map(([item, quantity]) => lineOf(item, quantity)));
}

export const checkShipment = (ledger: Ledger, lines: UnitRequest[] | undefined) =>
  checkUnshippedLines(ledger, lines, 'ship');
export const checkCancellation = (ledger: Ledger, lines: UnitRequest[] | undefined) =>
  checkUnshippedLines(ledger, lines, 'cancel');

/** The ledger line a recorded line belongs to: by item id, or (lines kept before item ids) by retailer id. */
function belongsTo(line: { itemId?: string | undefined; retailerId: string }, item: LedgerItem): boolean {
  return line.itemId !== undefined ? line.itemId === item.itemId : line.retailerId === item.retailerId;
}

function addUnits(ledger: Ledger, lines: UnitLine[], field: 'shipped' | 'cancelled'): Ledger {
  return {
    ...ledger,
    items: ledger.items.map((item) => {
      const added = lines.filter((line) => belongsTo(line, item)).reduce((sum, line) => sum + line.quantity, 0);
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

/** Everything refunded so far (Meta's totals; derived for ledgers kept before the total was). */
export function totalRefunded(ledger: Ledger): bigint {
  if (ledger.totalRefunded !== undefined) return toMinorUnits(ledger.totalRefunded);
  return ledger.items.reduce(
    (sum, item) => sum + toMinorUnits(item.refundedAmount),
    toMinorUnits(ledger.shippingRefunded),
  );
}

/** What the buyer paid for the order's lines and shipping: no refund may take the total above it. */
export function paidTotal(ledger: Ledger, shippingPaid: Money | undefined): bigint {
  const lines = ledger.items.reduce(
    (sum, item) => sum + toMinorUnits(item.pricePerUnit.amount) * BigInt(item.ordered),
    0n,
  );
  return lines + (shippingPaid ? toMinorUnits(shippingPaid.amount) : 0n);
}

/** What a refund command asks for. Nothing is implied: a full refund says so with `full`. */
export interface RefundRequest {
  items?: RefundRequestLine[] | undefined;
  /** Every shipped unit not yet refunded (with what is left of each item's money). */
  full?: boolean | undefined;
  shipping?: Money | undefined;
  deductions?: { type: string; amount: Money }[] | undefined;
  adjustment?: Money | undefined;
  returnId?: string | undefined;
}

/**
 * Checks a refund: only shipped units, never more units or money than was paid for them, shipping
 * up to what was paid for it, and the order's refunds together never above what the buyer paid.
 */
export function checkRefund(ledger: Ledger, request: RefundRequest, shippingPaid?: Money): LedgerCheck<RefundPlan> {
  const { currency } = ledger;
  const inCurrency = (money: Money, what: string): LedgerCheck<bigint> =>
    money.currency === currency
      ? ok(toMinorUnits(money.amount))
      : fail(`${what} currency ${money.currency} differs from the order currency ${currency}`);
  if (request.full && request.items) return fail('a full refund takes no items (it refunds every shipped unit left)');
  const source = request.full ? remainingRefundLines(ledger) : (request.items ?? []);
  if (source.length === 0 && !request.shipping && !request.adjustment) {
    if (request.full || request.items)
      return fail(
        ledger.items.some((item) => item.shipped > 0)
          ? 'nothing left to refund'
          : 'nothing has shipped yet: only shipped units can be refunded',
      );
    return fail('nothing to refund: name items, shipping, an adjustment, or ask for a full refund');
  }
  const planned: RefundPlan['lines'] = [];
  const seen = new Set<LedgerItem>();
  for (const line of source) {
    const resolved = resolveItem(ledger, line);
    if (!resolved.ok) return resolved;
    const item = resolved.value;
    const name = item.retailerId;
    if (seen.has(item)) return fail(`item ${name} appears twice in the refund`);
    seen.add(item);
    if ((line.quantity === undefined) === (line.amount === undefined))
      return fail(`refund of ${name} needs either a quantity or an amount`);
    if (item.shipped === 0)
      return fail(`cannot refund ${name}: no unit of it has shipped (cancel unshipped units instead)`);
    const refundable = toMinorUnits(refundableAmount(item));
    if (line.quantity !== undefined) {
      if (!Number.isInteger(line.quantity) || line.quantity < 1)
        return fail(`refund quantity for ${name} must be a positive whole number`);
      const left = item.shipped - item.refundedQuantity;
      if (line.quantity > left)
        return fail(`cannot refund ${line.quantity} of ${name}: only ${left} shipped and not yet refunded`);
      const amount = toMinorUnits(item.pricePerUnit.amount) * BigInt(line.quantity);
      if (amount > refundable)
        return fail(
          `cannot refund ${line.quantity} of ${name}: only ${fromMinorUnits(refundable)} ${currency} is left to refund`,
        );
      planned.push({
        itemId: item.itemId,
        retailerId: name,
        quantity: line.quantity,
        amount: { amount: fromMinorUnits(amount), currency },
      });
    } else {
      const money = line.amount!;
      const amount = inCurrency(money, 'refund');
      if (!amount.ok) return amount;
      if (amount.value <= 0n) return fail(`refund amount for ${name} must be above zero`);
      if (amount.value > refundable)
        return fail(
          `cannot refund ${money.amount} ${money.currency} of ${name}: only ${fromMinorUnits(refundable)} is left of what was paid for shipped units`,
        );
      planned.push({ itemId: item.itemId, retailerId: name, amount: money });
    }
  }
  let shippingMinor = 0n;
  if (request.shipping) {
    const shipping = inCurrency(request.shipping, 'shipping refund');
    if (!shipping.ok) return shipping;
    shippingMinor = shipping.value;
    if (shippingMinor <= 0n) return fail('shipping refund must be above zero');
    if (!ledger.items.some((item) => item.shipped > 0))
      return fail('nothing has shipped yet: shipping cannot be refunded');
    if (shippingPaid) {
      const left = toMinorUnits(shippingPaid.amount) - toMinorUnits(ledger.shippingRefunded);
      if (shippingMinor > left)
        return fail(
          `cannot refund ${request.shipping.amount} of shipping: only ${fromMinorUnits(left)} is left of what was paid`,
        );
    }
  }
  let adjustmentMinor = 0n;
  if (request.adjustment) {
    const adjustment = inCurrency(request.adjustment, 'adjustment');
    if (!adjustment.ok) return adjustment;
    adjustmentMinor = adjustment.value;
    if (adjustmentMinor <= 0n) return fail('adjustment must be above zero');
  }
  let deducted = 0n;
  for (const deduction of request.deductions ?? []) {
    const amount = inCurrency(deduction.amount, 'deduction');
    if (!amount.ok) return amount;
    if (amount.value <= 0n) return fail('a deduction must be above zero');
    deducted += amount.value;
  }
  const gross =
    planned.reduce((sum, line) => sum + toMinorUnits(line.amount.amount), 0n) + shippingMinor + adjustmentMinor;
  if (deducted > gross)
    return fail(`deductions of ${fromMinorUnits(deducted)} exceed the ${fromMinorUnits(gross)} being refunded`);
  const total = gross - deducted;
  const paid = paidTotal(ledger, shippingPaid);
  const before = totalRefunded(ledger);
  if (before + total > paid)
    return fail(
      `cannot refund ${fromMinorUnits(total)} ${currency}: with the ${fromMinorUnits(before)} refunded before it would exceed the ${fromMinorUnits(paid)} the buyer paid`,
    );
  return ok({
    lines: planned,
    shipping: request.shipping,
    ...(request.deductions?.length ? { deductions: request.deductions } : {}),
    ...(request.adjustment ? { adjustment: request.adjustment } : {}),
    ...(request.returnId ? { returnId: request.returnId } : {}),
    total: { amount: fromMinorUnits(total), currency },
  });
}

/**
 * The lines of a full refund: what is left of each shipped item. By quantity while the item's
 * refunds were all by quantity; once a partial amount was refunded, units no longer map to money,
 * so the rest goes back as an amount (by quantity it would ask for more than is left).
 */
function remainingRefundLines(ledger: Ledger): RefundRequestLine[] {
  const remaining: RefundRequestLine[] = [];
  for (const item of ledger.items) {
    const refundable = toMinorUnits(refundableAmount(item));
    if (refundable <= 0n) continue;
    const units = item.shipped - item.refundedQuantity;
    if (refundable === toMinorUnits(item.pricePerUnit.amount) * BigInt(units))
      remaining.push({ itemId: item.itemId, quantity: units });
    else
      remaining.push({
        itemId: item.itemId,
        amount: { amount: fromMinorUnits(refundable), currency: ledger.currency },
      });
  }
  return remaining;
}

/** Records a refund; `plan.total` is Meta's total when Meta reported one (else lines + shipping + adjustment − deductions). */
export function applyRefund(ledger: Ledger, plan: RefundPlan): Ledger {
  const total = plan.total
    ? toMinorUnits(plan.total.amount)
    : plan.lines.reduce((sum, line) => sum + toMinorUnits(line.amount.amount), 0n) +
      (plan.shipping ? toMinorUnits(plan.shipping.amount) : 0n) +
      (plan.adjustment ? toMinorUnits(plan.adjustment.amount) : 0n) -
      (plan.deductions ?? []).reduce((sum, d) => sum + toMinorUnits(d.amount.amount), 0n);
  return {
    ...ledger,
    shippingRefunded: plan.shipping
      ? fromMinorUnits(toMinorUnits(ledger.shippingRefunded) + toMinorUnits(plan.shipping.amount))
      : ledger.shippingRefunded,
    totalRefunded: fromMinorUnits(totalRefunded(ledger) + total),
    items: ledger.items.map((item) => {
      const lines = plan.lines.filter((l) => belongsTo(l, item));
      if (lines.length === 0) return item;
      return {
        ...item,
        refundedQuantity: item.refundedQuantity + lines.reduce((sum, l) => sum + (l.quantity ?? 0), 0),
        refundedAmount: fromMinorUnits(
          lines.reduce((sum, l) => sum + toMinorUnits(l.amount.amount), toMinorUnits(item.refundedAmount)),
        ),
      };
    }),
  };
}

/** Meta's per-item counts (`items{status}`): what Meta believes happened. */
export interface MetaItemStatus {
  itemId: string;
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
    const item = ledger.items.find((candidate) => candidate.itemId === status.itemId);
    if (!item) continue;
    if (status.fulfilled > item.shipped) externallyShipped.push(lineOf(item, status.fulfilled - item.shipped));
    if (status.cancelled > item.cancelled) externallyCancelled.push(lineOf(item, status.cancelled - item.cancelled));
  }
  return {
    ledger: applyCancellation(applyShipment(ledger, externallyShipped), externallyCancelled),
    externallyShipped,
    externallyCancelled,
  };
}
