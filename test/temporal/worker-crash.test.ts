/**
 * Kill -9 the worker process in the middle of a batch of orders, start a new one: every order
 * finishes and the sandbox ledger shows no duplicate effect. The workers here are real processes
 * (`src/worker.ts`), configured only through the environment, as an operator would run them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { createOrderWorld, eventually, SANDBOX_TOKEN, type OrderWorld } from './order-fixture.js';
import { orderWorkflowId } from '../../src/api/ids.js';

let world: OrderWorld;
let omsDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  world = await createOrderWorld({ withoutWorkers: true, sandbox: { faults: { latencyMs: 150 } } });
  omsDir = mkdtempSync(join(tmpdir(), 'fb-orders-oms-'));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await world?.close();
  rmSync(omsDir, { recursive: true, force: true });
});

function startWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TASK_QUEUE: world.taskQueue,
      GRAPH_TASK_QUEUE: world.graphTaskQueue,
      // Slow enough that the acknowledgements are spread over seconds, so the kill lands mid-batch.
      GRAPH_MAX_CALLS_PER_SECOND: '4',
      META_GRAPH_URL: world.sandbox.url,
      META_ACCESS_TOKEN: SANDBOX_TOKEN,
      META_CMS_ID: world.cmsId,
      META_TIMEOUT_MS: '2000',
      OMS_DATA_DIR: omsDir,
      METRICS_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

async function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`worker exited early (${code}): ${seen}`)));
  });
}

test('a worker killed mid-batch is replaced and every order finishes once', async () => {
  const first = startWorkerProcess();
  await waitForOutput(first, /worker running/);
  const orders = await world.admin.createOrders({
    count: 12,
    items: [{ retailerId: 'SKU-CRASH', quantity: 2, pricePerUnit: '5.00', productName: 'Crash test' }],
  });
  for (const order of orders) await world.startOrder(order.id);
  for (const order of orders) await world.admin.release([order.id]);
  // Kill while acknowledgements are in flight.
  await eventually(
    async () => ((await world.admin.getLedger()).effects.some((e) => e.kind === 'acknowledge') ? true : undefined),
    'first acknowledgement',
  );
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  const acknowledgedAtKill = (await world.admin.getLedger()).effects.filter((e) => e.kind === 'acknowledge').length;
  // The kill really landed mid-batch: some orders were acknowledged, not all.
  expect(acknowledgedAtKill).toBeGreaterThan(0);
  expect(acknowledgedAtKill).toBeLessThan(orders.length);

  const second = startWorkerProcess();
  await waitForOutput(second, /worker running/);
  for (const order of orders) {
    await eventually(
      async () => {
        const s = await world.orders.getState(order.id);
        return s.phase === 'IN_PROGRESS' ? s : undefined;
      },
      `order ${order.id} acknowledged`,
      60_000,
    );
  }
  await Promise.all(
    orders.map((o) =>
      world.orders.ship(o.id, { requestId: `crash-ship-${o.id}`, carrier: 'UPS', trackingNumber: `T${o.id}` }),
    ),
  );
  const ledger = await world.admin.getLedger();
  for (const order of orders) {
    const effects = ledger.orders[order.id] ?? [];
    expect(
      effects.filter((e) => e.kind === 'acknowledge'),
      order.id,
    ).toHaveLength(1);
    expect(
      effects.filter((e) => e.kind === 'shipment'),
      order.id,
    ).toHaveLength(1);
    const description = await world.harness.client.workflow.getHandle(orderWorkflowId(order.id)).describe();
    // Open in its return window, or already closed after it (the test policy's window is 3 s): never failed.
    expect(['RUNNING', 'COMPLETED'], order.id).toContain(description.status.name);
  }
  second.kill('SIGTERM');
  await new Promise((r) => second.once('exit', r));
}, 180_000);
