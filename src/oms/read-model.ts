import type { Channel, Money, OrderLine, PostalAddress } from '../api/oms-port.js';

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
  totals:
    | { subtotal?: Money | undefined; shipping?: Money | undefined; tax?: Money | undefined; total?: Money | undefined }
    | undefined;
  status: OmsOrderStatus;
  createdAt: string;
  updatedAt: string;
  processingAt: string | undefined;
  completedAt: string | undefined;
  cancelledAt: string | undefined;
}

export interface OmsItemQuantity {
  retailerId: string;
  quantity: number;
}

export interface OmsShipment {
  requestId: string;
  items: OmsItemQuantity[];
  carrier: string;
  trackingNumber: string;
  createdAt: string;
}

export interface OmsCancellation {
  requestId: string;
  /** The units actually cancelled (an empty request resolves to every unit still open). */
  items: OmsItemQuantity[];
  reasonCode: string;
  restock: boolean;
  origin: 'merchant' | 'external';
  createdAt: string;
}

export interface OmsRefund {
  requestId: string;
  items: { retailerId: string; quantity?: number | undefined; amount?: Money | undefined }[];
  shipping: Money | undefined;
  reasonCode: string;
  origin: 'merchant' | 'external';
  createdAt: string;
}

export interface OmsOrderDetail extends OmsOrderSummary {
  lines: OrderLine[];
  shipments: OmsShipment[];
  cancellations: OmsCancellation[];
  refunds: OmsRefund[];
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
