/**
 * The batch activity against the sandbox (real HTTP) and the reference OMS: one acknowledge_orders
 * call, the OMS orders of acknowledged orders marked processing, each outcome signalled to its
 * order with the order as listed (no buyer data), and what it could not do left to the workflows.
 * The Temporal client is the one fake: this test is about what the activity sends, not the server.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { BulkAckOutcome } from '../../../src/api/activities.js';
import { createGraphCalls } from '../../../src/activities/graph-calls.js';
import { createBatchAcknowledgeActivity } from '../../../src/intake/batch-activity.js';
import { GraphClient } from '../../../src/graph/index.js';
import { ReferenceOms } from '../../../src/oms/reference/index.js';
import { SandboxAdminClient, startSandbox, type RunningSandbox } from '../../../sandbox/index.js';
import type { AckResult } from '../../../src/api/order-messages.js';

const TOKEN = 'bulk-ack-test-token';
const BUYER_EMAIL = 'ada.buyer@example.com';

let sandbox: RunningSandbox;
let graph: GraphClient;
let oms: ReferenceOms;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, accessToken: TOKEN, releaseDelayMs: 3_600_000 });
  graph = new GraphClient({ baseUrl: sandbox.url, apiVersion: 'v22.0', accessToken: TOKEN, timeoutMs: 5_000 });
  oms = await ReferenceOms.open();
  await oms.seedProducts([{ retailerId: 'SKU-BATCH', name: 'Batch item', onHand: 100 }]);
});
afterAll(async () => {
  await graph?.close();
  await oms?.close();
  await sandbox?.close();
});

/** Signals by workflow id; some order workflows have ended, one cannot be reached right now. */
function fakeClient(behaviour: { ended: string; unreachable: string }) {
  const received = new Map<string, AckResult>();
  const client = {
    withAbortSignal: <R>(_signal: AbortSignal, fn: () => Promise<R>) => fn(),
    workflow: {
      getHandle: (workflowId: string) => ({
        async signal(_signal: unknown, result: AckResult) {
          if (workflowId === `fb-order-${behaviour.ended}`)
            throw new WorkflowNotFoundError('workflow execution already completed', workflowId, undefined);
          if (workflowId === `fb-order-${behaviour.unreachable}`) throw new Error('14 UNAVAILABLE: connection refused');
          received.set(result.orderId, result);
        },
      }),
    },
  };
  return { client: client as unknown as Client, received };
}

test('acknowledges in one call, marks processing, answers each order with its listed snapshot; leaves the rest to the workflows', async () => {
  const admin = new SandboxAdminClient(sandbox.url);
  const created = await admin.createOrders({
    count: 5,
    items: [{ retailerId: 'SKU-BATCH', quantity: 2, pricePerUnit: '7.50' }],
    buyer: { name: 'Ada Buyer', email: BUYER_EMAIL },
  });
  const [ok, omsRefuses, ended, unreachable, notReleased] = created.map((o) => o.id) as [
    string,
    string,
    string,
    string,
    string,
  ];
  await admin.release([ok, omsRefuses, ended, unreachable]);
  // The OMS refuses to mark one order processing (down for a moment, say).
  const flakyOms = Object.create(oms) as ReferenceOms;
  flakyOms.markProcessing = async (id: string) => {
    if (id === omsRefuses) throw new Error('OMS unavailable');
    return oms.markProcessing(id);
  };
  const activities = createBatchAcknowledgeActivity({ graph, oms: flakyOms, calls: createGraphCalls(graph) });
  const { client, received } = fakeClient({ ended, unreachable });
  const before = await admin.getLedger();

  const orders = [ok, omsRefuses, ended, unreachable, notReleased].map((orderId) => ({
    orderId,
    channel: 'facebook' as const,
  }));
  const outcomes: BulkAckOutcome[] = await new MockActivityEnvironment(undefined, { client }).run(
    activities.createPendingAndAcknowledgeBatch,
    { cmsId: sandbox.options.cmsId, orders, maxOrders: 100 },
  );

  const byId = new Map<string, BulkAckOutcome>(outcomes.map((o) => [o.orderId, o]));
  expect(byId.get(ok)).toMatchObject({ acknowledged: true, omsProcessing: true, delivered: true });
  expect(byId.get(omsRefuses)).toMatchObject({ acknowledged: true, omsProcessing: false, delivered: true });
  expect(byId.get(ended)).toMatchObject({ acknowledged: true, delivered: true }); // nobody to tell
  expect(byId.get(unreachable)).toMatchObject({ acknowledged: true, delivered: false }); // the batcher tells it
  expect(byId.get(notReleased)).toMatchObject({
    acknowledged: false,
    reason: 'not among the CREATED orders Meta listed',
    delivered: true,
  });

  const after = await admin.getLedger();
  expect(
    (after.calls.byEndpoint['POST acknowledge_orders'] ?? 0) -
      (before.calls.byEndpoint['POST acknowledge_orders'] ?? 0),
  ).toBe(1);
  expect((await oms.getOrder(ok))?.status).toBe('processing');
  expect((await oms.getOrder(omsRefuses))?.status).toBe('pending'); // the order workflow marks it

  // The answer carries the order as listed, for the workflow to refresh from: no buyer data.
  const answer = received.get(ok)!;
  expect(answer).toMatchObject({
    acknowledged: true,
    merchantOrderReference: (await oms.getOrder(ok))!.merchantOrderReference,
  });
  expect(answer.snapshot).toMatchObject({
    id: ok,
    state: 'CREATED',
    items: [{ retailerId: 'SKU-BATCH', quantity: 2, status: { fulfilled: 0, cancelled: 0 } }],
  });
  const snapshotFields = [
    'id',
    'state',
    'created',
    'lastUpdated',
    'channel',
    'merchantOrderId',
    'shippingPaid',
    'shipByDate',
    'items',
  ];
  expect(Object.keys(answer.snapshot!).filter((field) => !snapshotFields.includes(field))).toEqual([]);
  expect(JSON.stringify([...received.values()])).not.toContain(BUYER_EMAIL);
  expect(JSON.stringify([...received.values()])).not.toContain('Ada Buyer');
  expect(received.get(notReleased)?.snapshot).toBeUndefined();
});

test('a lost response is replayed: the retry sends the heartbeated request under the same key, not a new listing', async () => {
  const admin = new SandboxAdminClient(sandbox.url);
  const created = await admin.createOrders({
    count: 3,
    items: [{ retailerId: 'SKU-BATCH', quantity: 1, pricePerUnit: '7.50' }],
  });
  const ids = created.map((o) => o.id);
  await admin.release(ids);
  const orders = ids.map((orderId) => ({ orderId, channel: 'facebook' as const }));
  const activities = createBatchAcknowledgeActivity({ graph, oms, calls: createGraphCalls(graph) });
  const { client, received } = fakeClient({ ended: '-', unreachable: '-' });
  // Meta applies the acknowledgement, then the connection drops before its answer arrives.
  await admin.addFaultRule({ endpoint: 'acknowledge_orders', fault: 'lost_response', times: 1 });
  const before = await admin.getLedger();

  const first = new MockActivityEnvironment({ heartbeatTimeoutMs: 20_000 }, { client });
  let heartbeated: unknown;
  first.on('heartbeat', (details: unknown) => void (heartbeated = details));
  await expect(
    first.run(activities.createPendingAndAcknowledgeBatch, { cmsId: sandbox.options.cmsId, orders, maxOrders: 100 }),
  ).rejects.toThrow();
  const request = heartbeated as { batch: { id: string }[]; notListed: string[] };
  expect(request.batch.map((entry) => entry.id).sort()).toEqual([...ids].sort());
  expect(request.notListed).toEqual([]);
  expect(JSON.stringify(heartbeated)).not.toContain(BUYER_EMAIL);

  // The retry: Temporal hands it the last heartbeat's details.
  const retry = new MockActivityEnvironment({ heartbeatDetails: heartbeated, heartbeatTimeoutMs: 20_000 }, { client });
  const outcomes: BulkAckOutcome[] = await retry.run(activities.createPendingAndAcknowledgeBatch, {
    cmsId: sandbox.options.cmsId,
    orders,
    maxOrders: 100,
  });
  expect(
    outcomes
      .filter((o) => o.acknowledged)
      .map((o) => o.orderId)
      .sort(),
  ).toEqual([...ids].sort());
  expect(ids.map((id) => received.get(id)?.snapshot?.id)).toEqual(ids);

  const after = await admin.getLedger();
  const delta = (counter: Record<string, number>, was: Record<string, number>, key: string) =>
    (counter[key] ?? 0) - (was[key] ?? 0);
  expect(delta(after.calls.byEndpoint, before.calls.byEndpoint, 'POST acknowledge_orders')).toBe(2);
  expect(delta(after.replays.byEndpoint, before.replays.byEndpoint, 'POST acknowledge_orders')).toBe(1);
  // One listing read in all: the retry did not read it again.
  expect(delta(after.calls.byEndpoint, before.calls.byEndpoint, 'GET commerce_orders')).toBe(1);
  for (const id of ids) expect((after.orders[id] ?? []).filter((e) => e.kind === 'acknowledge')).toHaveLength(1);
});
