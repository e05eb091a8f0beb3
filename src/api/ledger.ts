/**
 * The per-item ledger as every side sees it: the workflow keeps it (src/order/item-ledger.ts holds
 * its rules), the `state` query returns it, the OMS and the CLI read it. Items are Meta's order
 * lines, keyed by Meta's item id: two lines may share a retailer id (a personalised and a plain
 * mug), so the retailer id names a line only when it is unique. Money in decimal strings.
 */
import type { Money } from '../domain/money.js';

export interface LedgerItem {
  /** Meta's item id: the key. */
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
  /**
   * Everything returned to the buyer so far, as Meta totalled each refund (lines, shipping and
   * adjustments, less deductions). Absent in ledgers kept before it existed: then derived.
   */
  totalRefunded?: string | undefined;
}

/** Units of one order line. `itemId` is absent only in records kept before lines had it. */
export interface UnitLine {
  itemId: string;
  retailerId: string;
  quantity: number;
}

/** A refund line: units (priced by the ledger) or an amount; `amount` is always what goes back. */
export interface RefundPlanLine {
  itemId: string;
  retailerId: string;
  quantity?: number | undefined;
  amount: Money;
}

/** A checked refund: every line explicit, and what the buyer gets back in total. */
export interface RefundPlan {
  lines: RefundPlanLine[];
  shipping?: Money | undefined;
  /** Deducted from the refund (Meta: RETURN_SHIPPING). */
  deductions?: { type: string; amount: Money }[] | undefined;
  /** Added to the refund, beyond lines and shipping (goodwill). */
  adjustment?: Money | undefined;
  returnId?: string | undefined;
  /** Lines + shipping + adjustment − deductions. Absent in plans made before it existed. */
  total?: Money | undefined;
}
