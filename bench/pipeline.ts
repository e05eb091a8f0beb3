/**
 * `npm run bench [-- N]`: the order pipeline's throughput, latency, Graph calls per order and
 * memory, measured on this machine against two baselines in the same run:
 *   - `single` mode: one acknowledge call per order, the way existing integrations work;
 *   - the floor: a workflow doing the same number of activity calls with no Graph or OMS work.
 * Starts its own dev server, sandbox (a child process, so the worker's memory is its own) and
 * reference OMS. Prints one JSON summary and writes it to bench/results/. A script, not a test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { GraphClient } from '../src/graph/client.js';
import { ReferenceOms } from '../src/oms/reference/index.js';
import { mapConcurrently } from '../src/util/concurrency.js';
import { SandboxAdminClient } from '../sandbox/admin-client.js';
import type { LedgerSnapshot } from '../sandbox/index.js';
import { bundleWorkflows } from '../src/wiring/bundle.js';
import { startDevServer } from '../src/dev-tools/dev-server.js';
import { startIntake } from '../src/intake/start-intake.js';
import { createWorkers } from '../src/wiring/workers.js';
import type { AckMode } from '../src/api/ack-modes.js';
import { pollerStatusQuery } from '../src/api/poller-messages.js';
import type { OrderPolicyOverrides } from '../src/order/policy.js';
import { goSignal } from './floor-workflow.js';
import { countEffects } from './support/ledger.js';
import { childPidsNamed, cpuSecondsOf, startSandboxProcess } from './support/processes.js';
import { ackBatcherWorkflowId, orderPollerWorkflowId } from '../src/api/ids.js';

const ORDERS = Number(process.argv[2] ?? process.env.BENCH_ORDERS ?? 2_000);
/** Which parts to run (all three by default; the ratios need all three). */
const MODES = new Set((process.env.BENCH_MODES ?? 'bulk,single,floor').split(',').map((m) => m.trim()));
const TOKEN = 'bench-token';
/**
 * An order's own OMS steps from release to processing, one activity each in the per-order design:
 * reserve inventory and mark the OMS order processing. (In bulk mode the batch now marks processing
 * for up to 100 orders at once and reserving happens before release; the floor keeps both, so it
 * stands for what one order costs Temporal without batching.) The floor workflow makes as many
 * no-op calls after its signal.
 */
const FLOOR_ACTIVITY_CALLS = 2;
/**
 * Orders wait for the poller's signal; no fast refresh timers competing with the pipeline. The
 * wait for the ack batcher is the production default (10 min), as a merchant would run it.
 */
const BENCH_POLICY: OrderPolicyOverrides = {
  releaseRefresh: { initialMs: 10 * 60_000, factor: 2, maxMs: 30 * 60_000 },
  refreshIntervalMs: 6 * 3_600_000,
};

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The dev server's pid: the Temporal CLI process among this process's children. */
function devServerPid(): number | undefined {
  return childPidsNamed('temporal').at(-1);
}

interface Processes {
  devServer: number | undefined;
  sandbox: number | undefined;
}

/** CPU seconds spent from now until `read()` by this process, the dev server and the sandbox: where the time goes. */
function cpuMeter(processes: Processes): { read(): Record<'worker' | 'devServer' | 'sandbox', number | undefined> } {
  const before = {
    worker: process.cpuUsage(),
    devServer: cpuSecondsOf(processes.devServer),
    sandbox: cpuSecondsOf(processes.sandbox),
  };
  const round = (n: number | undefined) => (n === undefined ? undefined : Number(n.toFixed(1)));
  const since = (pid: number | undefined, start: number | undefined) => {
    const now = cpuSecondsOf(pid);
    return round(start === undefined || now === undefined ? undefined : now - start);
  };
  return {
    read() {
      const worker = process.cpuUsage(before.worker);
      return {
        worker: round((worker.user + worker.system) / 1e6),
        devServer: since(processes.devServer, before.devServer),
        sandbox: since(processes.sandbox, before.sandbox),
      };
    },
  };
}

/** Peak RSS of this process (the worker, its Graph client and the reference OMS) while `work` runs. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  try {
    const result = await work();
    return { result, peakRssMb: Math.round(peak / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
}

interface World {
  client: Client;
  nativeConnection: NativeConnection;
  namespace: string;
  admin: SandboxAdminClient;
  graph: GraphClient;
  oms: ReferenceOms;
  cmsId: string;
  productBundle: string;
  processes: Processes;
}

async function runPipeline(world: World, mode: AckMode) {
  const taskQueue = `bench-orders-${mode}`;
  const graphTaskQueue = `bench-graph-${mode}`;
  const workers = await createWorkers({
    connection: world.nativeConnection,
    namespace: world.namespace,
    taskQueue,
    graphTaskQueue,
    graphMaxCallsPerSecond: 2_000,
    deps: { graph: world.graph, oms: world.oms, throttleFloorMs: 1_000 },
    workflowBundle: { code: world.productBundle },
  });
  const running = Promise.all(workers.map((w) => w.run()));
  try {
    return await withPeakRss(async () => {
      await sleep(1_100); // the poller's mark (whole seconds) must pass the previous mode's orders
      const before = await world.admin.getLedger();
      await startIntake(world.client, {
        cmsId: world.cmsId,
        taskQueue,
        graphTaskQueue,
        ackMode: mode,
        pollIntervalMs: 2_000,
        ackFlushAfterMs: 300,
        orderPolicy: BENCH_POLICY as Record<string, unknown>,
        initialLookbackSeconds: 0,
        overlapSeconds: 0,
      });
      const created = await world.admin.createOrders({
        count: ORDERS,
        items: [{ retailerId: 'BENCH-SKU', quantity: 1, pricePerUnit: '10.00' }],
      });
      const ids = new Set(created.map((o) => o.id));
      log(`${mode}: ${ORDERS} orders created; waiting until every workflow has read its order and reserved stock`);
      while ((await world.oms.reservationCount([...ids])) < ids.size) await sleep(1_000);
      const cpu = cpuMeter(world.processes);
      const releasedAt = Date.now();
      await world.admin.release([...ids]);
      await world.client.workflow.getHandle(orderPollerWorkflowId(world.cmsId)).signal('pollNow');
      log(`${mode}: released; waiting for every acknowledgement`);
      // A light check (the sandbox's IN_PROGRESS list); times come from the ledger and the OMS after.
      for (;;) {
        const acked = (await world.admin.listOrders('IN_PROGRESS')).filter((o) => ids.has(o.id)).length;
        if (acked >= ORDERS) break;
        if (Date.now() - releasedAt > 30 * 60_000)
          throw new Error(`${mode}: only ${acked}/${ORDERS} acknowledged after 30 minutes`);
        await sleep(500);
      }
      // Graph calls are counted up to here: the poller's 2-second rounds would otherwise keep adding.
      const after = await world.admin.getLedger();
      // The end of this stretch for the order: the OMS order marked processing after Meta's answer.
      let oms: Awaited<ReturnType<ReferenceOms['processingProgress']>>;
      while ((oms = await world.oms.processingProgress([...ids])).processing < ORDERS) await sleep(500);
      const cpuSeconds = cpu.read();
      const releaseAt = new Map<string, number>();
      const ackAt = new Map<string, number>();
      for (const e of after.effects) {
        if (!e.orderId || !ids.has(e.orderId)) continue;
        if (e.kind === 'release') releaseAt.set(e.orderId, Date.parse(e.at));
        if (e.kind === 'acknowledge' && !ackAt.has(e.orderId)) ackAt.set(e.orderId, Date.parse(e.at));
      }
      const latencies = [...ackAt].map(([id, at]) => at - (releaseAt.get(id) ?? releasedAt)).sort((a, b) => a - b);
      const doneAt = Math.max(...ackAt.values());
      const omsDoneAt = oms.lastProcessingAt!.getTime();
      const delta = (pick: (l: LedgerSnapshot) => number) => pick(after) - pick(before);
      const ackCounts = countEffects(after, ids, 'acknowledge');
      const ackCalls = delta(
        (l) =>
          (l.calls.byEndpoint['POST acknowledge_order'] ?? 0) + (l.calls.byEndpoint['POST acknowledge_orders'] ?? 0),
      );
      const poller = world.client.workflow.getHandle(orderPollerWorkflowId(world.cmsId));
      const pollerTotals = (await poller.query(pollerStatusQuery)).totals;
      await poller.terminate('benchmark mode done');
      if (mode === 'bulk')
        await world.client.workflow.getHandle(ackBatcherWorkflowId(world.cmsId)).terminate('benchmark mode done');
      return {
        ordersPerSecond: Number((ORDERS / ((doneAt - releasedAt) / 1000)).toFixed(1)),
        releaseToAckMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies.at(-1) },
        graphCallsPerOrder: Number((delta((l) => l.calls.total) / ORDERS).toFixed(3)),
        acknowledgeCalls: ackCalls,
        throttledCalls: delta((l) => l.throttled.total),
        ordersHandedToAckBatcherByPoller: pollerTotals?.handedToAckBatcher ?? 0,
        duplicateAcknowledgements: [...ackCounts.values()].filter((n) => n > 1).length,
        duplicateEffectsAnyKind: delta((l) => l.rejectedDuplicates.total),
        elapsedMs: doneAt - releasedAt,
        omsProcessing: {
          ordersPerSecond: Number((ORDERS / ((omsDoneAt - releasedAt) / 1000)).toFixed(1)),
          elapsedMs: omsDoneAt - releasedAt,
        },
        cpuSeconds,
      };
    });
  } finally {
    for (const w of workers) w.shutdown();
    await running;
  }
}

async function runFloor(world: World) {
  const taskQueue = 'bench-floor';
  const worker = await Worker.create({
    connection: world.nativeConnection,
    namespace: world.namespace,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./floor-workflow.ts', import.meta.url)),
    activities: { noop: async (step: number) => step },
  });
  const running = worker.run();
  try {
    return await withPeakRss(async () => {
      const ids = Array.from({ length: ORDERS }, (_, i) => `bench-floor-${Date.now()}-${i}`);
      await mapConcurrently(ids, 50, (workflowId) =>
        world.client.workflow.start('benchFloorWorkflow', { taskQueue, workflowId, args: [FLOOR_ACTIVITY_CALLS] }),
      );
      await sleep(2_000);
      const cpu = cpuMeter(world.processes);
      const startedAt = Date.now();
      await mapConcurrently(ids, 100, (id) => world.client.workflow.getHandle(id).signal(goSignal));
      await mapConcurrently(ids, 100, (id) => world.client.workflow.getHandle(id).result());
      const elapsed = Date.now() - startedAt;
      return {
        ordersPerSecond: Number((ORDERS / (elapsed / 1000)).toFixed(1)),
        activityCallsPerWorkflow: FLOOR_ACTIVITY_CALLS,
        elapsedMs: elapsed,
        cpuSeconds: cpu.read(),
      };
    });
  } finally {
    worker.shutdown();
    await running;
  }
}

async function main() {
  // No SDK signal handling: by default the Runtime turns SIGINT/SIGTERM into a worker shutdown, and
  // the benchmark's wait loops then ran on forever. Interrupted, it stops its children and exits.
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  log(`pipeline benchmark with ${ORDERS} orders per mode on ${cpus().length} cores`);
  const server = await startDevServer({ log });
  const sandbox = await startSandboxProcess({
    SANDBOX_ACCESS_TOKEN: TOKEN,
    SANDBOX_RELEASE_DELAY_MS: String(24 * 3_600_000),
    SANDBOX_RATE_LIMIT_CALLS: '10000000',
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      sandbox.child.kill('SIGTERM');
      void server.stop().finally(() => process.exit(130));
    });
  }
  const admin = new SandboxAdminClient(sandbox.url);
  const oms = await ReferenceOms.open();
  await oms.seedProducts([{ retailerId: 'BENCH-SKU', name: 'Benchmark item', onHand: 10_000_000 }]);
  const graph = new GraphClient({
    baseUrl: sandbox.url,
    apiVersion: 'v22.0',
    accessToken: TOKEN,
    timeoutMs: 15_000,
    connections: 32,
  });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const { code: productBundle } = await bundleWorkflows(new DefaultLogger('ERROR'));
  const settings = await admin.getSettings();
  const world: World = {
    client: new Client({ connection, namespace: server.namespace }),
    nativeConnection,
    namespace: server.namespace,
    admin,
    graph,
    oms,
    cmsId: settings.cmsId,
    productBundle,
    processes: { devServer: devServerPid(), sandbox: sandbox.child.pid },
  };
  try {
    const bulk = MODES.has('bulk') ? await runPipeline(world, 'bulk') : undefined;
    if (bulk) log(`bulk: ${JSON.stringify(bulk)}`);
    const single = MODES.has('single') ? await runPipeline(world, 'single') : undefined;
    if (single) log(`single: ${JSON.stringify(single)}`);
    const floor = MODES.has('floor') ? await runFloor(world) : undefined;
    if (floor) log(`floor: ${JSON.stringify(floor)}`);
    const ratio = (a: number | undefined, b: number | undefined) =>
      a === undefined || b === undefined ? undefined : Number((a / b).toFixed(2));
    const part = <T extends object>(m: { result: T; peakRssMb: number } | undefined) =>
      m && { ...m.result, workerPeakRssMb: m.peakRssMb };
    const summary = {
      benchmark: 'order pipeline: release -> acknowledged',
      at: new Date().toISOString(),
      orders: ORDERS,
      machine: { cores: cpus().length, node: process.version },
      bulk: part(bulk),
      single: part(single),
      floor: part(floor),
      ratios: {
        singleOverBulkGraphCallsPerOrder: ratio(single?.result.graphCallsPerOrder, bulk?.result.graphCallsPerOrder),
        bulkThroughputOverFloor: ratio(bulk?.result.ordersPerSecond, floor?.result.ordersPerSecond),
        bulkToOmsProcessingOverFloor: ratio(bulk?.result.omsProcessing.ordersPerSecond, floor?.result.ordersPerSecond),
        singleThroughputOverFloor: ratio(single?.result.ordersPerSecond, floor?.result.ordersPerSecond),
      },
      notes: [
        'ordersPerSecond: orders / time from the release of all orders to the last acknowledgement in the sandbox ledger; the floor: workflows / time from their signal to their completion.',
        'graphCallsPerOrder counts every Graph call the sandbox received in the mode (polls, reads, acknowledgements) divided by the orders.',
        "omsProcessing: the same, up to the last OMS order marked processing (the order workflow's last step of this stretch).",
        'cpuSeconds: CPU time used in the measured stretch (release to the last OMS order processing; for the floor, signal to completion) by this process (worker, Graph client, reference OMS), the dev server and the sandbox (Linux /proc).',
        'BENCH_MODES=bulk,floor (say) runs only those parts; ratios need the parts they compare.',
        'workerPeakRssMb is this process: worker, Graph client and the in-memory reference OMS (PGlite, about 0.5-0.8 GB by itself); the sandbox and the dev server run in their own processes.',
      ],
    };
    const out = JSON.stringify(summary, null, 2);
    console.log(out);
    const dir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = `${dir}pipeline-${summary.at.replace(/[:.]/g, '-')}.json`;
    writeFileSync(file, `${out}\n`);
    log(`written to ${file}`);
  } finally {
    await nativeConnection.close();
    await connection.close();
    await graph.close();
    await oms.close();
    sandbox.child.kill('SIGTERM');
    await server.stop();
  }
}

await main();
