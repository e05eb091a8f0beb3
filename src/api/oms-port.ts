/**
 * The OMS port: everything the order workflow asks of the merchant's order management system.
 * A merchant implements this interface (or uses the HTTP adapter, which turns each call into a
 * signed JSON event to their endpoint). Every method must be idempotent for the same arguments:
 * Temporal retries activities, so the same call can arrive more than once.
 */

export type Channel = 'facebook' | 'instagram';

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
  totals?:
    | { subtotal?: Money | undefined; shipping?: Money | undefined; tax?: Money | undefined; total?: Money | undefined }
    | undefined;
  /** The OMS must not send its own customer e-mails for this order. */
  suppressCustomerEmails: true;
}

export interface ShipmentRecord {
  metaOrderId: string;
  requestId: string;
  items: { retailerId: string; quantity: number }[];
  carrier: string;
  trackingNumber: string;
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
  requestId: string;
  items: { retailerId: string; quantity: number }[];
  reasonCode: string;
  restock: boolean;
  /** `merchant` when the OMS asked for it; `external` when Meta reported it (buyer, Commerce Manager). */
  origin: 'merchant' | 'external';
}

export interface RefundRecord {
  metaOrderId: string;
  requestId: string;
  items: { retailerId: string; quantity?: number | undefined; amount?: Money | undefined }[];
  shipping?: Money | undefined;
  reasonCode: string;
  origin: 'merchant' | 'external';
}

export interface ExternalChange {
  metaOrderId: string;
  kind: 'cancelled_before_release' | 'cancelled' | 'shipped' | 'refunded' | 'state_changed';
  detail: string;
}

export interface OpsNotification {
  metaOrderId: string;
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
   */
  createPendingOrder(input: PendingOrderInput): Promise<{ merchantOrderReference: string }>;
  /** Called only after Meta confirmed the acknowledgement. */
  markProcessing(metaOrderId: string): Promise<void>;
  recordShipment(shipment: ShipmentRecord): Promise<void>;
  /** Called after Meta accepted the new tracking. Idempotent: the same update twice changes nothing. */
  recordTrackingUpdate(update: TrackingUpdateRecord): Promise<void>;
  recordCancellation(cancellation: CancellationRecord): Promise<void>;
  recordRefund(refund: RefundRecord): Promise<void>;
  markCompleted(metaOrderId: string): Promise<void>;
  notifyExternalChange(change: ExternalChange): Promise<void>;
  notifyOps(notification: OpsNotification): Promise<void>;
}
