/**
 * `fb-orders export`: one CSV row per order line, like Commerce Manager's order download, built
 * from the order workflow's state (ledger), never from buyer data (the state holds none).
 */
import type { OrderWorkflowState } from '../api/order-state.js';
import { csvRow, type CsvValue } from './csv.js';

export const EXPORT_HEADER = [
  'Order ID',
  'Merchant Reference',
  'Channel',
  'Meta State',
  'Phase',
  'Retailer ID',
  'Product Name',
  'Quantity Ordered',
  'Quantity Shipped',
  'Quantity Cancelled',
  'Quantity Refunded',
  'Refunded Amount',
  'Unit Price',
  'Currency',
] as const;

export function exportHeader(): string {
  return csvRow(EXPORT_HEADER);
}

/**
 * The order's rows. An order that has no ledger yet (still in FB_PROCESSING, or cancelled before
 * release) gets one row with empty line columns, so that every listed order appears in the file.
 */
export function exportRows(state: OrderWorkflowState): string[] {
  const order: CsvValue[] = [state.orderId, state.merchantOrderReference, state.channel, state.metaState, state.phase];
  if (!state.ledger || state.ledger.items.length === 0) return [csvRow([...order, '', '', '', '', '', '', '', '', ''])];
  const currency = state.ledger.currency;
  return state.ledger.items.map((item) =>
    csvRow([
      ...order,
      item.retailerId,
      item.productName,
      item.ordered,
      item.shipped,
      item.cancelled,
      item.refundedQuantity,
      item.refundedAmount,
      item.pricePerUnit.amount,
      item.pricePerUnit.currency || currency,
    ]),
  );
}
