/**
 * What one order costs in history on the common path (bulk intake: release, bulk acknowledgement,
 * one shipment, the return window's close): at most one search-attribute upsert per workflow task
 * (src/order/upsert-coalescing.ts), and the open order's refresh timer started once and kept while
 * a poller notice and a ship command wake the order (src/order/kept-timer.ts), never cancelled; no
 * upsert of the search attributes the poller started it with; the shipment recorded and the OMS
 * order completed by the ship activity; each read of Meta one activity.
 * RECORD_HISTORIES=1 records the order as `scale-02.json` for the replay test (`scale-01.json` is
 * the same path recorded before those patches).
 */
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { orderWorkflowId } from '../../src/api/ids.js';
import { startIntake } from '../../src/intake/start-intake.js';
import type { OrderPolicyOverrides } from '../../src/order/policy.js';
import { createOrderWorld, eventually, FAST_POLICY, recordHistory, type OrderWorld } from './order-fixture.js';

/** The poller's signal, not a fast timer, moves the order; the window closes 3 s after the shipment. */
const POLICY: OrderPolicyOverrides = {
  ...FAST_POLICY,
  releaseRefresh: { initialMs: 60_000, factor: 2, maxMs: 120_000 },
  refreshIntervalMs: 300_000,
  returnWindowMs: 3_000,
  ackBatchTimeoutMs: 60_000,
};

let world: OrderWorld;
beforeAll(async () => {
  world = await createOrderWorld();
  await world.oms.seedProducts([{ retailerId: 'SKU-SCALE', name: 'Scale item', onHand: 100 }]);
});
afterAll(async () => world?.close());

const typeOf = (eventType: unknown) =>
  (typeof eventType === 'number' ? (temporal.api.enums.v1.EventType[eventType] ?? '') : String(eventType)).replace(
    /^EVENT_TYPE_/,
    '',
  );

test('one bulk order from release to the end of its return window: one upsert per task at most, no timer started only to be cancelled once open', async () => {
  await startIntake(world.harness.client, {
    cmsId: world.cmsId,
    taskQueue: world.taskQueue,
    graphTaskQueue: world.graphTaskQueue,
    ackMode: 'bulk',
    pollIntervalMs: 1_000,
    ackFlushAfterMs: 300,
    orderPolicy: POLICY as Record<string, unknown>,
    initialLookbackSeconds: 3_600,
  });
  const [order] = await world.admin.createOrders({
    count: 1,
    items: [{ retailerId: 'SKU-SCALE', quantity: 2, pricePerUnit: '4.00' }],
  });
  const orderId = order!.id;
  await eventually(async () => ((await world.oms.reservation(orderId)) ? true : undefined), 'the reservation');
  // The poller's mark is in whole seconds: a release in the second the order was listed in would
  // not be newer than it, and the order would learn of it from its own timer a minute later.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  await world.admin.release([orderId]);
  await eventually(
    async () => ((await world.orders.getState(orderId)).phase === 'IN_PROGRESS' ? true : undefined),
    'IN_PROGRESS',
    150_000,
  );
  await world.orders.ship(orderId, { requestId: 'scale-ship', carrier: 'UPS', trackingNumber: '1ZSCALE' });
  const handle = world.harness.client.workflow.getHandle(orderWorkflowId(orderId));
  const final = await handle.result();
  expect(final.phase).toBe('CLOSED');

  const history = await handle.fetchHistory();
  const events = (history.events ?? []).map((event) => ({
    type: typeOf(event.eventType),
    summary: event.userMetadata?.summary?.data ? Buffer.from(event.userMetadata.summary.data).toString() : '',
    id: Number(event.eventId),
    canceledTimer: event.timerCanceledEventAttributes?.startedEventId,
    upserted: Object.keys(event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}),
    activity: event.activityTaskScheduledEventAttributes?.activityType?.name,
    signal: event.workflowExecutionSignaledEventAttributes?.signalName,
  }));
  // The order's upserts per workflow task (the commands after each WORKFLOW_TASK_COMPLETED). Not
  // counted: the SDK's own upsert of TemporalChangeVersion after a patch marker, which Temporal
  // Cloud does not bill either.
  const upsertsPerTask: number[] = [];
  for (const event of events) {
    if (event.type === 'WORKFLOW_TASK_COMPLETED') upsertsPerTask.push(0);
    else if (
      event.type === 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES' &&
      event.upserted.some((name) => name !== 'TemporalChangeVersion')
    )
      upsertsPerTask[upsertsPerTask.length - 1]! += 1;
  }
  expect(Math.max(...upsertsPerTask)).toBe(1);
  // The open order's timers: started once each and never cancelled, though a poller notice (Meta's
  // last_updated moved with the shipment) and the ship command woke the order in between.
  const refreshTimers = events.filter((e) => e.type === 'TIMER_STARTED' && e.summary.includes('next refresh'));
  const windowTimers = events.filter((e) => e.type === 'TIMER_STARTED' && e.summary.includes('return window'));
  expect(refreshTimers).toHaveLength(1);
  expect(windowTimers).toHaveLength(1);
  const canceled = new Set(events.flatMap((e) => (e.canceledTimer ? [Number(e.canceledTimer)] : [])));
  expect([...refreshTimers, ...windowTimers].filter((timer) => canceled.has(timer.id))).toEqual([]);
  // And the order was woken in IN_PROGRESS: by the ship Update at least.
  expect(events.some((e) => e.type === 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED')).toBe(true);
  // Started with its search attributes: the first upsert is the batch's answer moving it on.
  const firstUpsert = events.find((e) => e.upserted.some((name) => name !== 'TemporalChangeVersion'));
  const ackAnswer = events.find((e) => e.signal === 'ackResult');
  expect(firstUpsert!.id).toBeGreaterThan(ackAnswer!.id);
  // The ship activity recorded the shipment and completed the OMS order; reads are one activity each.
  const activities = events.flatMap((e) => (e.activity ? [e.activity] : []));
  expect(activities.filter((name) => ['recordShipment', 'markCompleted', 'fetchOrderSnapshot'].includes(name))).toEqual(
    [],
  );
  const omsOrder = await world.oms.getOrder(orderId);
  expect(omsOrder?.status).toBe('completed');
  expect(omsOrder?.shipments).toHaveLength(1);

  if (process.env.RECORD_HISTORIES) await recordHistory(world, orderWorkflowId(orderId), 'scale-02');
}, 180_000);
