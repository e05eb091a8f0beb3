/**
 * The OMS port: everything the order workflow asks of the merchant's order management system.
 * A merchant implements this interface (or uses the HTTP adapter, which turns each call into a
 * signed JSON event to their endpoint). Every method must be idempotent for the same arguments:
 * Temporal retries activities, so the same call can arrive more than once.
 */

import type { ReturnStatus } from '../domain/returns.js';

export type { ReturnStatus };

/** Where Meta sold the order. */
export const CHANNELS = ['facebook', 'instagram'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Money {
  /** Decimal string, never a float: "12.50". */
  amount: string;
  currency: string;
}

export interface ReservationLine {
  retailerId: string;
  quantity: number;
}

export interface PostalAddress {
  name: string;
  street1: string;
  street2?: string | undefined;
  city: string;
  state?: string | undefined;
  postalCode: string;
  country: string;
}

export interface OrderLine {
  /** Meta's item id within the order. */
  itemId: string;
  retailerId: string;
  productName?: string | undefined;
  quantity: number;
  pricePerUnit: Money;
  /** The buyer's personalisation text for this line (Meta's item customization), at most 1,000 characters. */
  customization?: string | undefined;
  /** The shipping option the buyer chose for this line (Meta's item selected_shipping_option). */
  shippingOption?: LineShippingOption | undefined;
  /** The line's tax as Meta reports it (the item's tax_details.estimated_tax), for all its units. */
  tax?: Money | undefined;
}

export interface LineShippingOption {
  name: string;
  /** Meta's estimated shipping time, in days, when given. */
  minDays?: number | undefined;
  maxDays?: number | undefined;
}

/** The order's money as Meta estimated it at checkout. Every amount is in the order's currency. */
export interface OrderTotals {
  subtotal?: Money | undefined;
  shipping?: Money | undefined;
  tax?: Money | undefined;
  total?: Money | undefined;
  /** Meta collects and remits the tax (tax_remitted): the merchant does not owe it. */
  taxRemitted?: boolean | undefined;
  /** What Meta paid toward the order (facebook_paid_amount: promotions Meta funds). */
  facebookPaid?: Money | undefined;
  /** What the buyer paid (buyer_paid_amount). */
  buyerPaid?: Money | undefined;
}

export interface PendingOrderInput {
  metaOrderId: string;
  channel: Channel;
  /** Meta collects payment: the OMS must record the order as prepaid with this method name. */
  paymentMethod: 'Paid on Facebook' | 'Paid on Instagram';
  buyer: {
    name: string;
    /** Meta's relay address. Use it for order records only; Meta sends the buyer's e-mails. */
    email?: string | undefined;
    /** Never market to a buyer who did not opt in. */
    marketingOptIn: boolean;
  };
  shippingAddress: PostalAddress;
  lines: OrderLine[];
  shippingMethod?: string | undefined;
  /** Meta's ship_by_date ('YYYY-MM-DD'): the order must ship by then. */
  shipByDate?: string | undefined;
  totals?: OrderTotals | undefined;
  /** The OMS must not send its own customer e-mails for this order. */
  suppressCustomerEmails: true;
  /**
   * Nothing holds the order's stock now: it was first seen already released (never reserved), or
   * its reservation was given back while Meta kept it in FB_PROCESSING too long. Reserve its lines.
   */
  reserveStock?: boolean | undefined;
}

/**
 * Units of one line of the order. `itemId` (Meta's item id) names the line; without it the units are
 * taken from the lines with this retailer id, in order. An order may have two lines with one retailer
 * id: send `itemId` to keep them apart.
 */
export interface ItemQuantity {
  /** Meta's item id within the order (OrderLine.itemId). */
  itemId?: string | undefined;
  retailerId: string;
  quantity: number;
}

/** Who made a shipment, cancellation or refund: our command (`merchant`) or someone outside the integration. */
export type RecordOrigin = 'merchant' | 'external';

export interface ShipmentRecord {
  metaOrderId: string;
  /** For an external shipment, derived from Meta's object id: `meta-shipment-<metaShipmentId>`. */
  requestId: string;
  items: ItemQuantity[];
  carrier: string;
  trackingNumber: string;
  /**
   * `merchant` (also when absent) when our ship command made it; `external` when Meta reported a
   * shipment made outside the integration (Commerce Manager, support). Recorded the same either way.
   */
  origin?: RecordOrigin | undefined;
  /** Meta's shipment object id, when known. An external shipment is keyed by it (see requestId). */
  metaShipmentId?: string | undefined;
}

/** Our updateTracking command changed a shipment's carrier or tracking number on Meta. */
export interface TrackingUpdateRecord {
  metaOrderId: string;
  /** The updateTracking command's requestId. */
  requestId: string;
  /** The requestId of the ship command whose shipment changed (the OMS's shipment key). */
  shipmentRequestId: string;
  carrier: string;
  trackingNumber: string;
}

export interface CancellationRecord {
  metaOrderId: string;
  /** For an external cancellation, derived from Meta's object id: `meta-cancellation-<metaCancellationId>`. */
  requestId: string;
  items: ItemQuantity[];
  reasonCode: string;
  /** Put the cancelled units back on sale. For an external cancellation, Meta's restock flag. */
  restock: boolean;
  /** `merchant` when the OMS asked for it; `external` when Meta reported it (buyer, Commerce Manager). */
  origin: RecordOrigin;
  /** Meta's `initiated_by`: who cancelled, e.g. `BUYER` or `SELLER`. */
  initiatedBy?: string | undefined;
  /** Meta's free-text reason description. */
  reasonDescription?: string | undefined;
  /** Meta's cancellation object id, when known. An external cancellation is keyed by it (see requestId). */
  metaCancellationId?: string | undefined;
}

/** One line of a refund: by quantity, by amount, or both (Meta's item_refund_quantity / item_refund_amount). */
export interface RefundItem {
  /** Meta's item id within the order (OrderLine.itemId). */
  itemId?: string | undefined;
  retailerId: string;
  quantity?: number | undefined;
  /** The money refunded for this line, as Meta computed it when known. */
  amount?: Money | undefined;
}

export interface RefundDeduction {
  /** Meta's deduction_type, e.g. `RETURN_SHIPPING`. */
  type: string;
  amount: Money;
}

/**
 * A refund, with the amounts as Meta computed them when the workflow knows them, so that the OMS's
 * books can be compared with Meta's. Every amount of one refund is in one currency.
 */
export interface RefundRecord {
  metaOrderId: string;
  /** For an external refund, derived from Meta's object id: `meta-refund-<metaRefundId>`. */
  requestId: string;
  items: RefundItem[];
  shipping?: Money | undefined;
  /** Taken off the refund (Meta's deductions, e.g. return shipping). */
  deductions?: RefundDeduction[] | undefined;
  /** Meta's adjustment_amount: added to the refund beyond the items and shipping. */
  adjustment?: Money | undefined;
  /** Meta's total_refund_amount: what the buyer gets back (items + shipping + adjustment - deductions). */
  total?: Money | undefined;
  reasonCode: string;
  /** Meta's free-text reason. */
  reasonText?: string | undefined;
  /** The return this refund settles (Meta's return_id). */
  returnId?: string | undefined;
  origin: RecordOrigin;
  /** Meta's refund object id, when known. An external refund is keyed by it (see requestId). */
  metaRefundId?: string | undefined;
}

/**
 * A buyer's return, each time Meta's status for it changes: REQUESTED (goods may be coming back),
 * APPROVED, DISAPPROVED, REFUNDED (a refund named it), MERCHANT_MARKED_COMPLETED (closed without a
 * refund through Meta). Idempotent per (metaReturnId, status): the same step twice changes nothing.
 */
export interface ReturnRecord {
  metaOrderId: string;
  metaReturnId: string;
  status: ReturnStatus;
  items: ItemQuantity[];
  /** The buyer's pick of reason, as Meta gives it (never the buyer's own words). */
  reasonCode?: string | undefined;
  /** The merchant's own id for the return (an RMA number), when one was given to Meta. */
  merchantReturnId?: string | undefined;
}

/**
 * A change made outside the integration that no structured record covers. Shipments, cancellations
 * and refunds made outside go to recordShipment / recordCancellation / recordRefund with
 * `origin: 'external'` and Meta's object id instead: those are recorded once and counted in the books.
 */
export interface ExternalChange {
  metaOrderId: string;
  kind: 'cancelled_before_release' | 'cancelled' | 'shipped' | 'refunded' | 'state_changed';
  detail: string;
}

export interface OpsNotification {
  /** Absent when the notice is about the account's intake (the order poller, the ack batcher), not one order. */
  metaOrderId?: string | undefined;
  severity: 'warning' | 'critical';
  reason: string;
}

export interface OmsPort {
  /** Holds stock for an order still in FB_PROCESSING. Idempotent per order id. */
  reserveInventory(
    metaOrderId: string,
    lines: ReservationLine[],
  ): Promise<{ reserved: boolean; shortages: ReservationLine[] }>;
  /** Gives back whatever is still reserved for the order (cancelled before release). Idempotent. */
  releaseInventory(metaOrderId: string): Promise<void>;
  /**
   * Creates the order in a pending state and returns its merchant_order_reference. Idempotent:
   * a second call for the same order returns the same reference (it is immutable once issued).
   * With `reserveStock` the OMS reserves its lines too, unless a reservation holds them already (a
   * reservation that was released does not), so that no order skips stock.
   */
  createPendingOrder(input: PendingOrderInput): Promise<{ merchantOrderReference: string }>;
  /** Called only after Meta confirmed the acknowledgement. */
  markProcessing(metaOrderId: string): Promise<void>;
  /**
   * Records units leaving: carrier, tracking, stock out of the shelf. Idempotent per (metaOrderId,
   * requestId): the same record again changes nothing, other data under the same key is an
   * OmsIdempotencyConflictError. The same holds for recordCancellation and recordRefund, and for
   * Meta's object id (metaShipmentId, metaCancellationId, metaRefundId) when given.
   */
  recordShipment(shipment: ShipmentRecord): Promise<void>;
  /** Called after Meta accepted the new tracking. Idempotent: the same update twice changes nothing. */
  recordTrackingUpdate(update: TrackingUpdateRecord): Promise<void>;
  /** Cancelled units go back on sale only with `restock`. */
  recordCancellation(cancellation: CancellationRecord): Promise<void>;
  recordRefund(refund: RefundRecord): Promise<void>;
  /** A return appeared on Meta or changed status. */
  recordReturn(record: ReturnRecord): Promise<void>;
  markCompleted(metaOrderId: string): Promise<void>;
  notifyExternalChange(change: ExternalChange): Promise<void>;
  notifyOps(notification: OpsNotification): Promise<void>;
}
