/**
 * The ack batcher across continue-as-new: with a tiny history budget it starts new runs while orders
 * wait, and every waiting order is still acknowledged exactly once, in bulk. And the batch's
 * best-effort OMS step: an order it could not mark processing marks itself. And a lost answer to
 * the bulk call, replayed by Meta under the same key.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { intakeTaskQueue } from '../../src/wiring/workers.js';
import type { AckBatcherInput } from '../../src/intake/ack-batcher-workflow.js';
import { stateQuery } from '../../src/api/order-messages.js';
import type { OrderPolicyOverrides } from '../../src/order/policy.js';
import { createOrderWorld, eventually, FAST_POLICY, type OrderWorld } from './order-fixture.js';
import { ackBatcherWorkflowId, orderWorkflowId } from '../../src/api/ids.js';

/** Orders refresh themselves quickly (there is no poller here) and wait long for the batcher. */
const BULK_POLICY: OrderPolicyOverrides = { ...FAST_POLICY, ackBatchTimeoutMs: 120_000 };

let world: OrderWorld;
beforeAll(async () => {
  world = await createOrderWorld();
  await world.oms.seedProducts([{ retailerId: 'SKU-CAN', name: 'Batch item', onHand: 1_000 }]);
});
afterAll(async () => world?.close());

/** Starts the orders in bulk mode, releases them, and waits until every one is IN_PROGRESS. */
async function startReleaseAndAwaitAcknowledgement(ids: string[]): Promise<void> {
  await Promise.all(ids.map((id) => world.startOrder(id, { ackMode: 'bulk', policy: BULK_POLICY })));
  await world.admin.release(ids);
  await eventually(
    async () => {
      const states = await Promise.all(
        ids.map((id) => world.harness.client.workflow.getHandle(orderWorkflowId(id)).query(stateQuery)),
      );
      return states.every((s) => s.phase === 'IN_PROGRESS') ? true : undefined;
    },
    `${ids.length} orders acknowledged`,
    120_000,
  );
}

test('waiting orders carried over continue-as-new are all acknowledged once, in bulk', async () => {
  const batcherId = ackBatcherWorkflowId(world.cmsId);
  await world.harness.client.workflow.start('ackBatcherWorkflow', {
    workflowId: batcherId,
    taskQueue: intakeTaskQueue(world.taskQueue),
    // 10 orders per call and a new run past 60 events even while orders wait: several runs, with
    // waiting orders carried from one to the next.
    args: [
      {
        cmsId: world.cmsId,
        graphTaskQueue: world.graphTaskQueue,
        flushAfterMs: 300,
        maxBatch: 10,
        maxHistoryEvents: 40,
        historyEventsCeiling: 60,
      } satisfies AckBatcherInput,
    ],
  });
  const created = await world.admin.createOrders({
    count: 40,
    items: [{ retailerId: 'SKU-CAN', quantity: 1, pricePerUnit: '5.00' }],
  });
  const ids = created.map((o) => o.id);
  // Slow bulk calls: requests pile up while a batch runs, so runs end with orders still waiting
  // (with fast calls the batcher keeps up, and every run may end in a lull).
  await world.admin.addFaultRule({ endpoint: 'acknowledge_orders', fault: 'latency', latencyMs: 700, times: 10 });
  const before = await world.admin.getLedger();
  await startReleaseAndAwaitAcknowledgement(ids);
  const after = await world.admin.getLedger();
  for (const id of ids)
    expect(
      (after.orders[id] ?? []).filter((e) => e.kind === 'acknowledge'),
      id,
    ).toHaveLength(1);
  const bulkCalls =
    (after.calls.byEndpoint['POST acknowledge_orders'] ?? 0) -
    (before.calls.byEndpoint['POST acknowledge_orders'] ?? 0);
  const singleCalls =
    (after.calls.byEndpoint['POST acknowledge_order'] ?? 0) - (before.calls.byEndpoint['POST acknowledge_order'] ?? 0);
  expect(singleCalls).toBe(0);
  expect(bulkCalls).toBeGreaterThanOrEqual(4);
  // Some run began with orders its predecessor had not sent yet. The runs are listed through
  // visibility, which lags behind: wait until it lists a run that carried orders.
  const carriedByRun = async () => {
    const carried: number[] = [];
    for await (const run of world.harness.client.workflow.list({ query: `WorkflowId = '${batcherId}'` })) {
      const history = await world.harness.client.workflow.getHandle(batcherId, run.runId).fetchHistory();
      const [input] = decodeStartInput<AckBatcherInput>(history);
      carried.push(input?.pending?.length ?? 0);
    }
    return carried;
  };
  const carried = await eventually(async () => {
    const found = await carriedByRun();
    return found.length >= 2 && Math.max(...found) > 0 ? found : undefined;
  }, 'a listed run of the batcher that carried waiting orders');
  expect(carried.length).toBeGreaterThanOrEqual(2);
  expect(Math.max(...carried)).toBeGreaterThan(0);
}, 180_000);

function decodeStartInput<T>(history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>): (T | undefined)[] {
  const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
  return payloads.map((p) => defaultPayloadConverter.fromPayload<T>(p as Payload));
}

test('an OMS order the batch could not mark processing is marked by its own workflow', async () => {
  const created = await world.admin.createOrders({
    count: 3,
    items: [{ retailerId: 'SKU-CAN', quantity: 1, pricePerUnit: '5.00' }],
  });
  const ids = created.map((o) => o.id);
  const [refused] = ids as [string];
  // The OMS refuses the first attempt to mark `refused` processing (the batch's), then recovers.
  const markProcessing = world.oms.markProcessing.bind(world.oms);
  let refusals = 0;
  world.oms.markProcessing = async (id: string) => {
    if (id === refused && refusals === 0) {
      refusals += 1;
      throw new Error('OMS unavailable for a moment');
    }
    return markProcessing(id);
  };
  try {
    await startReleaseAndAwaitAcknowledgement(ids);
  } finally {
    world.oms.markProcessing = markProcessing;
  }
  expect(refusals).toBe(1);
  expect((await world.oms.processingProgress(ids)).processing).toBe(3);
  const markedByWorkflow = await Promise.all(
    ids.map(async (id) => {
      const { events } = await world.harness.client.workflow.getHandle(orderWorkflowId(id)).fetchHistory();
      return (events ?? []).some(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'markProcessing',
      );
    }),
  );
  // Only the refused one ran its own markProcessing activity; the batch marked the other two.
  expect(markedByWorkflow).toEqual([true, false, false]);
}, 180_000);

test('a lost acknowledge_orders response is replayed by Meta: the retry sends the same request under the same key, no order goes alone', async () => {
  const created = await world.admin.createOrders({
    count: 6,
    items: [{ retailerId: 'SKU-CAN', quantity: 1, pricePerUnit: '5.00' }],
  });
  const ids = created.map((o) => o.id);
  // The batcher of the first test, or one of its own when this test runs alone.
  await world.harness.client.workflow
    .start('ackBatcherWorkflow', {
      workflowId: ackBatcherWorkflowId(world.cmsId),
      taskQueue: intakeTaskQueue(world.taskQueue),
      args: [{ cmsId: world.cmsId, graphTaskQueue: world.graphTaskQueue, flushAfterMs: 300 } satisfies AckBatcherInput],
    })
    .catch((err: unknown) => {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    });
  // Meta applies the next bulk acknowledgement, then the connection drops before its answer arrives.
  await world.admin.addFaultRule({ endpoint: 'acknowledge_orders', fault: 'lost_response', times: 1 });
  const before = await world.admin.getLedger();
  await startReleaseAndAwaitAcknowledgement(ids);
  const after = await world.admin.getLedger();
  const delta = (counter: Record<string, number>, was: Record<string, number>, key: string) =>
    (counter[key] ?? 0) - (was[key] ?? 0);
  for (const id of ids)
    expect(
      (after.orders[id] ?? []).filter((e) => e.kind === 'acknowledge'),
      id,
    ).toHaveLength(1);
  expect(after.faultsInjected.byKind.lost_response ?? 0).toBeGreaterThan(
    before.faultsInjected.byKind.lost_response ?? 0,
  );
  // The lost call and its replay: the same key, Meta's first answer again.
  expect(delta(after.replays.byEndpoint, before.replays.byEndpoint, 'POST acknowledge_orders')).toBeGreaterThanOrEqual(
    1,
  );
  // No order fell back to acknowledging alone.
  expect(delta(after.calls.byEndpoint, before.calls.byEndpoint, 'POST acknowledge_order')).toBe(0);
}, 180_000);
