/**
 * What the Temporal Web UI shows next to each activity call and each handler: one line that says
 * what the step does, for every activity (the types make the tables cover them all) and every
 * query, signal and Update of the workflows. Summaries are written into workflow history (user
 * metadata), so they name ids, units and carriers, never buyer data. Pure: workflow code imports it.
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { CommandKind } from './command-kinds.js';
import type { GraphActivities, IntakeActivities, OmsActivities } from './activities.js';

export type ActivitySummaries<A> = {
  [K in keyof A]: A[K] extends (...args: infer P) => unknown ? (...args: P) => string : never;
};

/**
 * proxyActivities, with every call carrying its summary (ActivityOptions.summary: user metadata on
 * the scheduling command, which replay does not compare, so adding one keeps histories replaying).
 */
export function proxyActivitiesWithSummaries<A extends object>(
  options: ActivityOptions,
  summaries: ActivitySummaries<A>,
): A {
  type Call = ((...args: unknown[]) => Promise<unknown>) & {
    executeWithOptions(options: Partial<ActivityOptions>, args: unknown[]): Promise<unknown>;
  };
  const proxy = proxyActivities<Record<string, Call>>(options);
  const summarize = summaries as unknown as Record<string, ((...args: unknown[]) => string) | undefined>;
  return new Proxy({} as A, {
    get(_, name) {
      if (typeof name !== 'string') return undefined;
      const call = proxy[name]!;
      const summary = summarize[name];
      return summary ? (...args: unknown[]) => call.executeWithOptions({ summary: summary(...args) }, args) : call;
    },
  });
}

/** "3 units" from lines with quantities (lines without one count as the whole line: "all units"). */
function units(lines: readonly { quantity?: number | undefined }[] | undefined): string {
  if (lines === undefined || lines.length === 0) return 'every open unit';
  if (lines.some((line) => line.quantity === undefined)) return `${lines.length} line(s)`;
  const total = lines.reduce((sum, line) => sum + (line.quantity ?? 0), 0);
  return `${total} unit${total === 1 ? '' : 's'}`;
}

export const GRAPH_ACTIVITY_SUMMARIES: ActivitySummaries<GraphActivities> = {
  fetchOrderSnapshot: (orderId) => `Meta: read order ${orderId}`,
  fetchOrderWithHistory: (input) => `Meta: read order ${input.orderId} (and its history if it changed)`,
  createPendingOmsOrder: (input) =>
    `OMS: create pending order ${input.orderId} (buyer read from Meta, kept out of history)`,
  acknowledgeOrder: (input) => `Meta: acknowledge order ${input.orderId} as ${input.merchantOrderReference}`,
  fetchOrderHistory: (input) =>
    `Meta: read ${(input.kinds ?? ['shipments', 'cancellations', 'refunds']).join(', ')} of order ${input.orderId}`,
  shipItems: (input) => `Meta: ship ${units(input.items)} (${input.carrier} ${input.trackingNumber})`,
  updateTracking: (input) =>
    `Meta: change tracking of ${input.shipmentRequestId} to ${input.carrier} ${input.trackingNumber}`,
  cancelItems: (input) =>
    `Meta: cancel ${units(input.items)} (${input.reasonCode}, ${input.restock ? 'restock' : 'no restock'})`,
  answerReturn: (input) =>
    `Meta: ${input.event === 'ACCEPT_RETURN' ? 'accept' : 'close'} return ${input.returnId}${input.merchantReturnId ? ` (RMA ${input.merchantReturnId})` : ''}`,
  refundItems: (input) =>
    `Meta: refund ${units(input.plan.lines)}${input.plan.total ? `, ${input.plan.total.amount} ${input.plan.total.currency}` : ''} (${input.reasonCode})`,
};

export const OMS_ACTIVITY_SUMMARIES: ActivitySummaries<OmsActivities> = {
  reserveInventory: (orderId, lines) => `OMS: reserve ${units(lines)} for order ${orderId}`,
  releaseInventory: (orderId) => `OMS: release the reservation of order ${orderId}`,
  markProcessing: (orderId) => `OMS: order ${orderId} acknowledged, to fulfil`,
  recordShipment: (shipment) =>
    `OMS: record ${shipment.origin === 'external' ? 'external ' : ''}shipment of ${units(shipment.items)} (${shipment.carrier})`,
  recordTrackingUpdate: (update) => `OMS: tracking of ${update.shipmentRequestId} is now ${update.carrier}`,
  recordCancellation: (cancellation) =>
    `OMS: record ${cancellation.origin === 'external' ? 'external ' : ''}cancellation of ${units(cancellation.items)}`,
  recordRefund: (refund) =>
    `OMS: record ${refund.origin === 'external' ? 'external ' : ''}refund of ${units(refund.items)}`,
  recordReturn: (record) => `OMS: return ${record.metaReturnId} is ${record.status} (${units(record.items)})`,
  markCompleted: (orderId) => `OMS: order ${orderId} completed`,
  notifyExternalChange: (change) => `OMS: notice of a change made outside (${change.kind})`,
  notifyOps: (notification) => `OMS: tell operations (${notification.severity})`,
};

export const INTAKE_ACTIVITY_SUMMARIES: ActivitySummaries<IntakeActivities> = {
  pollOrders: (input) => `Meta: poll the orders of commerce account ${input.cmsId}`,
  createPendingAndAcknowledgeBatch: (input) =>
    `Meta and OMS: create and acknowledge up to ${input.maxOrders} of ${input.orders.length} orders`,
};

/** The Updates (and their signal forms) of each command kind. */
export const COMMAND_HANDLER_DESCRIPTIONS: Record<CommandKind, string> = {
  ship: 'Ship units on Meta with carrier and tracking, then record it in the ledger and the OMS (OrderClient.ship, fb-orders ship)',
  cancel: 'Cancel unshipped units on Meta (restock or not), then ledger and OMS (OrderClient.cancel, fb-orders cancel)',
  refund: 'Refund units, amounts or shipping on Meta, then ledger and OMS (OrderClient.refund, fb-orders refund)',
  updateTracking: "Change a shipment's carrier and tracking number on Meta (fb-orders update-tracking)",
  answerReturn: "Accept a buyer's return or close it without a refund, on Meta (fb-orders answer-return)",
  retry: 'Resume an order in NEEDS_ATTENTION once the cause is fixed (fb-orders retry)',
};

/** The other queries and signals, by the name they are registered under. */
export const HANDLER_DESCRIPTIONS = {
  state: "The order's whole state: phase, Meta state, ledger, commands applied, attention (fb-orders show)",
  orderUpdated: 'Meta changed the order (the poller saw a newer last_updated): read it again',
  ackResult: "The ack batcher's answer for this order: acknowledged, or to be acknowledged on its own",
  pollNow: 'Poll Meta now instead of at the next interval (fb-orders poll-now)',
  pollerStatus: "The poller's rounds and counts (fb-orders intake)",
  requestAck: 'An order asks to be acknowledged in the next bulk call',
  requestAcks: 'Orders asking to be acknowledged in the next bulk call',
  ackBatcherStatus: "The ack batcher's waiting orders and batches (fb-orders intake)",
} as const;
