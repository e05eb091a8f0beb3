/**
 * The order's Graph activities, on the Graph task queue: read the order, create the pending OMS
 * order (buyer data goes from Meta to the OMS inside the activity), acknowledge, ship, update
 * tracking, cancel, refund. Each write derives its idempotency key from what the request is (order
 * id, operation, the caller's requestId), so every retry and every replay sends the same key and
 * Meta applies the request once. Calls are paced by Meta's reported usage (graph-calls.ts).
 */
import type { GraphActivities } from '../api/activities.js';
import type { OmsPort } from '../api/oms-port.js';
import type { OrderSnapshot } from '../api/order-state.js';
import type { GraphClient } from '../graph/client.js';
import { GraphError } from '../graph/errors.js';
import { idempotencyKey } from '../graph/idempotency.js';
import type { GraphCalls } from './graph-calls.js';
import { BUYER_FIELDS, SNAPSHOT_FIELDS, toOrderSnapshot, toPendingOrderInput } from './order-mapping.js';

/** Meta's external_shipment_id allows [A-Za-z0-9_]: the ship key without hyphens is unique and stable. */
export function externalShipmentId(orderId: string, shipRequestId: string): string {
  return idempotencyKey(orderId, 'ship', shipRequestId).replaceAll('-', '');
}

export function createGraphActivities(deps: { graph: GraphClient; oms: OmsPort; calls: GraphCalls }): GraphActivities {
  const { graph, oms } = deps;
  const { paced, allItems } = deps.calls;

  return {
    async fetchOrderSnapshot(orderId): Promise<OrderSnapshot> {
      const order = await paced(() =>
        graph.getOrder(orderId, SNAPSHOT_FIELDS, { itemFields: ['status', 'productName'] }),
      );
      return toOrderSnapshot(order, await allItems(orderId, order.items));
    },

    async createPendingOmsOrder({ orderId, channel }) {
      // Buyer data goes from Meta to the OMS here and is never returned to the workflow.
      const order = await paced(() => graph.getOrder(orderId, BUYER_FIELDS, { itemFields: ['productName'] }));
      const items = await allItems(orderId, order.items);
      return oms.createPendingOrder(toPendingOrderInput(order, items, channel));
    },

    async acknowledgeOrder({ orderId, merchantOrderReference }) {
      return paced(async () => {
        try {
          await graph.acknowledgeOrder(orderId, {
            idempotencyKey: idempotencyKey(orderId, 'acknowledge'),
            merchantOrderReference,
          });
          return { state: 'IN_PROGRESS' as const };
        } catch (err) {
          // Refused as "not CREATED": if it is already acknowledged with our reference (a bulk call
          // whose answer came late, under another key), that is the outcome we wanted, not an error.
          if (!(err instanceof GraphError) || err.kind !== 'validation') throw err;
          const order = await graph.getOrder(orderId, ['orderStatus', 'merchantOrderId']);
          const state = order.orderStatus.state;
          if (state !== 'CREATED' && state !== 'FB_PROCESSING' && order.merchantOrderId === merchantOrderReference)
            return { state };
          throw err;
        }
      });
    },

    async shipItems({ orderId, requestId, items, carrier, trackingNumber, shippingMethodName }) {
      await paced(() =>
        graph.createShipment(orderId, {
          idempotencyKey: idempotencyKey(orderId, 'ship', requestId),
          items: items.map((i) => ({ retailerId: i.retailerId, quantity: i.quantity })),
          trackingInfo: { carrier, trackingNumber, shippingMethodName },
          externalShipmentId: externalShipmentId(orderId, requestId),
        }),
      );
    },

    async updateTracking({ orderId, requestId, shipmentRequestId, carrier, trackingNumber }) {
      await paced(() =>
        graph.updateShipment(orderId, {
          idempotencyKey: idempotencyKey(orderId, 'updateShipment', requestId),
          externalShipmentId: externalShipmentId(orderId, shipmentRequestId),
          trackingInfo: { carrier, trackingNumber },
        }),
      );
    },

    async cancelItems({ orderId, requestId, reasonCode, reasonDescription, restock, items }) {
      await paced(() =>
        graph.cancelOrder(orderId, {
          idempotencyKey: idempotencyKey(orderId, 'cancel', requestId),
          reasonCode: reasonCode as never,
          reasonDescription,
          restockItems: restock,
          items: items?.map((i) => ({ retailerId: i.retailerId, quantity: i.quantity })),
        }),
      );
    },

    async refundItems({ orderId, requestId, reasonCode, reasonText, plan }) {
      await paced(() =>
        graph.refundOrder(orderId, {
          idempotencyKey: idempotencyKey(orderId, 'refund', requestId),
          reasonCode: reasonCode as never,
          reasonText,
          items: plan.lines.map((l) =>
            l.quantity !== undefined
              ? { retailerId: l.retailerId, quantity: l.quantity }
              : { retailerId: l.retailerId, amount: l.amount },
          ),
          shippingRefund: plan.shipping,
        }),
      );
    },
  };
}
