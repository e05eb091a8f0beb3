/**
 * `npm run bench:scale`: what a small worker costs at scale, with the production shape (the worker
 * in a process of its own, the reference OMS server in another, reached over signed HTTP):
 *   - memory: the worker's RSS and heap with N open orders idling (released, acknowledged, waiting
 *     for ship commands) for each N of BENCH_MEMORY_SIZES, then while BENCH_SHIP_ORDERS of them
 *     receive a ship command (most of them evicted from the cache: the cost of a cache miss in use);
 *   - a scale curve: throughput and p95 release -> acknowledgement at each size of BENCH_CURVE_SIZES,
 *     against the floor workflow (bench/floor-workflow.ts) at the same size in the same run, on the
 *     run's one dev server and on a fresh dev server per point (BENCH_CURVE_SERVERS=shared,fresh);
 *   - cost per order: history events and billable Temporal Cloud actions per order, counted from the
 *     histories (bench/lib/cloud-actions.ts), for release, acknowledgement, one shipment and the
 *     return window's close, in bulk and in single mode;
 *   - a cache miss: replay time of the committed order histories (test/histories).
 * BENCH_PARTS picks parts (default all: memory,curve,cost,replay). Prints the JSON summary and writes
 * it to bench/results/scale-<time>.json. A script, not a test: it asserts nothing, it reports.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { ackBatcherWorkflowId, orderPollerWorkflowId, orderWorkflowId } from '../src/api/ids.js';
import { pollerStatusQuery } from '../src/api/poller-messages.js';
import type { AckMode } from '../src/api/ack-modes.js';
import { OrderClient } from '../src/client/index.js';
import { WORKFLOW_MEMORY_DEFAULTS } from '../src/config.js';
import { startDevServer } from '../src/dev-tools/dev-server.js';
import { startOmsServerProcess, type OmsServerProcess } from '../src/dev-tools/oms-server-process.js';
import { startIntake } from '../src/intake/start-intake.js';
import { DEFAULT_ORDER_POLICY, type OrderPolicyOverrides } from '../src/order/policy.js';
import { mapConcurrently } from '../src/util/concurrency.js';
import { bundleWorkflows } from '../src/wiring/bundle.js';
import { SandboxAdminClient } from '../sandbox/admin-client.js';
import { goSignal } from './floor-workflow.js';
import { historyCost, type HistoryCost } from './lib/cloud-actions.js';
import { cpuMeter, devServerPid, percentile, sleep, withPeakRss } from './lib/processes.js';
import { measureReplay } from './lib/replay-cost.js';
import { compileBenchWorker } from './lib/compiled-worker.js';
import { BENCH_TOKEN, startSandboxProcess } from './lib/sandbox-process.js';
import { startWorkerChild, workerNodeFlags, type WorkerChild, type WorkerMemory } from './lib/worker-child.js';

const sizes = (name: string, fallback: string) =>
  (process.env[name] ?? fallback).split(',').map((n) => Number(n.trim()));
const PARTS = new Set((process.env.BENCH_PARTS ?? 'memory,curve,cost,replay').split(',').map((p) => p.trim()));
const MEMORY_SIZES = sizes('BENCH_MEMORY_SIZES', '1000,5000,10000');
const SHIP_ORDERS = Number(process.env.BENCH_SHIP_ORDERS ?? 1_000);
const CURVE_SIZES = sizes('BENCH_CURVE_SIZES', '500,1000,2000,4000');
/** The curve on the run's one dev server (shared), and each point on a dev server of its own (fresh). */
const CURVE_SERVERS = new Set((process.env.BENCH_CURVE_SERVERS ?? 'shared,fresh').split(',').map((s) => s.trim()));
const COST_ORDERS = Number(process.env.BENCH_COST_ORDERS ?? 20);
const CACHE_SIZE = Number(process.env.WORKFLOW_CACHE_SIZE ?? WORKFLOW_MEMORY_DEFAULTS.cacheSize);
const HEAP_MB = Number(process.env.WORKFLOW_HEAP_MB ?? WORKFLOW_MEMORY_DEFAULTS.heapMb);
/** BENCH_WORKER_TSX=1: the worker from its TypeScript sources under tsx, as runs before 2026-12-07 measured it. */
const WORKER_UNDER_TSX = process.env.BENCH_WORKER_TSX === '1';
const SECRET = 'bench-oms-secret-0123456789abcdef';
const SKU = 'BENCH-SKU';
/** The floor's activity calls: an order's own two OMS steps from release to processing (as bench/pipeline.ts). */
const FLOOR_ACTIVITY_CALLS = 2;
/** Orders wait for the poller's signal, no refresh timers competing (as bench/pipeline.ts). */
const BENCH_POLICY: OrderPolicyOverrides = {
  releaseRefresh: { initialMs: 10 * 60_000, factor: 2, maxMs: 30 * 60_000 },
  refreshIntervalMs: 6 * 3_600_000,
};

const log = (line: string) => process.stderr.write(`[bench:scale] ${new Date().toISOString().slice(11, 19)} ${line}\n`);

interface World {
  client: Client;
  orders: OrderClient;
  nativeConnection: NativeConnection;
  address: string;
  namespace: string;
  admin: SandboxAdminClient;
  sandboxUrl: string;
  oms: OmsServerProcess;
  cmsId: string;
  bundlePath: string;
  /** bench/worker-process compiled to JavaScript (compileBenchWorker), or undefined: run under tsx. */
  workerScript: string | undefined;
  floorBundle: string;
  pids: { devServer: number | undefined; sandbox: number | undefined; oms: number | undefined };
}

/** Worker children running now: an interrupted benchmark stops them too. */
const runningWorkers = new Set<WorkerChild>();

/** A worker child on its own task queues, configured through the environment like `npm run worker`. */
async function startBenchWorker(world: World, name: string, extra: NodeJS.ProcessEnv = {}): Promise<WorkerChild> {
  const worker = await startWorkerChild(
    {
      TEMPORAL_ADDRESS: world.address,
      TEMPORAL_NAMESPACE: world.namespace,
      TASK_QUEUE: `bench-${name}`,
      GRAPH_TASK_QUEUE: `bench-${name}-graph`,
      GRAPH_MAX_CALLS_PER_SECOND: '2000',
      META_GRAPH_URL: world.sandboxUrl,
      META_ACCESS_TOKEN: BENCH_TOKEN,
      META_CMS_ID: world.cmsId,
      OMS_ADAPTER: 'http',
      OMS_WEBHOOK_URL: world.oms.eventsUrl,
      OMS_WEBHOOK_SECRET: SECRET,
      WORKFLOW_CACHE_SIZE: String(CACHE_SIZE),
      WORKFLOW_HEAP_MB: String(HEAP_MB),
      BENCH_WORKFLOW_BUNDLE: world.bundlePath,
      ...extra,
    },
    world.workerScript,
  );
  runningWorkers.add(worker);
  return {
    ...worker,
    stop: async () => {
      runningWorkers.delete(worker);
      await worker.stop();
    },
  };
}

async function startBenchIntake(world: World, name: string, ackMode: AckMode, policy: OrderPolicyOverrides) {
  await sleep(1_100); // the poller's mark (whole seconds) must pass earlier parts' orders
  await startIntake(world.client, {
    cmsId: world.cmsId,
    taskQueue: `bench-${name}`,
    graphTaskQueue: `bench-${name}-graph`,
    ackMode,
    pollIntervalMs: 2_000,
    ackFlushAfterMs: 300,
    orderPolicy: policy as Record<string, unknown>,
    initialLookbackSeconds: 0,
    overlapSeconds: 0,
  });
  // Orders are created only after the first poll set the mark, and a second later (the mark is in
  // whole seconds): an order created just before the first poll would be older than its mark.
  const poller = world.client.workflow.getHandle(orderPollerWorkflowId(world.cmsId));
  await waitFor('the first poll', async () => (await poller.query(pollerStatusQuery)).rounds >= 1, 120_000, 500);
  await sleep(1_100);
}

async function stopIntake(world: World): Promise<void> {
  for (const id of [orderPollerWorkflowId(world.cmsId), ackBatcherWorkflowId(world.cmsId)])
    await world.client.workflow
      .getHandle(id)
      .terminate('benchmark part done')
      .catch(() => undefined);
}

async function createOrders(world: World, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let left = count; left > 0; left -= 5_000) {
    const created = await world.admin.createOrders({
      count: Math.min(left, 5_000),
      items: [{ retailerId: SKU, quantity: 1, pricePerUnit: '10.00' }],
    });
    ids.push(...created.map((o) => o.id));
  }
  return ids;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 1_000) {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Takes `count` new orders from creation to IN_PROGRESS in bulk mode: created, every workflow has
 * reserved stock, released at once, acknowledged, marked processing in the OMS. Returns the ids and
 * the release -> acknowledgement figures from the sandbox's ledger.
 */
async function bringToInProgress(
  world: World,
  taskQueue: string,
  count: number,
  label: string,
  pids: Record<string, number | undefined>,
) {
  const inProgressBefore = (
    await world.client.workflow.count(`FbOrderPhase = 'IN_PROGRESS' AND TaskQueue = '${taskQueue}'`)
  ).count;
  const ids = await createOrders(world, count);
  log(`${label}: ${count} orders created; waiting until every workflow has reserved stock`);
  await waitFor(
    `${count} reservations`,
    async () => (await world.oms.client.progress(ids)).reserved >= ids.length,
    60 * 60_000,
    2_000,
  );
  const cpu = cpuMeter(pids);
  const releasedAt = Date.now();
  for (let i = 0; i < ids.length; i += 5_000) await world.admin.release(ids.slice(i, i + 5_000));
  await world.client.workflow.getHandle(orderPollerWorkflowId(world.cmsId)).signal('pollNow');
  log(`${label}: released; waiting until the OMS has every order processing`);
  let last: Awaited<ReturnType<OmsServerProcess['client']['progress']>> | undefined;
  await waitFor(
    `${count} orders processing`,
    async () => (last = await world.oms.client.progress(ids)).processing >= ids.length,
    60 * 60_000,
    1_000,
  );
  const cpuSeconds = cpu.read();
  // The OMS marks an order processing from the batch, before the order has taken the batch's answer:
  // wait until every workflow says IN_PROGRESS too (a command sent earlier is refused as too early).
  await waitFor(
    `${count} workflows IN_PROGRESS`,
    async () =>
      (await world.client.workflow.count(`FbOrderPhase = 'IN_PROGRESS' AND TaskQueue = '${taskQueue}'`)).count >=
      inProgressBefore + count,
    60 * 60_000,
    2_000,
  );
  const wanted = new Set(ids);
  const ledger = await world.admin.getLedger();
  const releaseAt = new Map<string, number>();
  const ackAt = new Map<string, number>();
  for (const e of ledger.effects) {
    if (!e.orderId || !wanted.has(e.orderId)) continue;
    if (e.kind === 'release') releaseAt.set(e.orderId, Date.parse(e.at));
    if (e.kind === 'acknowledge' && !ackAt.has(e.orderId)) ackAt.set(e.orderId, Date.parse(e.at));
  }
  const latencies = [...ackAt].map(([id, at]) => at - (releaseAt.get(id) ?? releasedAt)).sort((a, b) => a - b);
  const doneAt = Math.max(...ackAt.values());
  return {
    ids,
    figures: {
      orders: count,
      acknowledged: ackAt.size,
      ordersPerSecond: Number((count / ((doneAt - releasedAt) / 1000)).toFixed(1)),
      releaseToAckMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies.at(-1) },
      omsProcessingOrdersPerSecond: Number(
        (count / ((last!.lastProcessingAt!.getTime() - releasedAt) / 1000)).toFixed(1),
      ),
      cpuSeconds,
    },
  };
}

/** The worker's memory once idle: a few samples after a settling pause, the last one reported with the range. */
async function idleMemory(worker: WorkerChild): Promise<WorkerMemory & { rssRangeMb: [number, number] }> {
  await sleep(15_000);
  const samples: WorkerMemory[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(await worker.memory());
    await sleep(2_000);
  }
  const rss = samples.map((s) => s.rssMb);
  return { ...samples.at(-1)!, rssRangeMb: [Math.min(...rss), Math.max(...rss)] };
}

async function memoryPart(world: World) {
  const worker = await startBenchWorker(world, 'memory');
  const pids = { worker: worker.pid, ...world.pids };
  try {
    const atStart = await idleMemory(worker);
    log(`memory: worker idle with no orders: ${JSON.stringify(atStart)}`);
    await startBenchIntake(world, 'memory', 'bulk', BENCH_POLICY);
    const open: string[] = [];
    const steps: Record<string, unknown>[] = [];
    for (const size of MEMORY_SIZES) {
      const { result, peakRssMb } = await withPeakRss(
        () => bringToInProgress(world, 'bench-memory', size - open.length, `memory ${size}`, pids),
        worker.pid,
      );
      open.push(...result.ids);
      const idle = await idleMemory(worker);
      steps.push({ openOrders: open.length, idle, peakRssMbWhileArriving: peakRssMb, arrival: result.figures });
      log(`memory: ${open.length} open orders idle: ${JSON.stringify(idle)} (peak ${peakRssMb} MB while arriving)`);
    }
    // Ship the oldest: long evicted from the cache, each ship command replays its order first.
    const toShip = open.slice(0, SHIP_ORDERS);
    const failures: string[] = [];
    const cpu = cpuMeter(pids);
    const startedAt = Date.now();
    const { result: shipLatencies, peakRssMb } = await withPeakRss(
      () =>
        mapConcurrently([...toShip.entries()], 20, async ([i, orderId]) => {
          const at = Date.now();
          try {
            await world.orders.ship(orderId, {
              requestId: `bench-ship-${i}`,
              carrier: 'UPS',
              trackingNumber: `1ZBENCH${String(i).padStart(8, '0')}`,
            });
          } catch (error) {
            failures.push(`${orderId}: ${error instanceof Error ? error.message : String(error)}`);
          }
          return Date.now() - at;
        }),
      worker.pid,
    );
    const elapsedMs = Date.now() - startedAt;
    const sorted = [...shipLatencies].sort((a, b) => a - b);
    const shipping = {
      orders: toShip.length,
      failed: failures.length,
      firstFailures: failures.slice(0, 3),
      openOrders: open.length,
      concurrency: 20,
      peakRssMb,
      afterwards: await worker.memory(),
      shipsPerSecond: Number((toShip.length / (elapsedMs / 1000)).toFixed(1)),
      shipCommandMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) },
      cpuSeconds: cpu.read(),
    };
    log(`memory: shipping ${toShip.length} of ${open.length}: ${JSON.stringify(shipping)}`);
    return { cacheSize: CACHE_SIZE, workflowHeapMb: HEAP_MB, atStart, steps, shipping };
  } finally {
    await stopIntake(world);
    await worker.stop();
  }
}

async function floorRun(world: World, count: number) {
  const taskQueue = `bench-floor-${count}`;
  const worker = await Worker.create({
    connection: world.nativeConnection,
    namespace: world.namespace,
    taskQueue,
    workflowBundle: { code: world.floorBundle },
    activities: { noop: async (step: number) => step },
  });
  const running = worker.run();
  try {
    const ids = Array.from({ length: count }, (_, i) => `bench-floor-${Date.now()}-${i}`);
    await mapConcurrently(ids, 50, (workflowId) =>
      world.client.workflow.start('benchFloorWorkflow', { taskQueue, workflowId, args: [FLOOR_ACTIVITY_CALLS] }),
    );
    await sleep(2_000);
    const startedAt = Date.now();
    const signalledAt = new Map<string, number>();
    await mapConcurrently(ids, 100, async (id) => {
      signalledAt.set(id, Date.now());
      await world.client.workflow.getHandle(id).signal(goSignal);
    });
    const latencies = await mapConcurrently(ids, 100, async (id) => {
      await world.client.workflow.getHandle(id).result();
      return Date.now() - signalledAt.get(id)!;
    });
    const elapsed = Date.now() - startedAt;
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      ordersPerSecond: Number((count / (elapsed / 1000)).toFixed(1)),
      // Upper bounds: a result is awaited in id order, so a finished workflow may be seen late.
      signalToCompletionMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95) },
    };
  } finally {
    worker.shutdown();
    await running;
  }
}

/** One point of the curve on `world`'s server: `size` orders in bulk through `worker`, then the floor at the same size. */
async function curvePoint(world: World, worker: WorkerChild, taskQueue: string, size: number) {
  const pids = { worker: worker.pid, ...world.pids };
  const { result, peakRssMb } = await withPeakRss(
    () => bringToInProgress(world, taskQueue, size, `curve ${size}`, pids),
    worker.pid,
  );
  const floor = await floorRun(world, size);
  const point = {
    orders: size,
    bulk: { ...result.figures, workerPeakRssMb: peakRssMb },
    floor,
    bulkOverFloor: Number((result.figures.ordersPerSecond / floor.ordersPerSecond).toFixed(3)),
  };
  log(`curve ${size}: ${JSON.stringify(point)}`);
  return point;
}

type CurvePoint = Awaited<ReturnType<typeof curvePoint>>;

function curveSummary(points: CurvePoint[]) {
  return {
    points,
    // Three decimals, and the verdict below reads this: 0.796 rounded to 0.80 once passed a 0.8 bound.
    largestOverSmallestThroughput: Number(
      (points.at(-1)!.bulk.ordersPerSecond / points[0]!.bulk.ordersPerSecond).toFixed(3),
    ),
  };
}

/** Every point on the run's one dev server, one after the other: each point's server holds the earlier points' workflows. */
async function sharedServerCurve(world: World) {
  const worker = await startBenchWorker(world, 'curve');
  const points: CurvePoint[] = [];
  try {
    await startBenchIntake(world, 'curve', 'bulk', BENCH_POLICY);
    for (const size of CURVE_SIZES) points.push(await curvePoint(world, worker, 'bench-curve', size));
  } finally {
    await stopIntake(world);
    await worker.stop();
  }
  return curveSummary(points);
}

/**
 * Each point on a dev server of its own, started for it (empty but for the point's own orders,
 * and then the floor's workflows), with its own worker and intake; the sandbox and the OMS are
 * the run's. Separates what the number of orders in flight costs from what the earlier points'
 * rows in the server's SQLite cost.
 */
async function freshServerCurve(world: World) {
  const points: CurvePoint[] = [];
  for (const size of CURVE_SIZES) {
    const server = await startDevServer({ log });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: server.namespace });
    const fresh: World = {
      ...world,
      client,
      orders: new OrderClient(client),
      nativeConnection,
      address: server.address,
      namespace: server.namespace,
      pids: { ...world.pids, devServer: devServerPid() },
    };
    const name = `curve-fresh-${size}`;
    const worker = await startBenchWorker(fresh, name);
    try {
      await startBenchIntake(fresh, name, 'bulk', BENCH_POLICY);
      points.push(await curvePoint(fresh, worker, `bench-${name}`, size));
    } finally {
      await stopIntake(fresh);
      await worker.stop();
      await nativeConnection.close();
      await connection.close();
      await server.stop();
    }
  }
  return curveSummary(points);
}

async function curvePart(world: World) {
  return {
    sharedServer: CURVE_SERVERS.has('shared') ? await sharedServerCurve(world) : undefined,
    freshServerPerPoint: CURVE_SERVERS.has('fresh') ? await freshServerCurve(world) : undefined,
  };
}

/** Sums the cost of every order's history between two checkpoints (event counts per order). */
async function historiesOf(world: World, ids: string[]) {
  return mapConcurrently(ids, 10, async (id) => {
    const history = await world.client.workflow.getHandle(orderWorkflowId(id)).fetchHistory();
    return history.events ?? [];
  });
}

type Checkpoint = Awaited<ReturnType<typeof historiesOf>>;

function stageCost(ids: string[], from: Checkpoint | undefined, to: Checkpoint): HistoryCost & { perOrder: object } {
  const cost = historyCost(to.flatMap((events, i) => events.slice(from?.[i]?.length ?? 0)));
  return {
    ...cost,
    perOrder: {
      events: Number((cost.events / ids.length).toFixed(1)),
      actions: Number((cost.actions / ids.length).toFixed(1)),
    },
  };
}

/**
 * One order's whole life for COST_ORDERS orders. The return window closes 5 s after the shipment by
 * default: the same code path as 30 days, sooner, with no periodic refresh in it. `refreshMs` makes
 * the window refresh from Meta that often instead (and `windowMs` longer), to price one refresh.
 */
async function costRun(
  world: World,
  mode: AckMode,
  clock: { windowMs: number; refreshMs?: number } = { windowMs: 5_000 },
) {
  const name = `cost-${mode}${clock.refreshMs ? '-refresh' : ''}`;
  const worker = await startBenchWorker(world, name, { ACK_MODE: mode });
  try {
    await startBenchIntake(world, name, mode, {
      ...BENCH_POLICY,
      returnWindowMs: clock.windowMs,
      ...(clock.refreshMs ? { refreshIntervalMs: clock.refreshMs, returnWindowRefreshMs: clock.refreshMs } : {}),
    });
    const intakeIds = [orderPollerWorkflowId(world.cmsId), ackBatcherWorkflowId(world.cmsId)];
    const intakeEvents = async () =>
      Promise.all(
        intakeIds.map(
          async (id) =>
            (
              await world.client.workflow
                .getHandle(id)
                .fetchHistory()
                .catch(() => ({ events: [] }))
            ).events ?? [],
        ),
      );
    const ids = await createOrders(world, COST_ORDERS);
    await waitFor('reservations', async () => (await world.oms.client.progress(ids)).reserved >= ids.length, 600_000);
    await sleep(1_000);
    const reserved = await historiesOf(world, ids);
    const intakeBefore = await intakeEvents();
    await world.admin.release(ids);
    await world.client.workflow.getHandle(orderPollerWorkflowId(world.cmsId)).signal('pollNow');
    await waitFor('processing', async () => (await world.oms.client.progress(ids)).processing >= ids.length, 600_000);
    await sleep(1_000);
    const acknowledged = await historiesOf(world, ids);
    const intakeAfter = await intakeEvents();
    await mapConcurrently([...ids.entries()], 10, ([i, orderId]) =>
      world.orders.ship(orderId, { requestId: `cost-ship-${i}`, carrier: 'UPS', trackingNumber: `1ZCOST${i}` }),
    );
    await sleep(1_000);
    const shipped = await historiesOf(world, ids);
    await mapConcurrently(ids, 10, (id) => world.client.workflow.getHandle(orderWorkflowId(id)).result());
    const closed = await historiesOf(world, ids);
    const intake = historyCost(intakeAfter.flatMap((events, i) => events.slice(intakeBefore[i]!.length)));
    const whole = stageCost(ids, undefined, closed);
    // Refresh timers started in the window (by their summary, src/order/context.ts): one per refresh.
    const refreshTimers = closed
      .flatMap((events, i) => events.slice(shipped[i]!.length))
      .filter(
        (event) =>
          event.timerStartedEventAttributes &&
          Buffer.from(event.userMetadata?.summary?.data ?? new Uint8Array())
            .toString()
            .includes('next refresh'),
      ).length;
    return {
      refreshesInReturnWindow: refreshTimers,
      orders: ids.length,
      stages: {
        release: stageCost(ids, undefined, reserved),
        acknowledgement: stageCost(ids, reserved, acknowledged),
        oneShipment: stageCost(ids, acknowledged, shipped),
        returnWindowClose: stageCost(ids, shipped, closed),
      },
      wholeOrder: whole,
      intakeDuringAcknowledgement: {
        ...intake,
        perOrder: {
          events: Number((intake.events / ids.length).toFixed(1)),
          actions: Number((intake.actions / ids.length).toFixed(1)),
        },
      },
    };
  } finally {
    await stopIntake(world);
    await worker.stop();
  }
}

/**
 * What each periodic refresh in the return window costs (its timer, its read of Meta), and so a
 * default 30-day window read every `returnWindowRefreshMs` (DEFAULT_ORDER_POLICY), and an order's
 * whole life on the bulk path with such a window.
 */
function returnWindowRefreshCost(run: Awaited<ReturnType<typeof costRun>>, plain: Awaited<ReturnType<typeof costRun>>) {
  const stage = run.stages.returnWindowClose;
  const refreshes = run.refreshesInReturnWindow;
  // What the window costs without periodic reads (the final read, the closing upsert): the plain run's.
  const perRefresh = refreshes > 0 ? (stage.actions - plain.stages.returnWindowClose.actions) / refreshes : undefined;
  // The open order's refresh timer runs on into the window (it fires within refreshIntervalMs), then
  // one every returnWindowRefreshMs.
  const { returnWindowMs, refreshIntervalMs, returnWindowRefreshMs } = DEFAULT_ORDER_POLICY;
  const cycles = 1 + Math.floor((returnWindowMs - refreshIntervalMs) / returnWindowRefreshMs);
  const windowReads = perRefresh === undefined ? undefined : cycles * perRefresh;
  const commonPath = (plain.wholeOrder.actions + plain.intakeDuringAcknowledgement.actions) / plain.orders;
  return {
    orders: run.orders,
    refreshes,
    actionsPerRefresh: perRefresh === undefined ? undefined : Number(perRefresh.toFixed(2)),
    byKind: stage.byKind,
    projectedDefaultWindow: {
      refreshes: cycles,
      actionsPerOrder: windowReads === undefined ? undefined : Number(windowReads.toFixed(1)),
      wholeLifePerOrder: windowReads === undefined ? undefined : Number((commonPath + windowReads).toFixed(1)),
    },
  };
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  const startedAt = Date.now();
  log(
    `parts ${[...PARTS].join(', ')} on ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const server = await startDevServer({ log });
  const sandbox = await startSandboxProcess();
  const oms = await startOmsServerProcess({ dataDir: 'memory://', port: 0, secret: SECRET, keyId: '1' });
  const scratch = mkdtempSync(join(tmpdir(), 'bench-scale-'));
  const stopAll = async () => {
    await Promise.all([...runningWorkers].map((worker) => worker.stop()));
    sandbox.child.kill('SIGTERM');
    await oms.stop();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void stopAll().finally(() => process.exit(130));
    });
  await oms.client.seedProducts([{ retailerId: SKU, name: 'Benchmark item', onHand: 100_000_000 }]);
  const bundlePath = join(scratch, 'workflow-bundle.js');
  writeFileSync(bundlePath, (await bundleWorkflows(new DefaultLogger('ERROR'))).code);
  const { code: floorBundle } = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./floor-workflow.ts', import.meta.url)),
    logger: new DefaultLogger('ERROR'),
  });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const admin = new SandboxAdminClient(sandbox.url);
  const world: World = {
    client,
    orders: new OrderClient(client),
    nativeConnection,
    address: server.address,
    namespace: server.namespace,
    admin,
    sandboxUrl: sandbox.url,
    oms,
    cmsId: (await admin.getSettings()).cmsId,
    bundlePath,
    workerScript: WORKER_UNDER_TSX ? undefined : compileBenchWorker(),
    floorBundle,
    pids: { devServer: devServerPid(), sandbox: sandbox.child.pid, oms: oms.pid },
  };
  try {
    const replay = PARTS.has('replay') ? await measureReplay(bundlePath) : undefined;
    if (replay) log(`replay: ${JSON.stringify(replay)}`);
    const bulk = PARTS.has('cost') ? await costRun(world, 'bulk') : undefined;
    const cost = bulk
      ? {
          bulk,
          single: await costRun(world, 'single'),
          returnWindowRefresh: returnWindowRefreshCost(
            await costRun(world, 'bulk', { windowMs: 14_000, refreshMs: 4_000 }),
            bulk,
          ),
        }
      : undefined;
    if (cost) log(`cost: ${JSON.stringify(cost)}`);
    const curve = PARTS.has('curve') ? await curvePart(world) : undefined;
    const memory = PARTS.has('memory') ? await memoryPart(world) : undefined;
    const summary = {
      benchmark: 'scale: worker memory, scale curve, cost per order, cache-miss replay',
      at: new Date().toISOString(),
      minutes: Number(((Date.now() - startedAt) / 60_000).toFixed(1)),
      machine: {
        cores: cpus().length,
        node: process.version,
        loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(2))),
      },
      settings: {
        WORKFLOW_CACHE_SIZE: CACHE_SIZE,
        WORKFLOW_HEAP_MB: HEAP_MB,
        workerNodeFlags: workerNodeFlags().join(' '),
        workerRunsAs: WORKER_UNDER_TSX
          ? 'TypeScript sources under tsx (node --import tsx bench/worker-process.ts)'
          : 'JavaScript compiled by tsc with tsconfig.build.json (as node dist/worker.js runs)',
      },
      memory,
      curve,
      cost,
      replay,
      targets: targets(memory, curve, cost),
      notes: [
        'The worker runs in a process of its own (bench/worker-process.ts: startWorker with a prebuilt bundle; compiled to JavaScript unless settings.workerRunsAs says tsx, see bench/lib/compiled-worker.ts); the reference OMS in another (src/oms-server.ts, in memory), reached over signed HTTP; the sandbox and the dev server in theirs.',
        "Memory: RSS of the worker process; heapUsedMb is its main thread only: the workflow thread's heap (every cached workflow) is in the RSS, not in heapUsedMb (Node 20 cannot read another thread's heap).",
        "Curve: sharedServer runs every point on the run's one dev server, one after the other (each point's server holds the earlier points' workflows, and the memory part's if it ran first); freshServerPerPoint runs each point on a dev server started for it, with its own worker and intake (the sandbox and the OMS are the run's). In both, the floor runs right after the bulk point on the same server.",
        "ordersPerSecond: orders / time from the release of all orders to the last acknowledgement in the sandbox ledger; releaseToAckMs from each order's release to its acknowledgement. The floor: workflows / time from the first signal to the last completion.",
        'Actions, as Temporal Cloud counts them from a history (bench/lib/cloud-actions.ts): workflow started (incl. continue-as-new), each signal received, each timer started, each search-attribute upsert (except TemporalChangeVersion alone), each activity attempt, each accepted Update. Not in a history and so not counted: queries, heartbeats, rejected Updates.',
        "intakeDuringAcknowledgement: the poller and ack batcher actions from release to the last order processing, divided by the orders; with the benchmark's 2-second polls, mostly polls (production polls every 5 minutes).",
      ],
    };
    const out = JSON.stringify(summary, null, 2);
    console.log(out);
    const dir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = `${dir}scale-${summary.at.replace(/[:.]/g, '-')}.json`;
    writeFileSync(file, `${out}\n`);
    log(`written to ${file}`);
  } finally {
    await nativeConnection.close();
    await connection.close();
    await stopAll();
  }
}

/** The targets, each with what was measured and whether it was met. */
function targets(
  memory: Awaited<ReturnType<typeof memoryPart>> | undefined,
  curve: Awaited<ReturnType<typeof curvePart>> | undefined,
  cost: { bulk: Awaited<ReturnType<typeof costRun>> } | undefined,
) {
  const result: Record<string, { target: string; measured: unknown; met: boolean }> = {};
  if (memory) {
    const idle = memory.steps.map((s) => (s.idle as { rssMb: number }).rssMb);
    result.idleRss = {
      target: 'worker RSS <= 400 MB with 10,000 open orders idle',
      measured: idle,
      met: Math.max(...idle) <= 400,
    };
    result.shippingRss = {
      target: 'worker RSS <= 500 MB while 1,000 are shipped',
      measured: memory.shipping.peakRssMb,
      met: memory.shipping.peakRssMb <= 500,
    };
  }
  for (const [mode, run] of [
    ['SharedServer', curve?.sharedServer],
    ['FreshServerPerPoint', curve?.freshServerPerPoint],
  ] as const) {
    if (!run) continue;
    result[`throughputFlat${mode}`] = {
      target: 'throughput at the largest size within 20 % of the smallest',
      measured: run.largestOverSmallestThroughput,
      met: run.largestOverSmallestThroughput >= 0.8,
    };
    const ratios = run.points.map((p) => p.bulkOverFloor);
    result[`bulkOverFloor${mode}`] = {
      target: 'bulk >= 2x the floor at every size',
      measured: ratios,
      met: Math.min(...ratios) >= 2,
    };
  }
  if (cost) {
    const s = cost.bulk.stages;
    const common = [s.release, s.acknowledgement, s.oneShipment, s.returnWindowClose].reduce(
      (sum, stage) => sum + stage.actions,
      0,
    );
    const perOrder = Number(((common + cost.bulk.intakeDuringAcknowledgement.actions) / cost.bulk.orders).toFixed(1));
    result.actionsPerOrder = {
      target:
        'at most 15 billable actions per order (release, bulk acknowledgement, one shipment, window close), intake share included',
      measured: perOrder,
      met: perOrder <= 15,
    };
  }
  return result;
}

await main();
