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
  // Added later, so at the end: files read by column position keep working.
  'Ship By',
  'Carrier',
  'Tracking Number',
  'Shipping Refunded',
  'Returns',
] as const;

export function exportHeader(): string {
  return csvRow(EXPORT_HEADER);
}

/** The distinct carriers and tracking numbers of the shipments that carried units of this line, joined with "; ". */
function lineShipments(state: OrderWorkflowState, itemId: string): { carriers: string; trackingNumbers: string } {
  const shipments = Object.values(state.shipments).filter((s) => s.lines.some((line) => line.itemId === itemId));
  const distinct = (values: string[]) => [...new Set(values)].join('; ');
  return {
    carriers: distinct(shipments.map((s) => s.carrier)),
    trackingNumbers: distinct(shipments.map((s) => s.trackingNumber)),
  };
}

/** The buyer's returns that hold units of this line: "<return id> <status> x<units>", joined with "; ". */
function lineReturns(state: OrderWorkflowState, itemId: string): string {
  return (state.returns ?? [])
    .flatMap((r) =>
      r.lines.filter((line) => line.itemId === itemId).map((line) => `${r.id} ${r.status} x${line.quantity}`),
    )
    .join('; ');
}

/**
 * The order's rows. An order that has no ledger yet (still in FB_PROCESSING, or cancelled before
 * release) gets one row with empty line columns, so that every listed order appears in the file.
 * Shipping Refunded belongs to the order, not a line: it is on the order's first row only, so a
 * column sum over the file is right.
 */
export function exportRows(state: OrderWorkflowState): string[] {
  const order: CsvValue[] = [state.orderId, state.merchantOrderReference, state.channel, state.metaState, state.phase];
  const lineColumns = EXPORT_HEADER.indexOf('Currency') - EXPORT_HEADER.indexOf('Retailer ID') + 1;
  if (!state.ledger || state.ledger.items.length === 0)
    return [csvRow([...order, ...Array<string>(lineColumns).fill(''), state.shipByDate, '', '', '', ''])];
  const currency = state.ledger.currency;
  const shippingRefunded = state.ledger.shippingRefunded;
  return state.ledger.items.map((item, index) => {
    const { carriers, trackingNumbers } = lineShipments(state, item.itemId);
    return csvRow([
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
      state.shipByDate,
      carriers,
      trackingNumbers,
      index === 0 ? shippingRefunded : '',
      lineReturns(state, item.itemId),
    ]);
  });
}
