/**
 * The poller's memory of what it delivered lives in its workflow, not in a worker: after the
 * workers restart, a poll that re-reads its overlap signals nothing that did not change, and an
 * order delivered in FB_PROCESSING before the restart still goes to the ack batcher on release.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startIntake } from '../../src/intake/start-intake.js';
import { pollerStatusQuery, pollNowSignal, type PollerStatus } from '../../src/api/poller-messages.js';
import { orderPollerWorkflowId, orderWorkflowId } from '../../src/api/ids.js';
import { createOrderWorld, eventually, FAST_POLICY, recordHistory, type OrderWorld } from './order-fixture.js';

let world: OrderWorld;
beforeAll(async () => {
  world = await createOrderWorld();
  await world.oms.seedProducts([{ retailerId: 'SKU-MEMO', name: 'Remembered item', onHand: 1_000 }]);
});
afterAll(async () => world?.close());

const ORDERS = 12;

async function pollerStatus(): Promise<PollerStatus> {
  return world.harness.client.workflow.getHandle(orderPollerWorkflowId(world.cmsId)).query(pollerStatusQuery);
}

/** Asks for a poll now and waits until a round completes after it. */
async function pollOnce(): Promise<PollerStatus> {
  const before = (await pollerStatus()).rounds;
  await world.harness.client.workflow.getHandle(orderPollerWorkflowId(world.cmsId)).signal(pollNowSignal);
  return eventually(async () => {
    const status = await pollerStatus();
    return status.rounds > before ? status : undefined;
  }, 'a poll round');
}

async function orderUpdatedSignals(orderId: string): Promise<number> {
  const events = (await world.harness.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory()).events ?? [];
  return events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'orderUpdated').length;
}

test('after a worker restart a poll signals only orders that changed', async () => {
  const created = await world.admin.createOrders({
    count: ORDERS,
    items: [{ retailerId: 'SKU-MEMO', quantity: 1, pricePerUnit: '4.00' }],
  });
  const ids = created.map((o) => o.id);
  await startIntake(world.harness.client, {
    cmsId: world.cmsId,
    taskQueue: world.taskQueue,
    graphTaskQueue: world.graphTaskQueue,
    ackMode: 'bulk',
    // Rounds come from pollNow: the test counts each one.
    pollIntervalMs: 3_600_000,
    ackFlushAfterMs: 1_000,
    orderPolicy: { ...FAST_POLICY, releaseRefresh: { initialMs: 600_000, factor: 2, maxMs: 600_000 } },
    initialLookbackSeconds: 3_600,
  });
  const first = await eventually(async () => {
    const status = await pollerStatus();
    return (status.totals?.workflowsSignalled ?? 0) >= ORDERS ? status : undefined;
  }, 'the first poll delivered every order');
  expect(first.totals?.workflowsSignalled).toBe(ORDERS);
  expect(first.rememberedOrders).toBe(ORDERS);

  // A restart: new worker processes would have new activities, and so do these (the memory used
  // to live in the activities' closure).
  await world.stopWorkers();
  await world.startWorkers();
  const afterRestart = await pollOnce();
  expect(afterRestart.lastRound).toMatchObject({ ordersSeen: ORDERS, workflowsSignalled: 0, unchangedSkipped: ORDERS });
  expect(afterRestart.totals?.workflowsSignalled).toBe(ORDERS);

  // Released after the restart: the memory still says "delivered in FB_PROCESSING", so the poll
  // hands it to the ack batcher instead of signalling it (and it is acknowledged once).
  await world.admin.release([ids[0]!]);
  const afterRelease = await pollOnce();
  expect(afterRelease.lastRound).toMatchObject({ workflowsSignalled: 0, handedToAckBatcher: 1 });
  for (const id of ids) expect(await orderUpdatedSignals(id), id).toBe(1);
  await eventually(
    async () => ((await world.orders.getState(ids[0]!)).phase === 'IN_PROGRESS' ? true : undefined),
    'the released order acknowledged',
  );
  if (process.env.RECORD_HISTORIES)
    await recordHistory(world, orderPollerWorkflowId(world.cmsId), 'intake-poller-remembers');
}, 180_000);
