/**
 * Intake under faults: a throttle burst slows the pipeline without errors or duplicates, and a
 * poll that fails mid-way resumes from the page cursor it heartbeated instead of starting over.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startIntake } from '../../src/intake/start-intake.js';
import { pollerStatusQuery, pollNowSignal } from '../../src/api/poller-messages.js';
import type { OrderPolicyOverrides } from '../../src/order/policy.js';
import { createOrderWorld, eventually, FAST_POLICY, type OrderWorld } from './order-fixture.js';
import { orderPollerWorkflowId } from '../../src/api/ids.js';

const QUIET_POLICY: OrderPolicyOverrides = {
  ...FAST_POLICY,
  releaseRefresh: { initialMs: 60_000, factor: 2, maxMs: 120_000 },
  refreshIntervalMs: 60_000,
  ackBatchTimeoutMs: 60_000,
};

let world: OrderWorld;
beforeAll(async () => {
  world = await createOrderWorld({ pollPageSize: 10 });
  await world.oms.seedProducts([{ retailerId: 'SKU-FAULT', name: 'Fault item', onHand: 100_000 }]);
  await startIntake(world.harness.client, {
    cmsId: world.cmsId,
    taskQueue: world.taskQueue,
    graphTaskQueue: world.graphTaskQueue,
    ackMode: 'bulk',
    pollIntervalMs: 60_000,
    ackFlushAfterMs: 500,
    orderPolicy: QUIET_POLICY as Record<string, unknown>,
    initialLookbackSeconds: 3_600,
  });
});
afterAll(async () => world?.close());

const poller = () => world.harness.client.workflow.getHandle(orderPollerWorkflowId(world.cmsId));

async function pollRounds(): Promise<number> {
  return (await poller().query(pollerStatusQuery)).rounds;
}

async function pollOnce(): Promise<void> {
  const rounds = await eventually(() => pollRounds(), 'the poller status');
  await poller().signal(pollNowSignal);
  await eventually(async () => ((await pollRounds()) > rounds ? true : undefined), 'a poll round', 90_000);
}

/** Orders of `ids` showing `phase`, through visibility: no query load on busy workers. */
async function countInPhase(ids: string[], phase: string): Promise<number> {
  const wanted = new Set(ids);
  const listed = await world.orders.list({ cmsId: world.cmsId, phase: phase as never });
  return listed.filter((o) => wanted.has(o.orderId)).length;
}

test('a throttle burst slows intake without errors or duplicates', async () => {
  const created = await world.admin.createOrders({
    count: 30,
    items: [{ retailerId: 'SKU-FAULT', quantity: 1, pricePerUnit: '4.00' }],
  });
  const ids = created.map((o) => o.id);
  await pollOnce();
  await world.admin.release(ids);
  const before = await world.admin.getLedger();
  await world.admin.throttle({ calls: 6 });
  await pollOnce();
  await eventually(
    async () => ((await countInPhase(ids, 'IN_PROGRESS')) === ids.length ? true : undefined),
    '30 orders acknowledged',
    90_000,
  );
  const after = await world.admin.getLedger();
  expect(after.throttled.total - before.throttled.total).toBe(6);
  for (const id of ids)
    expect(
      (after.orders[id] ?? []).filter((e) => e.kind === 'acknowledge'),
      id,
    ).toHaveLength(1);
  const parked = (await world.orders.list({ cmsId: world.cmsId, needsAttention: true })).filter((o) =>
    ids.includes(o.orderId),
  );
  expect(parked).toEqual([]);
}, 150_000);

test('a poll that fails mid-way resumes from its heartbeated page cursor', async () => {
  const created = await world.admin.createOrders({
    count: 60,
    items: [{ retailerId: 'SKU-FAULT', quantity: 1, pricePerUnit: '4.00' }],
  });
  const ids = created.map((o) => o.id);
  // Slow pages, so the failure can be placed in the middle of the paging.
  await world.admin.addFaultRule({ endpoint: 'commerce_orders', fault: 'latency', latencyMs: 400, times: 1_000 });
  const before = await world.admin.getLedger();
  const pageCalls = async () =>
    ((await world.admin.getLedger()).calls.byEndpoint['GET commerce_orders'] ?? 0) -
    (before.calls.byEndpoint['GET commerce_orders'] ?? 0);
  await poller().signal(pollNowSignal);
  await eventually(async () => ((await pageCalls()) >= 3 ? true : undefined), 'three pages read', 60_000);
  await world.admin.addFaultRule({ endpoint: 'commerce_orders', fault: 'server_error', status: 503, times: 1 });
  await eventually(
    async () => {
      const listed = new Set((await world.orders.list({ cmsId: world.cmsId })).map((o) => o.orderId));
      return ids.every((id) => listed.has(id)) ? true : undefined;
    },
    'a workflow for each of the 60 orders',
    90_000,
  );
  await world.admin.clearFaults();
  // Pages already read before the failure were not read again: the retry started at the cursor.
  // (60 new orders plus the 30 above at 10 per page is about 9-10 pages, plus the one failed call.)
  const calls = await pageCalls();
  expect(calls).toBeLessThanOrEqual(12);
  const ledger = await world.admin.getLedger();
  expect(ledger.faultsInjected.byKind.server_error ?? 0).toBeGreaterThanOrEqual(1);
}, 150_000);
