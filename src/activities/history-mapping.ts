/** From the Graph client's history-edge objects to what the workflow reconciles (src/api/order-history.ts). */
import type { MetaLine, OrderHistory } from '../api/order-history.js';
import type { GraphCancellation, GraphRefund, GraphReturn, GraphShipment, GraphUnitLine } from '../graph/schemas.js';

const line = (l: GraphUnitLine): MetaLine => ({
  itemId: l.itemId,
  retailerId: l.retailerId,
  quantity: l.quantity ?? 0,
});

export function toOrderHistory(
  shipments: GraphShipment[],
  cancellations: GraphCancellation[],
  refunds: GraphRefund[],
  returns?: GraphReturn[],
): OrderHistory {
  return {
    ...(returns
      ? {
          returns: returns.map((r) => ({
            id: r.id,
            status: r.returnStatus,
            reasonCode: r.returnReason,
            merchantReturnId: r.merchantReturnId,
            lines: (r.items ?? []).map(line),
          })),
        }
      : {}),
    shipments: shipments.map((s) => ({
      id: s.id,
      externalShipmentId: s.externalShipmentId,
      carrier: s.trackingInfo?.carrier,
      trackingNumber: s.trackingInfo?.trackingNumber,
      lines: (s.items ?? []).map(line),
    })),
    cancellations: cancellations.map((c) => ({
      id: c.id,
      reasonCode: c.cancelReason?.reasonCode,
      reasonDescription: c.cancelReason?.reasonDescription,
      restock: c.restockItems,
      initiatedBy: c.initiatedBy,
      lines: (c.items ?? []).map(line),
    })),
    refunds: refunds.map((r) => ({
      id: r.id,
      reasonCode: r.reasonCode,
      reasonText: r.reasonText,
      lines: (r.items ?? []).map((l) => ({
        itemId: l.itemId,
        retailerId: l.retailerId,
        quantity: l.itemRefundQuantity,
        amount: l.itemRefundAmount,
      })),
      shipping: r.shipping?.shippingRefund,
      deductions: r.deductions?.map((d) => ({ type: d.deductionType, amount: d.deductionAmount })),
      adjustment: r.adjustmentAmount,
      total: r.totalRefundAmount,
      returnId: r.returnId,
    })),
  };
}
