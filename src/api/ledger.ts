/**
 * The per-item ledger as every side sees it: the workflow keeps it (src/order/item-ledger.ts holds
 * its rules), the `state` query returns it, the OMS and the CLI read it. Money in decimal strings.
 */
import type { Money } from '../domain/money.js';

export interface LedgerItem {
  itemId: string;
  retailerId: string;
  productName?: string | undefined;
  ordered: number;
  shipped: number;
  cancelled: number;
  refundedQuantity: number;
  /** Decimal string in the order currency. */
  refundedAmount: string;
  pricePerUnit: Money;
}

export interface Ledger {
  items: LedgerItem[];
  currency: string;
  /** Shipping refunded so far (decimal string). */
  shippingRefunded: string;
}

export interface UnitLine {
  retailerId: string;
  quantity: number;
}

export interface RefundPlan {
  lines: { retailerId: string; quantity?: number | undefined; amount: Money }[];
  shipping?: Money | undefined;
}
