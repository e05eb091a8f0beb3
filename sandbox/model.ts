/**
 * The sandbox's stored state of an order. Money is held in integer minor units (bigint) and
 * turned into Meta's `{ amount: "5.50", currency }` only when serialised.
 */
import type { OrderState } from './meta-codes/order-states.js';
import type { ReturnStatus } from './meta-codes/return-codes.js';

export type Channel = 'facebook' | 'instagram';

/** Who caused a change: the API caller, Commerce Manager (admin API), the buyer, or Meta itself. */
export type Origin = 'api' | 'commerce_manager' | 'buyer' | 'platform';

/** `initiated_by` of a cancellation: the seller (API or Commerce Manager) or the buyer (app or support). */
export type CancelInitiator = 'SELLER' | 'BUYER';

export interface StoredItem {
  id: string;
  productId: string;
  retailerId: string;
  productName: string;
  quantity: number;
  unitPriceMinor: bigint;
  /** Estimated tax for all units of the line. */
  taxMinor: bigint;
  shipped: number;
  cancelled: number;
  refundedQuantity: number;
  refundedMinor: bigint;
  customization?: string | undefined;
}

export interface UnitLine {
  itemId: string;
  retailerId: string;
  quantity: number;
}

export interface TrackingInfo {
  carrier: string;
  trackingNumber: string;
  shippingMethodName?: string | undefined;
}

export interface StoredShipment {
  id: string;
  externalShipmentId?: string | undefined;
  items: UnitLine[];
  tracking: TrackingInfo;
  createdMs: number;
  updatedMs: number;
  origin: Origin;
}

export interface StoredCancellation {
  id: string;
  items: UnitLine[];
  reasonCode: string;
  reasonDescription?: string | undefined;
  restockItems: boolean;
  initiatedBy: CancelInitiator;
  origin: Origin;
  createdMs: number;
}

export interface RefundLine {
  itemId: string;
  retailerId: string;
  /** Set for a refund by quantity. */
  quantity?: number | undefined;
  amountMinor: bigint;
}

export interface StoredRefund {
  id: string;
  reasonCode: string;
  reasonText?: string | undefined;
  items: RefundLine[];
  shippingMinor: bigint;
  deductions: { type: string; amountMinor: bigint }[];
  adjustmentMinor: bigint;
  totalMinor: bigint;
  returnId?: string | undefined;
  createdMs: number;
}

/** A buyer's return (see meta-codes/return-codes.ts for its life). */
export interface StoredReturn {
  id: string;
  items: UnitLine[];
  /** Buyer's own words (buyer data: shown to the seller, never needed by the integration's workflow). */
  reason?: string | undefined;
  /** The buyer's pick from Meta's return reasons. */
  reasonCode?: string | undefined;
  status: ReturnStatus;
  merchantReturnId?: string | undefined;
  createdMs: number;
  updatedMs: number;
}

export interface BuyerDetails {
  name: string;
  email: string;
  emailRemarketingOption: boolean;
}

export interface ShippingAddress {
  name: string;
  street1: string;
  street2?: string | undefined;
  city: string;
  state?: string | undefined;
  postalCode: string;
  country: string;
}

export interface ShippingOption {
  name: string;
  priceMinor: bigint;
  taxMinor: bigint;
  minDays: number;
  maxDays: number;
}

export interface StoredOrder {
  id: string;
  /** Creation sequence: the immutable sort key of the order listing. */
  seq: number;
  channel: Channel;
  state: OrderState;
  currency: string;
  createdMs: number;
  lastUpdatedMs: number;
  /** When Meta releases it to CREATED; null while held (risk review) or once no release can happen. */
  releaseAtMs: number | null;
  /** Set once released: buyer and address become visible. */
  releasedMs?: number | undefined;
  buyer: BuyerDetails;
  shippingAddress: ShippingAddress;
  shippingOption: ShippingOption;
  shipByDate: string;
  /** false when the seller, not Meta, remits the tax (absent: Meta remits it). */
  taxRemitted?: boolean | undefined;
  /** What Meta pays toward the order (a promotion it funds); absent: nothing. The buyer pays the rest. */
  facebookPaidMinor?: bigint | undefined;
  merchantOrderReference?: string | undefined;
  items: StoredItem[];
  shipments: StoredShipment[];
  cancellations: StoredCancellation[];
  refunds: StoredRefund[];
  returns: StoredReturn[];
  shippingRefundedMinor: bigint;
}

export interface StoredProduct {
  id: string;
  retailerId: string;
  name: string;
  description: string;
  brand: string;
  inventory: number;
  unitPriceMinor: bigint;
  currency: string;
}

/** Items, shipping and tax, in minor units (estimated_payment_details.total_amount). */
export function orderTotalMinor(order: StoredOrder): bigint {
  const itemsMinor = order.items.reduce((sum, item) => sum + item.unitPriceMinor * BigInt(item.quantity), 0n);
  const taxMinor = order.items.reduce((sum, item) => sum + item.taxMinor, 0n) + order.shippingOption.taxMinor;
  return itemsMinor + order.shippingOption.priceMinor + taxMinor;
}

/** Units of a line neither shipped nor cancelled. */
export function openUnits(item: StoredItem): number {
  return item.quantity - item.shipped - item.cancelled;
}

export function allUnitsClosed(order: StoredOrder): boolean {
  return order.items.every((item) => openUnits(item) === 0);
}

export function allUnitsCancelled(order: StoredOrder): boolean {
  return order.items.every((item) => item.cancelled === item.quantity);
}
