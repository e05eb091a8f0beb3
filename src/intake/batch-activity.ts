/**
 * createPendingAndAcknowledgeBatch: the ack batcher's one activity. It takes the first candidates
 * that Meta's CREATED listing shows (up to 100), creates their pending OMS orders from the buyers on
 * that listing (buyer data never enters workflow history), acknowledges them in one
 * acknowledge_orders call with a key derived from the batch's contents, marks the acknowledged OMS
 * orders processing, and signals each order its outcome with the order as listed.
 *
 * Before it sends, the attempt heartbeats the exact request (ids and references, with the orders'
 * snapshots and the candidates the listing did not show; no buyer data). A retry (a lost response,
 * a killed worker) starts from those details and sends the identical request under the identical
 * key, so Meta replays its first answer: re-reading the listing instead would find the acknowledged
 * orders gone, and they would each fall back to a single acknowledgement.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/common';
import { z } from 'zod';
import type { BulkAckOrder, BulkAckOutcome, IntakeActivities } from '../api/activities.js';
import { TEXT_LIMITS, truncate } from '../api/limits.js';
import { orderWorkflowId } from '../api/ids.js';
import type { OmsPort } from '../api/oms-port.js';
import { ackResultSignal } from '../api/order-messages.js';
import { OrderSnapshotSchema, type OrderSnapshot } from '../api/order-state.js';
import type { GraphCalls } from '../activities/graph-calls.js';
import {
  BUYER_FIELDS,
  BUYER_ITEM_FIELDS,
  SNAPSHOT_FIELDS,
  toOrderSnapshot,
  toPendingOrderInput,
} from '../activities/order-mapping.js';
import type { GraphClient } from '../graph/client.js';
import { batchIdempotencyKey } from '../graph/idempotency.js';
import { MAX_BULK_ACK_ORDERS } from '../graph/requests.js';
import type { GraphOrderWith } from '../graph/schemas.js';
import { mapConcurrently } from '../util/concurrency.js';

/** A batch's listing: the buyers for the OMS, and the snapshot each order's answer carries. */
const BATCH_LISTING_FIELDS = [...new Set([...BUYER_FIELDS, ...SNAPSHOT_FIELDS])];
/** The items' fields on that listing: the OMS's (name, shipping option, tax, personalisation) and the snapshot's status. */
const BATCH_ITEM_FIELDS = [...BUYER_ITEM_FIELDS, 'status'] as const;
/** Answers signalled at once by one batch activity. */
const DELIVERY_CONCURRENCY = 50;
/**
 * How far one batch reads the CREATED listing looking for candidates (100 per page). A batch takes
 * the first candidates the listing shows, so in a backlog it usually needs one page; acknowledged
 * orders leave CREATED, which brings the next ones forward.
 */
const MAX_BATCH_LISTING_PAGES = 30;

type BatchListedOrder = GraphOrderWith<(typeof BATCH_LISTING_FIELDS)[number]>;

/** What an attempt heartbeats once its request is fixed: enough for a retry to send it again unchanged. */
const BatchRequestSchema = z.object({
  batch: z.array(z.object({ id: z.string(), merchantOrderReference: z.string() })),
  snapshots: z.array(z.tuple([z.string(), OrderSnapshotSchema])),
  /** Candidates that the listing, read to its end, did not show. */
  notListed: z.array(z.string()),
});
type BatchRequest = z.output<typeof BatchRequestSchema>;

/**
 * The attempt's heartbeats: liveness while it lists and creates OMS orders (from half the heartbeat
 * timeout on, so a quick attempt's first heartbeat is the request itself, which the SDK sends at
 * once instead of throttling it), then the request. A failed attempt's last details reach the
 * server with its failure, however throttled.
 */
function batchHeartbeats(ctx: Context) {
  let details: BatchRequest | undefined;
  const timeoutMs = ctx.info.heartbeatTimeoutMs;
  const timer = timeoutMs ? setInterval(() => ctx.heartbeat(details), timeoutMs / 2) : undefined;
  return {
    fixed(request: BatchRequest) {
      details = request;
      ctx.heartbeat(details);
    },
    stop: () => clearInterval(timer),
  };
}

/** The request an earlier attempt of this activity fixed, if it got that far. */
function resumedRequest(ctx: Context): BatchRequest | undefined {
  const parsed = BatchRequestSchema.safeParse(ctx.info.heartbeatDetails);
  return parsed.success ? parsed.data : undefined;
}

export function createBatchAcknowledgeActivity(deps: {
  graph: GraphClient;
  oms: OmsPort;
  calls: GraphCalls;
}): Pick<IntakeActivities, 'createPendingAndAcknowledgeBatch'> {
  const { graph, oms, calls } = deps;
  const { paced, allItems } = calls;

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
      Context.current().log.warn('the batch could not mark the OMS order processing; the order workflow will', {
        orderId,
        error: err instanceof Error ? err.message : String(err),
      });
      return false;
    }
  }

  return {
    async createPendingAndAcknowledgeBatch({ cmsId, orders, maxOrders }) {
      const ctx = Context.current();
      const heartbeats = batchHeartbeats(ctx);
      try {
        const request = resumedRequest(ctx) ?? (await prepareRequest(cmsId, orders, maxOrders));
        heartbeats.fixed(request);
        return await sendRequest(cmsId, request);
      } finally {
        heartbeats.stop();
      }
    },
  };

  /** Reads the listing for the candidates it shows first and creates their pending OMS orders. */
  async function prepareRequest(cmsId: string, orders: BulkAckOrder[], maxOrders: number): Promise<BatchRequest> {
    const candidates = new Map(orders.map((o) => [o.orderId, o]));
    const limit = Math.min(maxOrders, MAX_BULK_ACK_ORDERS);
    // One listing page carries the buyers of up to 100 CREATED orders: far fewer reads than one per
    // order. The batch is whichever candidates the listing shows first, not a fixed set that might
    // sit deep in a long backlog.
    const found = new Map<string, BatchListedOrder>();
    const pages = graph.listOrders(cmsId, {
      states: ['CREATED'],
      fields: BATCH_LISTING_FIELDS,
      itemFields: BATCH_ITEM_FIELDS,
      limit: 100,
    });
    let listingExhausted = false;
    for (let page = 0; page < MAX_BATCH_LISTING_PAGES && found.size < limit; page++) {
      const next = await paced(() => pages.next());
      if (next.done) {
        listingExhausted = true;
        break;
      }
      for (const order of next.value.orders)
        if (found.size < limit && candidates.has(order.id)) found.set(order.id, order);
    }
    const batch: BatchRequest['batch'] = [];
    const snapshots: BatchRequest['snapshots'] = [];
    for (const [orderId, order] of found) {
      const items = await allItems(orderId, order.items, BATCH_ITEM_FIELDS);
      const { merchantOrderReference } = await oms.createPendingOrder(
        toPendingOrderInput(order, items, candidates.get(orderId)!.channel, candidates.get(orderId)!.reserveStock),
      );
      batch.push({ id: orderId, merchantOrderReference });
      snapshots.push([orderId, toOrderSnapshot(order, items)]);
    }
    // Read to the end and not there: no longer CREATED (acknowledged before, cancelled). The order's
    // own acknowledgement path finds out which.
    const notListed = listingExhausted ? orders.filter(({ orderId }) => !found.has(orderId)).map((o) => o.orderId) : [];
    return { batch, snapshots, notListed };
  }

  /** Sends the request (with the key its contents give), marks the acknowledged OMS orders processing, answers each order. */
  async function sendRequest(cmsId: string, { batch, snapshots, notListed }: BatchRequest): Promise<BulkAckOutcome[]> {
    const results = batch.length
      ? await paced(() => graph.acknowledgeOrders(cmsId, { idempotencyKey: batchIdempotencyKey(batch), orders: batch }))
      : [];
    const byId = new Map(results.map((r) => [r.id, r]));
    const sent: BulkAckOutcome[] = [];
    for (const { id: orderId, merchantOrderReference } of batch) {
      const result = byId.get(orderId);
      if (result?.acknowledged) {
        sent.push({
          orderId,
          acknowledged: true,
          state: 'IN_PROGRESS',
          merchantOrderReference,
          omsProcessing: await markProcessing(orderId),
        });
        continue;
      }
      const reason =
        result?.error?.message ??
        (result?.reported ? `Meta reports state ${result.state ?? 'unknown'}` : "not in Meta's answer");
      sent.push({ orderId, acknowledged: false, reason: truncate(reason, TEXT_LIMITS.refusal) });
    }
    const unlisted = notListed.map((orderId): BulkAckOutcome => ({
      orderId,
      acknowledged: false,
      reason: 'not among the CREATED orders Meta listed',
    }));
    return deliverOutcomes([...sent, ...unlisted], new Map(snapshots));
  }
}

/**
 * Signals each outcome (with the order as listed) to its order workflow straight from the activity:
 * a client signal costs the server far less than a signal-external command in the batcher's history,
 * and the snapshot stays out of that history. Best effort: an answer that could not be sent here is
 * marked `delivered: false`, and the batcher sends it durably. A workflow that has ended needs none.
 */
async function deliverOutcomes(
  outcomes: BulkAckOutcome[],
  snapshots: Map<string, OrderSnapshot>,
): Promise<BulkAckOutcome[]> {
  const { client } = Context.current();
  const delivered = await mapConcurrently(outcomes, DELIVERY_CONCURRENCY, async (outcome) => {
    try {
      await client.workflow
        .getHandle(orderWorkflowId(outcome.orderId))
        .signal(ackResultSignal, { ...outcome, snapshot: snapshots.get(outcome.orderId) });
      return true;
    } catch (err) {
      return err instanceof WorkflowNotFoundError;
    }
  });
  return outcomes.map((outcome, index) => ({ ...outcome, delivered: delivered[index]! }));
}
