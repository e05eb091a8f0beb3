/**
 * Meta's order rules, applied to the stored order. Each action validates everything first and
 * only then mutates, so a refused request leaves the order untouched. Every change bumps
 * `last_updated`. Errors use the commerce subcodes of Meta's error-code page under code 100.
 */
import { isCarrierCode } from './meta-codes/carrier-codes.js';
import { formatAmount, parseAmount } from './money.js';
import { PLATFORM_REFUND_REASONS, SELLER_REFUND_REASONS } from './meta-codes/reason-codes.js';
import type { ReturnReason, ReturnStatus, ReturnUpdateEvent } from './meta-codes/return-codes.js';
import { CommerceSubcode, commerceError, invalidParameter, notConnected } from './errors.js';
import type { IdGenerator } from './ids.js';
import type { EffectKind } from './ledger-schemas.js';
import {
  allUnitsCancelled,
  allUnitsClosed,
  openUnits,
  type CancelInitiator,
  type Origin,
  type RefundLine,
  type StoredItem,
  type StoredOrder,
  type StoredReturn,
  type TrackingInfo,
  type UnitLine,
} from './model.js';
import type { OrderStore } from './store.js';

export interface RuleContext {
  store: OrderStore;
  ids: IdGenerator;
  now: number;
  connected: boolean;
}

/** What an action did, for the ledger. */
export interface AppliedEffect {
  /** null for account-level effects (connect). */
  orderId: string | null;
  kind: EffectKind;
  objectId?: string | undefined;
}

export interface UnitRequest {
  retailerId?: string | undefined;
  itemId?: string | undefined;
  quantity: number;
}

export interface MoneyInput {
  amount: string;
  currency: string;
}

const STUCK_PROCESSING_MS = 24 * 3_600_000;

// ---- shared checks -------------------------------------------------------------------------

function requireReleased(order: StoredOrder, verb: string): void {
  if (order.state === 'FB_PROCESSING') {
    throw invalidParameter(
      `Order ${order.id} is still being processed by Meta (FB_PROCESSING) and cannot be ${verb} yet`,
      {
        userTitle: 'Order not released yet',
      },
    );
  }
  if (order.state === 'CREATED') {
    throw invalidParameter(`Order ${order.id} must be acknowledged before it can be ${verb}`, {
      userTitle: 'Order not acknowledged',
    });
  }
}

function requireKnownCarrier(carrier: string): void {
  if (!isCarrierCode(carrier)) {
    throw invalidParameter(`Invalid carrier code '${carrier}' in tracking_info.carrier`, {
      userTitle: 'Invalid carrier',
    });
  }
}

function requireSameReference(order: StoredOrder, reference: string | undefined): void {
  if (
    reference !== undefined &&
    order.merchantOrderReference !== undefined &&
    order.merchantOrderReference !== reference
  ) {
    throw invalidParameter(
      `merchant_order_reference is immutable: order ${order.id} already has a different reference`,
      { userTitle: 'Merchant order reference already set' },
    );
  }
}

function resolveItem(
  order: StoredOrder,
  ref: { retailerId?: string | undefined; itemId?: string | undefined },
  forRefund = false,
): StoredItem {
  if (ref.itemId !== undefined) {
    const item = order.items.find((candidate) => candidate.id === ref.itemId);
    if (!item) throw invalidParameter(`Order ${order.id} has no item with id ${ref.itemId}`);
    return item;
  }
  const matches = order.items.filter((candidate) => candidate.retailerId === ref.retailerId);
  if (matches.length > 1) {
    // Meta documents nothing for this case; refusing is the only answer that cannot act on the wrong line.
    throw invalidParameter(
      `retailer_id '${ref.retailerId}' is ambiguous: it matches ${matches.length} items of order ${order.id} (${matches.map((m) => m.id).join(', ')}); name the item by item_id`,
      { userTitle: 'Ambiguous retailer_id' },
    );
  }
  const item = matches[0];
  if (!item) {
    if (forRefund) {
      throw commerceError(
        CommerceSubcode.invalidRetailerIdInRefund,
        `Invalid retailer_id '${ref.retailerId}' in refund for order ${order.id}`,
        'Invalid item',
      );
    }
    throw invalidParameter(`Order ${order.id} has no item with retailer_id '${ref.retailerId}'`);
  }
  return item;
}

/** Adds up the requested units per item (a line may be named twice) and checks them against `available`. */
function planUnits(
  order: StoredOrder,
  requests: UnitRequest[] | undefined,
  verb: string,
  exhausted: (item: StoredItem) => never,
): Map<StoredItem, number> {
  const plan = new Map<StoredItem, number>();
  if (requests === undefined) {
    for (const item of order.items) if (openUnits(item) > 0) plan.set(item, openUnits(item));
    return plan;
  }
  for (const request of requests) {
    const item = resolveItem(order, request);
    plan.set(item, (plan.get(item) ?? 0) + request.quantity);
  }
  for (const [item, quantity] of plan) {
    const open = openUnits(item);
    if (open === 0) exhausted(item);
    if (quantity > open) {
      throw invalidParameter(
        `Cannot ${verb} ${quantity} unit(s) of '${item.retailerId}' on order ${order.id}: only ${open} unit(s) are neither shipped nor cancelled`,
      );
    }
  }
  return plan;
}

function unitLines(plan: Map<StoredItem, number>): UnitLine[] {
  return [...plan].map(([item, quantity]) => ({ itemId: item.id, retailerId: item.retailerId, quantity }));
}

function touch(order: StoredOrder, now: number): void {
  order.lastUpdatedMs = Math.max(order.lastUpdatedMs, now);
  if (order.state === 'IN_PROGRESS' && allUnitsClosed(order)) order.state = 'COMPLETED';
}

// ---- acknowledge --------------------------------------------------------------------------

/** Throws when the order cannot be acknowledged now; shared by the single and bulk calls. */
export function checkAcknowledge(ctx: RuleContext, order: StoredOrder): void {
  if (!ctx.connected) throw notConnected();
  if (order.state === 'FB_PROCESSING') {
    throw invalidParameter(
      `Order ${order.id} is still being processed by Meta (FB_PROCESSING) and cannot be acknowledged yet`,
      {
        userTitle: 'Order not released yet',
      },
    );
  }
  if (order.state !== 'CREATED') {
    throw invalidParameter(`Order ${order.id} cannot be acknowledged: it is ${order.state}, not CREATED`, {
      userTitle: 'Order already acknowledged',
    });
  }
}

export function acknowledge(
  ctx: RuleContext,
  order: StoredOrder,
  merchantOrderReference: string | undefined,
): AppliedEffect {
  checkAcknowledge(ctx, order);
  requireSameReference(order, merchantOrderReference);
  order.state = 'IN_PROGRESS';
  if (merchantOrderReference !== undefined) order.merchantOrderReference = merchantOrderReference;
  touch(order, ctx.now);
  return { orderId: order.id, kind: 'acknowledge' };
}

// ---- shipments ----------------------------------------------------------------------------

export interface ShipCommand {
  items?: UnitRequest[] | undefined;
  tracking: TrackingInfo;
  externalShipmentId?: string | undefined;
  merchantOrderReference?: string | undefined;
}

export function ship(ctx: RuleContext, order: StoredOrder, command: ShipCommand, origin: Origin): AppliedEffect {
  requireReleased(order, 'shipped');
  if (order.state === 'COMPLETED') {
    if (allUnitsCancelled(order)) {
      throw commerceError(
        CommerceSubcode.cannotShipCancelledOrder,
        `Cannot ship order ${order.id}: it was cancelled`,
        'Order cancelled',
      );
    }
    throw commerceError(
      CommerceSubcode.orderAlreadyFulfilledCancelledOrRefunded,
      `Order ${order.id} is already fulfilled, cancelled or refunded`,
      'Nothing left to ship',
    );
  }
  requireKnownCarrier(command.tracking.carrier);
  requireSameReference(order, command.merchantOrderReference);
  if (
    command.externalShipmentId !== undefined &&
    order.shipments.some((s) => s.externalShipmentId === command.externalShipmentId)
  ) {
    throw invalidParameter(
      `external_shipment_id '${command.externalShipmentId}' is already used by another shipment of order ${order.id}`,
    );
  }
  const plan = planUnits(order, command.items, 'ship', (item) => {
    throw commerceError(
      CommerceSubcode.itemsAlreadyFulfilledCancelledOrRefunded,
      `Item '${item.retailerId}' of order ${order.id} is already fulfilled, cancelled or refunded`,
      'Items already processed',
    );
  });
  for (const [item, quantity] of plan) item.shipped += quantity;
  const shipment = {
    id: ctx.ids.nextId(),
    externalShipmentId: command.externalShipmentId,
    items: unitLines(plan),
    tracking: { ...command.tracking },
    createdMs: ctx.now,
    updatedMs: ctx.now,
    origin,
  };
  order.shipments.push(shipment);
  if (command.merchantOrderReference !== undefined) order.merchantOrderReference = command.merchantOrderReference;
  touch(order, ctx.now);
  return { orderId: order.id, kind: 'shipment', objectId: shipment.id };
}

export interface UpdateShipmentCommand {
  shipmentId?: string | undefined;
  externalShipmentId?: string | undefined;
  tracking: TrackingInfo;
}

export function updateShipment(ctx: RuleContext, order: StoredOrder, command: UpdateShipmentCommand): AppliedEffect {
  const shipment = order.shipments.find((candidate) =>
    command.shipmentId !== undefined
      ? candidate.id === command.shipmentId
      : candidate.externalShipmentId === command.externalShipmentId,
  );
  if (!shipment) {
    throw invalidParameter(`Order ${order.id} has no shipment ${command.shipmentId ?? command.externalShipmentId}`);
  }
  requireKnownCarrier(command.tracking.carrier);
  shipment.tracking = { ...command.tracking };
  shipment.updatedMs = ctx.now;
  touch(order, ctx.now);
  return { orderId: order.id, kind: 'shipment_update', objectId: shipment.id };
}

// ---- cancellations ------------------------------------------------------------------------

export interface CancelCommand {
  items?: UnitRequest[] | undefined;
  reasonCode: string;
  reasonDescription?: string | undefined;
  restockItems: boolean;
  /** Default: BUYER when the origin is the buyer, SELLER otherwise. */
  initiatedBy?: CancelInitiator | undefined;
}

function initiatorOf(command: CancelCommand, origin: Origin): CancelInitiator {
  return command.initiatedBy ?? (origin === 'buyer' ? 'BUYER' : 'SELLER');
}

function recordCancellation(
  ctx: RuleContext,
  order: StoredOrder,
  plan: Map<StoredItem, number>,
  command: CancelCommand,
  origin: Origin,
): AppliedEffect {
  for (const [item, quantity] of plan) {
    item.cancelled += quantity;
    if (command.restockItems) {
      const product = ctx.store.product(item.productId);
      if (product) product.inventory += quantity;
    }
  }
  const cancellation = {
    id: ctx.ids.nextId(),
    items: unitLines(plan),
    reasonCode: command.reasonCode,
    reasonDescription: command.reasonDescription,
    restockItems: command.restockItems,
    initiatedBy: initiatorOf(command, origin),
    origin,
    createdMs: ctx.now,
  };
  order.cancellations.push(cancellation);
  return { orderId: order.id, kind: 'cancellation', objectId: cancellation.id };
}

/**
 * Cancels every unit of an order that was never acknowledged (FB_PROCESSING or CREATED); it ends
 * COMPLETED with every unit cancelled (Meta has no CANCELLED state).
 */
function cancelWholeOrder(ctx: RuleContext, order: StoredOrder, command: CancelCommand, origin: Origin): AppliedEffect {
  if (command.items !== undefined) {
    throw invalidParameter(
      `Order ${order.id} is ${order.state}: before acknowledgement only the whole order can be cancelled (omit items)`,
    );
  }
  ctx.store.unschedule(order);
  const plan = new Map(order.items.map((item) => [item, openUnits(item)] as const));
  const effect = recordCancellation(ctx, order, plan, command, origin);
  order.state = 'COMPLETED';
  order.lastUpdatedMs = Math.max(order.lastUpdatedMs, ctx.now);
  return effect;
}

/**
 * Cancels units. Through the API (origin 'api') the order must be IN_PROGRESS, or stuck in
 * FB_PROCESSING for more than 24 hours. Outside the integration (Commerce Manager, the buyer via
 * support) a CREATED order can be cancelled too, and a buyer can cancel during FB_PROCESSING;
 * before acknowledgement only the whole order, which then ends COMPLETED.
 */
export function cancel(ctx: RuleContext, order: StoredOrder, command: CancelCommand, origin: Origin): AppliedEffect {
  if (order.state === 'FB_PROCESSING') {
    if (initiatorOf(command, origin) === 'SELLER' && ctx.now - order.createdMs <= STUCK_PROCESSING_MS) {
      throw invalidParameter(
        `Order ${order.id} is still being processed by Meta (FB_PROCESSING); it can only be cancelled once it has been stuck there for more than 24 hours`,
        { userTitle: 'Order not released yet' },
      );
    }
    return cancelWholeOrder(ctx, order, command, origin);
  }
  if (order.state === 'CREATED' && origin !== 'api') return cancelWholeOrder(ctx, order, command, origin);
  requireReleased(order, 'cancelled');
  if (order.state === 'COMPLETED') {
    if (allUnitsCancelled(order)) {
      throw commerceError(
        CommerceSubcode.orderAlreadyCancelled,
        `Order ${order.id} is already cancelled`,
        'Order already cancelled',
      );
    }
    if (order.items.every((item) => item.shipped === item.quantity)) {
      throw commerceError(
        CommerceSubcode.alreadyShippedCannotCancel,
        `Order ${order.id} is already shipped and cannot be cancelled; refund it instead`,
        'Order already shipped',
      );
    }
    throw commerceError(
      CommerceSubcode.orderAlreadyFulfilledCancelledOrRefunded,
      `Order ${order.id} is already fulfilled, cancelled or refunded`,
      'Nothing left to cancel',
    );
  }
  // Meta: cancelling an order refunds the whole of it, and "shipped orders have to be refunded
  // instead". Unshipped units of a partly shipped order are cancelled by naming them.
  const shipped = order.items.filter((item) => item.shipped > 0);
  if (command.items === undefined && shipped.length > 0) {
    throw commerceError(
      CommerceSubcode.alreadyShippedCannotCancel,
      `Order ${order.id} is partly shipped (${shipped.map((item) => `'${item.retailerId}'`).join(', ')}) and cannot be cancelled as a whole; cancel its unshipped items by name and refund the shipped ones`,
      'Order partly shipped',
    );
  }
  const plan = planUnits(order, command.items, 'cancel', (item) => {
    if (item.shipped === item.quantity) {
      throw commerceError(
        CommerceSubcode.alreadyShippedCannotCancel,
        `Item '${item.retailerId}' of order ${order.id} is already shipped and cannot be cancelled`,
        'Item already shipped',
      );
    }
    if (item.cancelled === item.quantity) {
      throw commerceError(
        CommerceSubcode.itemsAlreadyCancelled,
        `Item '${item.retailerId}' of order ${order.id} is already cancelled`,
        'Item already cancelled',
      );
    }
    throw commerceError(
      CommerceSubcode.itemsAlreadyFulfilledCancelledOrRefunded,
      `Item '${item.retailerId}' of order ${order.id} is already fulfilled, cancelled or refunded`,
      'Items already processed',
    );
  });
  const effect = recordCancellation(ctx, order, plan, command, origin);
  touch(order, ctx.now);
  return effect;
}

/** The buyer cancels within the remorse window: the order is never released. */
export function buyerCancel(ctx: RuleContext, order: StoredOrder): AppliedEffect {
  if (order.state !== 'FB_PROCESSING') {
    throw invalidParameter(`Order ${order.id} is ${order.state}: a buyer can only cancel during FB_PROCESSING`);
  }
  return cancelWholeOrder(
    ctx,
    order,
    {
      reasonCode: 'CUSTOMER_REQUESTED',
      reasonDescription: 'Cancelled by the buyer',
      restockItems: true,
      initiatedBy: 'BUYER',
    },
    'buyer',
  );
}

// ---- refunds ------------------------------------------------------------------------------

export interface RefundCommand {
  reasonCode: string;
  reasonText?: string | undefined;
  items?:
    | {
        retailerId?: string | undefined;
        itemId?: string | undefined;
        quantity?: number | undefined;
        amount?: MoneyInput | undefined;
      }[]
    | undefined;
  shipping?: MoneyInput | undefined;
  deductions?: { type: string; amount: MoneyInput }[] | undefined;
  adjustment?: MoneyInput | undefined;
  returnId?: string | undefined;
}

function minorIn(order: StoredOrder, money: MoneyInput, field: string): bigint {
  if (money.currency !== order.currency) {
    throw invalidParameter(`${field} is in ${money.currency} but order ${order.id} is in ${order.currency}`);
  }
  return parseAmount(money.amount);
}

function paidTotal(order: StoredOrder): bigint {
  let total = order.shippingOption.priceMinor + order.shippingOption.taxMinor;
  for (const item of order.items) total += item.unitPriceMinor * BigInt(item.quantity) + item.taxMinor;
  return total;
}

/** Money of an item that is refundable at most: its shipped units at the unit price. */
function refundableMinor(item: StoredItem): bigint {
  return item.unitPriceMinor * BigInt(item.shipped) - item.refundedMinor;
}

/** The API takes the seller's codes only; a refund made outside it (Commerce Manager, Meta support) takes Meta's too. */
function requireRefundReason(code: string, origin: Origin): void {
  if ((SELLER_REFUND_REASONS as readonly string[]).includes(code)) return;
  if ((PLATFORM_REFUND_REASONS as readonly string[]).includes(code)) {
    if (origin !== 'api') return;
    throw invalidParameter(`reason_code ${code} is reserved for refunds issued by Meta`);
  }
  throw invalidParameter(`Invalid reason_code '${code}'; expected one of ${SELLER_REFUND_REASONS.join(', ')}`);
}

/**
 * One refund, the same rules whoever issues it (the API, or the admin API standing in for
 * Commerce Manager and Meta support): only shipped units, never more than is left of an item,
 * of shipping, or of what the buyer paid.
 */
export function refund(
  ctx: RuleContext,
  order: StoredOrder,
  command: RefundCommand,
  origin: Origin = 'api',
): AppliedEffect {
  requireRefundReason(command.reasonCode, origin);
  if (order.state !== 'FB_PROCESSING' && order.state !== 'CREATED' && allUnitsCancelled(order)) {
    throw commerceError(
      CommerceSubcode.cannotRefundCancelledOrder,
      `Cannot refund order ${order.id}: it was cancelled`,
      'Order cancelled',
    );
  }
  requireReleased(order, 'refunded');
  const forReturn = command.returnId === undefined ? undefined : refundableReturn(order, command.returnId);

  // Plan per line against running totals, so two lines for one item cannot overdraw it together.
  const pending = new Map<StoredItem, { quantity: number; minor: bigint }>();
  const lines: RefundLine[] = [];
  const nothingLeft = (item: StoredItem): never => {
    throw commerceError(
      CommerceSubcode.itemsAlreadyFulfilledCancelledOrRefunded,
      `Item '${item.retailerId}' of order ${order.id} has nothing left to refund`,
      'Items already refunded',
    );
  };
  // Nothing itemised and no shipping or adjustment amount: a full refund of what is left.
  const fullRefund = command.items === undefined && command.shipping === undefined && command.adjustment === undefined;
  if (fullRefund) {
    for (const item of order.items) {
      const minor = refundableMinor(item);
      if (minor <= 0n) continue;
      const quantity = item.shipped - item.refundedQuantity;
      pending.set(item, { quantity, minor });
      lines.push({
        itemId: item.id,
        retailerId: item.retailerId,
        quantity: quantity > 0 ? quantity : undefined,
        amountMinor: minor,
      });
    }
  } else {
    for (const line of command.items ?? []) {
      const item = resolveItem(order, line, true);
      const sofar = pending.get(item) ?? { quantity: 0, minor: 0n };
      if (item.shipped === 0)
        throw invalidParameter(
          `Item '${item.retailerId}' of order ${order.id} has no shipped units; only shipped units can be refunded`,
        );
      const leftMinor = refundableMinor(item) - sofar.minor;
      if (leftMinor <= 0n) nothingLeft(item);
      let minor: bigint;
      if (line.quantity !== undefined) {
        const leftUnits = item.shipped - item.refundedQuantity - sofar.quantity;
        if (leftUnits <= 0) nothingLeft(item);
        if (line.quantity > leftUnits) {
          throw invalidParameter(
            `Cannot refund ${line.quantity} unit(s) of '${item.retailerId}': only ${leftUnits} shipped unit(s) are not refunded yet`,
          );
        }
        minor = item.unitPriceMinor * BigInt(line.quantity);
      } else {
        minor = minorIn(order, line.amount!, 'item_refund_amount');
        if (minor === 0n) throw invalidParameter('item_refund_amount must be greater than zero');
      }
      if (minor > leftMinor) {
        throw invalidParameter(
          `Refund of ${formatAmount(minor)} ${order.currency} for '${item.retailerId}' exceeds the ${formatAmount(leftMinor)} ${order.currency} still refundable for its shipped units`,
        );
      }
      pending.set(item, { quantity: sofar.quantity + (line.quantity ?? 0), minor: sofar.minor + minor });
      lines.push({ itemId: item.id, retailerId: item.retailerId, quantity: line.quantity, amountMinor: minor });
    }
  }

  const shippingLeft = order.shippingOption.priceMinor - order.shippingRefundedMinor;
  let shippingMinor = 0n;
  if (command.shipping !== undefined) {
    shippingMinor = minorIn(order, command.shipping, 'shipping.shipping_refund');
    if (shippingMinor > shippingLeft) {
      throw invalidParameter(
        `Shipping refund of ${formatAmount(shippingMinor)} exceeds the ${formatAmount(shippingLeft)} ${order.currency} of shipping not refunded yet`,
      );
    }
  } else if (fullRefund && order.state === 'COMPLETED') {
    shippingMinor = shippingLeft;
  }
  const adjustmentMinor = command.adjustment ? minorIn(order, command.adjustment, 'adjustment_amount') : 0n;
  const deductions = (command.deductions ?? []).map((d) => ({
    type: d.type,
    amountMinor: minorIn(order, d.amount, 'deduction_amount'),
  }));

  const itemsMinor = lines.reduce((sum, line) => sum + line.amountMinor, 0n);
  const gross = itemsMinor + shippingMinor + adjustmentMinor;
  if (gross === 0n) {
    throw commerceError(CommerceSubcode.nothingToRefund, `Nothing to refund on order ${order.id}`, 'Nothing to refund');
  }
  const deducted = deductions.reduce((sum, d) => sum + d.amountMinor, 0n);
  if (deducted > gross) throw invalidParameter('Deductions exceed the amount being refunded');
  const total = gross - deducted;
  const refundedBefore = order.refunds.reduce((sum, r) => sum + r.totalMinor, 0n);
  if (refundedBefore + total > paidTotal(order)) {
    throw invalidParameter(
      `Refunds on order ${order.id} would exceed the ${formatAmount(paidTotal(order))} ${order.currency} the buyer paid`,
    );
  }

  for (const [item, { quantity, minor }] of pending) {
    item.refundedQuantity += quantity;
    item.refundedMinor += minor;
  }
  order.shippingRefundedMinor += shippingMinor;
  const stored = {
    id: ctx.ids.nextId(),
    reasonCode: command.reasonCode,
    reasonText: command.reasonText,
    items: lines,
    shippingMinor,
    deductions,
    adjustmentMinor,
    totalMinor: total,
    returnId: command.returnId,
    createdMs: ctx.now,
  };
  order.refunds.push(stored);
  if (forReturn) setReturnStatus(forReturn, 'REFUNDED', ctx.now);
  touch(order, ctx.now);
  return { orderId: order.id, kind: 'refund', objectId: stored.id };
}

// ---- returns (buyer side, admin API) -------------------------------------------------------

export interface ReturnCommand {
  items: UnitRequest[];
  reason?: string | undefined;
  reasonCode?: ReturnReason | undefined;
  /** Some shops approve every return at once (Commerce Manager's automatic approval). */
  approved?: boolean | undefined;
}

/** Units of an item already on a return that was not declined. */
function unitsOnReturns(order: StoredOrder, item: StoredItem): number {
  return order.returns
    .filter((r) => r.status !== 'DISAPPROVED')
    .flatMap((r) => r.items)
    .filter((line) => line.itemId === item.id)
    .reduce((sum, line) => sum + line.quantity, 0);
}

function returnOf(order: StoredOrder, returnId: string): StoredReturn {
  const found = order.returns.find((r) => r.id === returnId);
  if (!found) throw invalidParameter(`Order ${order.id} has no return ${returnId}`);
  return found;
}

/** A refund may name a return that is still open (requested or approved), once. */
function refundableReturn(order: StoredOrder, returnId: string): StoredReturn {
  const found = returnOf(order, returnId);
  if (found.status !== 'REQUESTED' && found.status !== 'APPROVED') {
    throw invalidParameter(
      `Return ${returnId} is ${found.status}: only a requested or approved return can be refunded`,
    );
  }
  return found;
}

function setReturnStatus(found: StoredReturn, status: ReturnStatus, now: number): void {
  found.status = status;
  found.updatedMs = now;
}

/**
 * The seller's answer to a return (`update_return`, or Commerce Manager): accept a requested one,
 * decline a requested one (Commerce Manager only), or close an open one without a refund.
 */
export function updateReturn(
  ctx: RuleContext,
  order: StoredOrder,
  returnId: string,
  event: ReturnUpdateEvent | 'DECLINE_RETURN',
  merchantReturnId?: string,
): AppliedEffect {
  const found = returnOf(order, returnId);
  const allowed: Record<typeof event, { from: readonly ReturnStatus[]; to: ReturnStatus }> = {
    ACCEPT_RETURN: { from: ['REQUESTED'], to: 'APPROVED' },
    DECLINE_RETURN: { from: ['REQUESTED'], to: 'DISAPPROVED' },
    CLOSE_RETURN: { from: ['REQUESTED', 'APPROVED'], to: 'MERCHANT_MARKED_COMPLETED' },
  };
  const rule = allowed[event];
  if (!rule.from.includes(found.status)) {
    throw invalidParameter(`Cannot ${event} return ${returnId}: it is ${found.status}`);
  }
  setReturnStatus(found, rule.to, ctx.now);
  if (merchantReturnId !== undefined) found.merchantReturnId = merchantReturnId;
  touch(order, ctx.now);
  return { orderId: order.id, kind: 'return_update', objectId: found.id };
}

export function createReturn(ctx: RuleContext, order: StoredOrder, command: ReturnCommand): AppliedEffect {
  const { items } = command;
  const plan = new Map<StoredItem, number>();
  for (const request of items) {
    const item = resolveItem(order, request);
    plan.set(item, (plan.get(item) ?? 0) + request.quantity);
  }
  for (const [item, quantity] of plan) {
    const returned = unitsOnReturns(order, item);
    if (quantity > item.shipped - returned) {
      throw invalidParameter(
        `Cannot return ${quantity} unit(s) of '${item.retailerId}': only ${item.shipped - returned} shipped unit(s) are not returned yet`,
      );
    }
  }
  const stored: StoredReturn = {
    id: ctx.ids.nextId(),
    items: unitLines(plan),
    reason: command.reason,
    reasonCode: command.reasonCode,
    status: command.approved ? 'APPROVED' : 'REQUESTED',
    createdMs: ctx.now,
    updatedMs: ctx.now,
  };
  order.returns.push(stored);
  touch(order, ctx.now);
  return { orderId: order.id, kind: 'return', objectId: stored.id };
}
