/**
 * Graph activities: thin wrappers over GraphClient, on the Graph task queue. Each write derives
 * its idempotency key from what the request is (order id, operation, the caller's requestId), so
 * every retry and every replay sends the same key and Meta applies the request once.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/common';
import { GraphError } from '../graph/errors.js';
import { MAX_BULK_ACK_ORDERS } from '../graph/requests.js';
import { batchIdempotencyKey, idempotencyKey } from '../graph/idempotency.js';
import type { GraphClient } from '../graph/client.js';
import type { GraphOrderItem, GraphOrderWith } from '../graph/schemas.js';
import type { OmsPort } from '../api/oms-port.js';
import { validatedOmsPort } from '../oms/validated-oms.js';
import { mapConcurrently } from '../util/concurrency.js';
import { ackResultSignal, orderWorkflowId } from '../api/order-messages.js';
import type { OrderSnapshot } from '../api/order-state.js';
import type { BulkAckOutcome, GraphActivities } from '../api/activities.js';
import { callGraph } from './failures.js';
import { toOrderSnapshot, toPendingOrderInput } from './order-mapping.js';

export interface GraphActivityDeps {
  graph: GraphClient;
  oms: OmsPort;
  /** Minimum wait after a throttle that came without a regain time. */
  throttleFloorMs?: number;
  /** Above this usage percentage, calls slow down before Meta throttles them. */
  slowDownAbovePercent?: number;
  /** The longest pause before one call, reached at 100 % usage (throttling itself waits via the retry policy). */
  maxPaceMs?: number;
}

/** The order fields the workflow keeps: no buyer data. */
export const SNAPSHOT_FIELDS = ['orderStatus', 'created', 'lastUpdated', 'channel', 'merchantOrderId', 'items', 'estimatedPaymentDetails'] as const;
const BUYER_FIELDS = ['orderStatus', 'channel', 'buyerDetails', 'shippingAddress', 'selectedShippingOption', 'estimatedPaymentDetails', 'items'] as const;
/** A batch's listing: the buyers for the OMS, and the snapshot each order's answer carries. */
const BATCH_LISTING_FIELDS = [...new Set([...BUYER_FIELDS, ...SNAPSHOT_FIELDS])];
/** Answers signalled at once by one batch activity. */
const DELIVERY_CONCURRENCY = 50;
/**
 * How far one batch reads the CREATED listing looking for candidates (100 per page). A batch takes
 * the first candidates the listing shows, so in a backlog it usually needs one page; acknowledged
 * orders leave CREATED, which brings the next ones forward.
 */
const MAX_BATCH_LISTING_PAGES = 30;

/** Meta's external_shipment_id allows [A-Za-z0-9_]: the ship key without hyphens is unique and stable. */
export function externalShipmentId(orderId: string, shipRequestId: string): string {
  return idempotencyKey(orderId, 'ship', shipRequestId).replaceAll('-', '');
}

type BatchListedOrder = GraphOrderWith<(typeof BATCH_LISTING_FIELDS)[number]>;

/**
 * Signals each outcome (with the order as listed) to its order workflow straight from the activity:
 * a client signal costs the server far less than a signal-external command in the batcher's history,
 * and the snapshot stays out of that history. Best effort: an answer that could not be sent here is
 * marked `delivered: false`, and the batcher sends it durably. A workflow that has ended needs none.
 */
async function deliverOutcomes(outcomes: BulkAckOutcome[], snapshots: Map<string, OrderSnapshot>): Promise<BulkAckOutcome[]> {
  const { client } = Context.current();
  const delivered = await mapConcurrently(outcomes, DELIVERY_CONCURRENCY, async (outcome) => {
    try {
      await client.workflow.getHandle(orderWorkflowId(outcome.orderId)).signal(ackResultSignal, { ...outcome, snapshot: snapshots.get(outcome.orderId) });
      return true;
    } catch (err) {
      return err instanceof WorkflowNotFoundError;
    }
  });
  return outcomes.map((outcome, index) => ({ ...outcome, delivered: delivered[index]! }));
}

export function createGraphActivities(deps: GraphActivityDeps): GraphActivities {
  const { graph } = deps;
  // The OMS calls made here (createPendingOrder, the batch's markProcessing) are validated as the OMS activities' are.
  const oms = validatedOmsPort(deps.oms);
  const floor = deps.throttleFloorMs;
  const slowDownAbove = deps.slowDownAbovePercent ?? 80;
  const maxPaceMs = deps.maxPaceMs ?? 2_000;

  /**
   * Adaptive pacing: the closer Meta's reported usage gets to 100 %, the longer each call pauses
   * first (linear from 0 at `slowDownAbove` to `maxPaceMs`), so many workers ease off together
   * before Meta throttles them. Kept short: a throttled call waits through `nextRetryDelay` instead.
   */
  async function paced<T>(call: () => Promise<T>): Promise<T> {
    const usage = Math.min(100, graph.maxUsagePercent());
    if (usage > slowDownAbove) {
      await Context.current().sleep(Math.round(((usage - slowDownAbove) / (100 - slowDownAbove)) * maxPaceMs));
    }
    return callGraph(call, floor);
  }

  async function allItems(orderId: string, embedded: { data: GraphOrderItem[]; paging?: { next?: string | undefined } | undefined } | undefined): Promise<GraphOrderItem[]> {
    if (embedded && !embedded.paging?.next) return embedded.data;
    return paced(() => graph.listItems(orderId, { includeStatus: true, extraFields: ['productName'] }));
  }

  /**
   * Meta has confirmed the acknowledgement: the OMS order moves to processing here, in the batch,
   * saving each order workflow an activity. Best effort: if the OMS refuses now, the order workflow
   * marks it itself, with its retries and NEEDS_ATTENTION, and the batch's answer stands.
   */
  async function markProcessing(orderId: string): Promise<boolean> {
    try {
      await oms.markProcessing(orderId);
      return true;
    } catch (err) {
      Context.current().log.warn('the batch could not mark the OMS order processing; the order workflow will', { orderId, error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }

  return {
    async fetchOrderSnapshot(orderId): Promise<OrderSnapshot> {
      const order = await paced(() => graph.getOrder(orderId, SNAPSHOT_FIELDS, { itemFields: ['status', 'productName'] }));
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
          await graph.acknowledgeOrder(orderId, { idempotencyKey: idempotencyKey(orderId, 'acknowledge'), merchantOrderReference });
          return { state: 'IN_PROGRESS' as const };
        } catch (err) {
          // Refused as "not CREATED": if it is already acknowledged with our reference (a bulk call
          // whose answer came late, under another key), that is the outcome we wanted, not an error.
          if (!(err instanceof GraphError) || err.kind !== 'validation') throw err;
          const order = await graph.getOrder(orderId, ['orderStatus', 'merchantOrderId']);
          const state = order.orderStatus.state;
          if (state !== 'CREATED' && state !== 'FB_PROCESSING' && order.merchantOrderId === merchantOrderReference) return { state };
          throw err;
        }
      });
    },

    async createPendingAndAcknowledgeBatch({ cmsId, orders, maxOrders }) {
      const candidates = new Map(orders.map((o) => [o.orderId, o]));
      const limit = Math.min(maxOrders, MAX_BULK_ACK_ORDERS);
      // One listing page carries the buyers of up to 100 CREATED orders: far fewer reads than one per
      // order. The batch is whichever candidates the listing shows first, not a fixed set that might
      // sit deep in a long backlog.
      const found = new Map<string, BatchListedOrder>();
      const pages = graph.listOrders(cmsId, { states: ['CREATED'], fields: BATCH_LISTING_FIELDS, itemFields: ['productName', 'status'], limit: 100 });
      let listingExhausted = false;
      for (let page = 0; page < MAX_BATCH_LISTING_PAGES && found.size < limit; page++) {
        const next = await paced(() => pages.next());
        if (next.done) {
          listingExhausted = true;
          break;
        }
        for (const order of next.value.orders) if (found.size < limit && candidates.has(order.id)) found.set(order.id, order);
        Context.current().heartbeat();
      }
      const references = new Map<string, string>();
      const snapshots = new Map<string, OrderSnapshot>();
      for (const [orderId, order] of found) {
        const items = await allItems(orderId, order.items);
        const { merchantOrderReference } = await oms.createPendingOrder(toPendingOrderInput(order, items, candidates.get(orderId)!.channel));
        references.set(orderId, merchantOrderReference);
        snapshots.set(orderId, toOrderSnapshot(order, items));
      }
      const batch = [...references].map(([id, merchantOrderReference]) => ({ id, merchantOrderReference }));
      const results = batch.length ? await paced(() => graph.acknowledgeOrders(cmsId, { idempotencyKey: batchIdempotencyKey(batch), orders: batch })) : [];
      const byId = new Map(results.map((r) => [r.id, r]));
      const sent: BulkAckOutcome[] = [];
      for (const { id: orderId, merchantOrderReference } of batch) {
        const result = byId.get(orderId);
        if (result?.acknowledged) {
          sent.push({ orderId, acknowledged: true, state: 'IN_PROGRESS', merchantOrderReference, omsProcessing: await markProcessing(orderId) });
          continue;
        }
        const reason = result?.error?.message ?? (result?.reported ? `Meta reports state ${result.state ?? 'unknown'}` : "not in Meta's answer");
        sent.push({ orderId, acknowledged: false, reason });
      }
      // Read to the end and not there: no longer CREATED (acknowledged before, cancelled). The order's
      // own acknowledgement path finds out which.
      const notListed = listingExhausted
        ? orders.filter(({ orderId }) => !found.has(orderId)).map(({ orderId }): BulkAckOutcome => ({ orderId, acknowledged: false, reason: 'not among the CREATED orders Meta listed' }))
        : [];
      return deliverOutcomes([...sent, ...notListed], snapshots);
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
          items: plan.lines.map((l) => (l.quantity !== undefined ? { retailerId: l.retailerId, quantity: l.quantity } : { retailerId: l.retailerId, amount: l.amount })),
          shippingRefund: plan.shipping,
        }),
      );
    },
  };
}
