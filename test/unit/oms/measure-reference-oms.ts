/**
 * Not a test: prints what the reference OMS costs. Run one mode per process so RSS is not shared:
 *   node --import tsx test/unit/oms/measure-reference-oms.ts memory
 *   node --import tsx test/unit/oms/measure-reference-oms.ts disk   (fresh folder, then reopened)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReferenceOms } from '../../../src/oms/reference/index.js';
import { line, pendingOrder } from './fixtures.js';

const ORDERS = 200;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function timeOpen(dataDir: string | undefined): Promise<{ oms: ReferenceOms; ms: number }> {
  const started = performance.now();
  const oms = await ReferenceOms.open({ dataDir });
  return { oms, ms: performance.now() - started };
}

async function timeOrders(oms: ReferenceOms): Promise<void> {
  await oms.seedProducts([{ retailerId: 'BENCH-SKU', name: 'Bench', onHand: 1_000_000 }]);
  const started = performance.now();
  for (let index = 0; index < ORDERS; index += 1) {
    await oms.createPendingOrder(
      pendingOrder(`bench-${index}`, [line('i1', 'BENCH-SKU', 1), line('i2', 'BENCH-SKU', 2)]),
    );
  }
  const perOrder = (performance.now() - started) / ORDERS;
  const retryStarted = performance.now();
  for (let index = 0; index < ORDERS; index += 1) {
    await oms.createPendingOrder(
      pendingOrder(`bench-${index}`, [line('i1', 'BENCH-SKU', 1), line('i2', 'BENCH-SKU', 2)]),
    );
  }
  const perRetry = (performance.now() - retryStarted) / ORDERS;
  console.log(
    `createPendingOrder: ${perOrder.toFixed(2)} ms per new order (2 lines), ${perRetry.toFixed(2)} ms per idempotent repeat (${ORDERS} each)`,
  );
}

const mode = process.argv[2] ?? 'memory';
console.log(`rss before open: ${mb(process.memoryUsage().rss)}`);
if (mode === 'memory') {
  const { oms, ms } = await timeOpen(undefined);
  console.log(`open in memory: ${ms.toFixed(0)} ms; rss after open: ${mb(process.memoryUsage().rss)}`);
  await timeOrders(oms);
  console.log(`rss after ${ORDERS} orders: ${mb(process.memoryUsage().rss)}`);
  await oms.close();
  const second = await timeOpen(undefined);
  console.log(
    `second open in memory (from the schema template): ${second.ms.toFixed(0)} ms; rss: ${mb(process.memoryUsage().rss)}`,
  );
  await second.oms.close();
} else {
  const dataDir = await mkdtemp(join(tmpdir(), 'reference-oms-measure-'));
  try {
    const fresh = await timeOpen(dataDir);
    console.log(
      `open on disk (new folder, initdb): ${fresh.ms.toFixed(0)} ms; rss after open: ${mb(process.memoryUsage().rss)}`,
    );
    await timeOrders(fresh.oms);
    await fresh.oms.close();
    const reopened = await timeOpen(dataDir);
    console.log(`reopen on disk: ${reopened.ms.toFixed(0)} ms; rss: ${mb(process.memoryUsage().rss)}`);
    await reopened.oms.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
