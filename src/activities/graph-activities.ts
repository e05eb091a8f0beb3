/**
 * The order's Graph activities, on the Graph task queue: read the order, create the pending OMS
 * order (buyer data goes from Meta to the OMS inside the activity), acknowledge, ship, update
 * tracking, cancel, refund. Each write derives its idempotency key from what the request is (order
 * id, operation, the caller's requestId), so every retry and every replay sends the same key and
 * Meta applies the request once. Calls are paced by Meta's reported usage (graph-calls.ts).
 */
import { Context } from '@temporalio/activity';
import type { GraphActivities } from '../api/activities.js';
import type { OmsPort } from '../api/oms-port.js';
import type { UnitLine } from '../api/ledger.js';
import { edgesToRead, type HistoryEdge } from '../api/order-history.js';
import type { OrderSnapshot } from '../api/order-state.js';
import type { GraphClient } from '../graph/client.js';
import { GraphError } from '../graph/errors.js';
import { commandIdempotencyKey, idempotencyKey, type IdempotentOperation } from '../graph/idempotency.js';
import type { GraphCalls } from './graph-calls.js';
import { callOms } from './oms-activities.js';
import { validatedOmsPort } from '../oms/validated-oms.js';
import { toOrderHistory } from './history-mapping.js';
import {
  BUYER_FIELDS,
  BUYER_ITEM_FIELDS,
  SNAPSHOT_FIELDS,
  toOrderSnapshot,
  toPendingOrderInput,
} from './order-mapping.js';

/** Meta's external_shipment_id allows [A-Za-z0-9_]: the ship key without hyphens is unique and stable. */
export function externalShipmentId(orderId: string, shipRequestId: string): string {
  return idempotencyKey(orderId, 'ship', shipRequestId).replaceAll('-', '');
}

/** The key of a command's call: from its content too, unless it was scheduled before commands carried a fingerprint. */
function keyFor(
  orderId: string,
  operation: IdempotentOperation,
  requestId: string,
  fingerprint: string | undefined,
): string {
  return fingerprint
    ? commandIdempotencyKey(orderId, operation, requestId, fingerprint)
    : idempotencyKey(orderId, operation, requestId);
}

/** Meta's line reference: the item id (lines recorded before item ids were kept name the retailer id). */
function itemRef(line: {
  itemId?: string | undefined;
  retailerId: string;
}): { itemId: string } | { retailerId: string } {
  return line.itemId ? { itemId: line.itemId } : { retailerId: line.retailerId };
}

const unitWire = (line: UnitLine) => ({ ...itemRef(line), quantity: line.quantity });

export function createGraphActivities(deps: { graph: GraphClient; oms: OmsPort; calls: GraphCalls }): GraphActivities {
  const { graph, oms } = deps;
  // The OMS calls the ship activity makes (see shipItems): checked like the OMS activities' own.
  const validatedOms = validatedOmsPort(oms);
  const { paced, allItems } = deps.calls;

  async function fetchOrderSnapshot(orderId: string): Promise<OrderSnapshot> {
    const order = await paced(() =>
      graph.getOrder(orderId, SNAPSHOT_FIELDS, { itemFields: ['status', 'productName'] }),
    );
    return toOrderSnapshot(order, await allItems(orderId, order.items));
  }

  async function fetchOrderHistory(orderId: string, kinds: HistoryEdge[] | undefined) {
    // One read per edge asked for (a command's read-back needs only its own edge).
    const wanted = (kind: HistoryEdge) => kinds === undefined || kinds.includes(kind);
    const shipments = wanted('shipments') ? await paced(() => graph.listShipments(orderId)) : [];
    const cancellations = wanted('cancellations') ? await paced(() => graph.listCancellations(orderId)) : [];
    const refunds = wanted('refunds') ? await paced(() => graph.listRefunds(orderId)) : [];
    const returns = wanted('returns') ? await paced(() => graph.listReturns(orderId)) : undefined;
    return toOrderHistory(shipments, cancellations, refunds, returns);
  }

  async function markedProcessing(orderId: string): Promise<boolean> {
    try {
      await validatedOms.markProcessing(orderId);
      return true;
    } catch (err) {
      Context.current().log.warn('could not mark the OMS order processing; the order workflow will', {
        orderId,
        error: err instanceof Error ? err.message : String(err),
      });
      return false;
    }
  }

  return {
    fetchOrderSnapshot,

    async fetchOrderWithHistory({ orderId, historyReadAt }) {
      const snapshot = await fetchOrderSnapshot(orderId);
      if (snapshot.lastUpdated === historyReadAt) return { snapshot };
      return { snapshot, history: await fetchOrderHistory(orderId, edgesToRead(snapshot.items)) };
    },

    async createPendingOmsOrder({ orderId, channel, reserveStock }) {
      // Buyer data goes from Meta to the OMS here and is never returned to the workflow.
      const order = await paced(() => graph.getOrder(orderId, BUYER_FIELDS, { itemFields: BUYER_ITEM_FIELDS }));
      const items = await allItems(orderId, order.items, BUYER_ITEM_FIELDS);
      return oms.createPendingOrder(toPendingOrderInput(order, items, channel, reserveStock));
    },

    async acknowledgeOrder({ orderId, merchantOrderReference, markOmsProcessing }) {
      const { state } = await paced(async () => {
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
      if (!markOmsProcessing) return { state };
      // Meta has confirmed it: the OMS order may move on. Best effort, never a retry of the
      // acknowledgement: if the OMS fails now, the workflow marks it with its own retries.
      return { state, omsProcessing: await markedProcessing(orderId) };
    },

    async fetchOrderHistory({ orderId, kinds }) {
      return fetchOrderHistory(orderId, kinds);
    },

    async shipItems({ orderId, requestId, fingerprint, items, carrier, trackingNumber, shippingMethodName, ...rest }) {
      const shipmentId = externalShipmentId(orderId, requestId);
      await paced(() =>
        graph.createShipment(orderId, {
          idempotencyKey: keyFor(orderId, 'ship', requestId, fingerprint),
          items: items.map(unitWire),
          trackingInfo: { carrier, trackingNumber, shippingMethodName },
          externalShipmentId: shipmentId,
        }),
      );
      // Only after Meta accepted it. A retry (the OMS failed) posts again under the same key, which
      // Meta applies once, and the OMS keeps one shipment per requestId.
      if (rest.oms) {
        await callOms(() =>
          validatedOms.recordShipment({ metaOrderId: orderId, requestId, items, carrier, trackingNumber }),
        );
        if (rest.oms.completesOrder) await callOms(() => validatedOms.markCompleted(orderId));
      }
      return { externalShipmentId: shipmentId };
    },

    async updateTracking({ orderId, requestId, fingerprint, shipmentRequestId, carrier, trackingNumber }) {
      await paced(() =>
        graph.updateShipment(orderId, {
          idempotencyKey: keyFor(orderId, 'updateShipment', requestId, fingerprint),
          externalShipmentId: externalShipmentId(orderId, shipmentRequestId),
          trackingInfo: { carrier, trackingNumber },
        }),
      );
    },

    async cancelItems({ orderId, requestId, fingerprint, reasonCode, reasonDescription, restock, items }) {
      await paced(() =>
        graph.cancelOrder(orderId, {
          idempotencyKey: keyFor(orderId, 'cancel', requestId, fingerprint),
          reasonCode: reasonCode as never,
          reasonDescription,
          restockItems: restock,
          items: items?.map(unitWire),
        }),
      );
    },

    async refundItems({ orderId, requestId, fingerprint, reasonCode, reasonText, plan }) {
      await paced(() =>
        graph.refundOrder(orderId, {
          idempotencyKey: keyFor(orderId, 'refund', requestId, fingerprint),
          reasonCode: reasonCode as never,
          reasonText,
          // Always explicit: Meta reads a refund without items as "everything", and a shipping-only
          // refund must stay shipping only.
          items: plan.lines.length
            ? plan.lines.map((l) => ({
                ...itemRef(l),
                ...(l.quantity !== undefined ? { quantity: l.quantity } : { amount: l.amount }),
              }))
            : undefined,
          shippingRefund: plan.shipping,
          deductions: plan.deductions?.length
            ? plan.deductions.map((d) => ({ type: d.type as 'RETURN_SHIPPING', amount: d.amount }))
            : undefined,
          adjustmentAmount: plan.adjustment,
          returnId: plan.returnId,
        }),
      );
    },

    async answerReturn({ orderId, requestId, fingerprint, returnId, event, merchantReturnId }) {
      await paced(() =>
        graph.updateReturn(returnId, {
          idempotencyKey: keyFor(orderId, 'answerReturn', requestId, fingerprint),
          event,
          merchantReturnId,
        }),
      );
    },
  };
}
