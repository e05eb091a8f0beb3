/**
 * The activities' signatures, shared by their implementations and by workflow code (which may only
 * `import type` from here). Graph activities run on the Graph task queue; OMS activities on the
 * order task queue.
 */
import type { RefundPlan, UnitLine } from './ledger.js';
import type { Money } from '../domain/money.js';
import type { AckMode } from './ack-modes.js';
import type { Channel, OmsPort } from './oms-port.js';
import type { OmsActivityMethod } from './oms-port-methods.js';
import type { AckOutcome } from './order-messages.js';
import type { HistoryEdge, OrderHistory } from './order-history.js';
import type { ReturnUpdateEvent } from '../domain/returns.js';
import type { MetaOrderState, OrderSnapshot } from './order-state.js';
import type { SignalledMemory } from './poller-messages.js';

/** What every command's Graph call carries: its idempotency key derives from all three. */
export interface CommandCallInput {
  orderId: string;
  requestId: string;
  /**
   * The command's canonical text: the key covers content as well as requestId. Absent in calls
   * scheduled before it existed, whose key derives from the requestId alone (as Meta saw it then).
   */
  fingerprint?: string | undefined;
}

export interface ShipItemsInput extends CommandCallInput {
  items: UnitLine[];
  carrier: string;
  trackingNumber: string;
  shippingMethodName?: string | undefined;
  /**
   * Set by runs that took the ship-records-in-oms patch: once Meta has the shipment, the same
   * activity records it in the OMS (keyed by requestId: a retry records it once) and, with
   * `completesOrder`, marks the OMS order completed. One action where three were.
   */
  oms?: { completesOrder: boolean } | undefined;
}

export interface CancelItemsInput extends CommandCallInput {
  reasonCode: string;
  reasonDescription?: string | undefined;
  restock: boolean;
  /** Undefined cancels the whole order. */
  items?: UnitLine[] | undefined;
}

export interface RefundItemsInput extends CommandCallInput {
  reasonCode: string;
  reasonText?: string | undefined;
  plan: RefundPlan;
}

export interface UpdateTrackingInput extends CommandCallInput {
  shipmentRequestId: string;
  carrier: string;
  trackingNumber: string;
}

export interface AnswerReturnInput extends CommandCallInput {
  returnId: string;
  event: ReturnUpdateEvent;
  merchantReturnId?: string | undefined;
}

export interface BulkAckOrder {
  orderId: string;
  channel: Channel;
  /** Never reserved (first seen already released): the pending OMS order reserves it. */
  reserveStock?: boolean | undefined;
}

/** An order's answer from the batch activity (the snapshot goes only in the signal to the order). */
export type BulkAckOutcome = AckOutcome & {
  /** Already signalled to the order's workflow by the activity; the batcher signals the rest. */
  delivered?: boolean;
};

/** The order workflow's Graph activities (src/activities/graph-activities.ts). */
export interface GraphActivities {
  fetchOrderSnapshot(orderId: string): Promise<OrderSnapshot>;
  /** Reads the buyer and address from Meta and creates the pending OMS order in one step, so buyer data never enters workflow history. */
  createPendingOmsOrder(input: {
    orderId: string;
    channel: Channel;
    /** The order was never reserved (first seen already released): the OMS reserves it now. */
    reserveStock?: boolean | undefined;
  }): Promise<{ merchantOrderReference: string }>;
  /**
   * With `markOmsProcessing` (runs that took the ack-alone-in-fewer-actions patch), once Meta has
   * confirmed it the OMS order moves to processing in the same activity, best effort:
   * `omsProcessing` says whether it did (if not, the workflow marks it itself).
   */
  acknowledgeOrder(input: {
    orderId: string;
    merchantOrderReference: string;
    markOmsProcessing?: boolean | undefined;
  }): Promise<{ state: MetaOrderState; omsProcessing?: boolean | undefined }>;
  /**
   * A refresh's reads in one activity: the order, and its history edges (those `edgesToRead` names)
   * unless its `last_updated` is `historyReadAt`, the one whose edges the workflow has already read.
   */
  fetchOrderWithHistory(input: {
    orderId: string;
    historyReadAt?: string | undefined;
  }): Promise<{ snapshot: OrderSnapshot; history?: OrderHistory | undefined }>;
  /** Meta's history edges of the order (one read per edge): shipments, cancellations, refunds, returns by Meta's object id. */
  fetchOrderHistory(input: { orderId: string; kinds?: HistoryEdge[] | undefined }): Promise<OrderHistory>;
  /** Returns the external_shipment_id it gave Meta, by which the shipment is later recognised as ours. */
  shipItems(input: ShipItemsInput): Promise<{ externalShipmentId: string } | void>;
  updateTracking(input: UpdateTrackingInput): Promise<void>;
  cancelItems(input: CancelItemsInput): Promise<void>;
  refundItems(input: RefundItemsInput): Promise<void>;
  answerReturn(input: AnswerReturnInput): Promise<void>;
}

/** The port's methods except those called inside a Graph activity (OMS_ACTIVITY_METHODS), same signatures. */
export type OmsActivities = Pick<OmsPort, OmsActivityMethod>;

export interface PollOrdersInput {
  cmsId: string;
  /** Unix seconds. */
  updatedAfter: number;
  orderTaskQueue: string;
  graphTaskQueue: string;
  ackMode: AckMode;
  orderPolicy?: Record<string, unknown> | undefined;
  /** What the poller already delivered (its workflow keeps it); absent from pollers scheduled before it kept one. */
  signalled?: SignalledMemory | undefined;
}

export interface PollOrdersResult {
  /** Unix seconds of the newest `last_updated` seen: the next high-water mark. */
  maxLastUpdated: number;
  ordersSeen: number;
  workflowsSignalled: number;
  /**
   * Bulk mode: released (CREATED) orders handed to the ack batcher, one signal per page, whose answer
   * tells their workflows. Those first seen as CREATED are also started by a signal of their own.
   */
  handedToAckBatcher: number;
  /** Seen again with the `last_updated` the poller already delivered (the overlap re-reads them). */
  unchangedSkipped: number;
  /** Turned IN_PROGRESS by their own workflow's acknowledgement and nothing else: not signalled. */
  ownAcknowledgementsSkipped: number;
  /** Ended order workflows started again: Meta reported a change after they closed. */
  reopened?: number | undefined;
  pages: number;
  /** What this poll delivered, by order id: the poller merges it into its memory. */
  remembered?: SignalledMemory | undefined;
}

/** The poller's and the ack batcher's activities (src/intake), on the Graph task queue. */
export interface IntakeActivities {
  pollOrders(input: PollOrdersInput): Promise<PollOrdersResult>;
  /**
   * Bulk mode: acknowledges up to `maxOrders` of the candidate orders in one acknowledge_orders call,
   * those that the CREATED listing shows first. It reads their buyers from that listing and creates
   * the pending OMS orders (buyer data never enters workflow history), marks the ones Meta
   * acknowledged processing in the OMS (`omsProcessing`; best effort), then signals each decided
   * order its outcome with the order as listed (no buyer data). Returns outcomes only for the orders
   * it decided: the ones it sent and, when it read the whole listing, the ones not in it (they go
   * the single way); the rest stay candidates. `delivered: false` marks an answer still to be sent.
   */
  createPendingAndAcknowledgeBatch(input: {
    cmsId: string;
    orders: BulkAckOrder[];
    maxOrders: number;
  }): Promise<BulkAckOutcome[]>;
}

export type { Money };
