import type {
  Channel,
  Money,
  OrderLine,
  OrderTotals,
  PostalAddress,
  RecordOrigin,
  RefundDeduction,
  RefundItem,
  ReturnStatus,
  ItemQuantity,
} from '../api/oms-port.js';

/**
 * Read access to an OMS's records, for tests, the CLI and the demo. Separate from OmsPort on purpose:
 * the workflow never reads the OMS, and a merchant's own system need not offer this. The reference
 * adapter implements both.
 */
export interface OmsReadModel {
  getOrder(metaOrderId: string): Promise<OmsOrderDetail | undefined>;
  listOrders(filter?: { status?: OmsOrderStatus | undefined }): Promise<OmsOrderSummary[]>;
  inventory(retailerId: string): Promise<OmsInventoryLevel | undefined>;
  reservation(metaOrderId: string): Promise<OmsReservation | undefined>;
  /** Every event, or one order's, oldest first. */
  events(metaOrderId?: string): Promise<OmsEvent[]>;
  /**
   * What the OMS's records of an order add up to, per order line: units shipped, cancelled and
   * refunded, money refunded; to compare with Meta's order. Undefined when the OMS has no such order.
   */
  orderBooks(metaOrderId: string): Promise<OmsOrderBooks | undefined>;
}

export const OMS_ORDER_STATUSES = ['pending', 'processing', 'completed', 'cancelled'] as const;
export type OmsOrderStatus = (typeof OMS_ORDER_STATUSES)[number];

export interface OmsOrderSummary {
  metaOrderId: string;
  merchantOrderReference: string;
  channel: Channel;
  paymentMethod: string;
  buyer: { name: string; email: string | undefined; marketingOptIn: boolean };
  suppressCustomerEmails: boolean;
  shippingAddress: PostalAddress;
  shippingMethod: string | undefined;
  /** Meta's ship_by_date ('YYYY-MM-DD'), when the order carried it. */
  shipByDate: string | undefined;
  totals: OrderTotals | undefined;
  status: OmsOrderStatus;
  createdAt: string;
  updatedAt: string;
  processingAt: string | undefined;
  completedAt: string | undefined;
  cancelledAt: string | undefined;
}

export interface OmsItemQuantity {
  /**
   * The order line (Meta's item id) the units came from. Absent on shipments and cancellations recorded
   * before item ids were kept, and on a cancellation of an order the OMS never created.
   */
  itemId?: string | undefined;
  retailerId: string;
  quantity: number;
}

export interface OmsShipment {
  requestId: string;
  /** The units actually shipped, per order line (an empty request resolves to every unit still open). */
  items: OmsItemQuantity[];
  carrier: string;
  trackingNumber: string;
  origin: RecordOrigin;
  metaShipmentId: string | undefined;
  createdAt: string;
}

export interface OmsCancellation {
  requestId: string;
  /** The units actually cancelled, per order line (an empty request resolves to every unit still open). */
  items: OmsItemQuantity[];
  reasonCode: string;
  restock: boolean;
  origin: RecordOrigin;
  initiatedBy: string | undefined;
  reasonDescription: string | undefined;
  metaCancellationId: string | undefined;
  createdAt: string;
}

export interface OmsRefund {
  requestId: string;
  /** Each with the order line it was booked on (itemId), unless the OMS does not hold the order. */
  items: RefundItem[];
  shipping: Money | undefined;
  deductions: RefundDeduction[];
  adjustment: Money | undefined;
  /** Meta's total_refund_amount, when the refund carried it. */
  total: Money | undefined;
  reasonCode: string;
  reasonText: string | undefined;
  returnId: string | undefined;
  origin: RecordOrigin;
  metaRefundId: string | undefined;
  createdAt: string;
}

export interface OmsReturn {
  metaReturnId: string;
  /** The latest status recorded. */
  status: ReturnStatus;
  /** Every status recorded, oldest first. */
  steps: ReturnStatus[];
  items: ItemQuantity[];
  reasonCode: string | undefined;
  merchantReturnId: string | undefined;
  updatedAt: string;
}

export interface OmsOrderDetail extends OmsOrderSummary {
  lines: OrderLine[];
  shipments: OmsShipment[];
  cancellations: OmsCancellation[];
  refunds: OmsRefund[];
  returns: OmsReturn[];
}

export interface OmsInventoryLevel {
  retailerId: string;
  name: string;
  onHand: number;
  reserved: number;
  /** on_hand - reserved, never below zero. */
  available: number;
}

export interface OmsReservationLine {
  retailerId: string;
  requested: number;
  /** Units granted when the reservation was made. */
  held: number;
  /** Units taken out of the hold by shipments or by cancellations without restock. */
  consumed: number;
  /** Units given back by releaseInventory or by cancellations with restock. */
  released: number;
  /** held - consumed - released: still set aside for this order. */
  outstanding: number;
}

export interface OmsReservation {
  metaOrderId: string;
  fullyReserved: boolean;
  createdAt: string;
  releasedAt: string | undefined;
  lines: OmsReservationLine[];
}

export interface OmsEvent {
  id: number;
  metaOrderId: string | undefined;
  /** `external.<kind>`, `ops.notification`, `order.tracking_updated`, or an OMS-side finding such as `inventory.shortage`. */
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  detail: string;
  data: unknown;
  createdAt: string;
}

/**
 * One order line in the books. Amounts are exact decimal strings with at least two decimals
 * ("12.50", "0.00"), in the order's currency.
 */
export interface OmsItemBooks {
  /** Meta's item id. */
  itemId: string;
  retailerId: string;
  ordered: number;
  shipped: number;
  cancelled: number;
  /** Units refunded: the quantities of the refund lines booked on this line. */
  refunded: number;
  /** Money refunded: the amounts of the refund lines booked on this line. */
  refundedAmount: Money;
}

/** An order's books: what its shipments, cancellations and refunds add up to, to compare with Meta's. */
export interface OmsOrderBooks {
  metaOrderId: string;
  /** The order's currency: every amount below is in it. */
  currency: string;
  /** One entry per order line, in the order's line order. */
  items: OmsItemBooks[];
  shippingRefunded: Money;
  /** Deductions taken off refunds (return shipping, ...). */
  deducted: Money;
  /** Adjustments added to refunds. */
  adjusted: Money;
  /**
   * What the buyer got back: per refund, Meta's total when recorded, otherwise its lines + shipping +
   * adjustment - deductions.
   */
  totalRefunded: Money;
  /**
   * Refund lines given by quantity without an amount (Meta priced them): their money is missing from
   * refundedAmount, and from totalRefunded unless their refund carried Meta's total.
   */
  unpricedRefundLines: number;
}
