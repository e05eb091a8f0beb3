/**
 * One test file's world: the sandbox on a random port, a reference OMS in memory, a Graph client,
 * and real workers on unique task queues of the run's shared dev server.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Worker } from '@temporalio/worker';
import type { OmsPort } from '../../src/api/oms-port.js';
import { OrderClient } from '../../src/client/index.js';
import { GraphClient } from '../../src/graph/client.js';
import { ReferenceOms } from '../../src/oms/reference/index.js';
import { SandboxAdminClient } from '../../sandbox/admin-client.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.js';
import type { SandboxOptionsInput } from '../../sandbox/options.js';
import { startIntake } from '../../src/intake/start-intake.js';
import { createWorkers } from '../../src/wiring/workers.js';
import type { OrderWorkflowInput } from '../../src/order/workflow.js';
import { NON_RETRYABLE_GRAPH_ERRORS, type OrderPolicyOverrides } from '../../src/order/policy.js';
import { connectToTestServer, uniqueTaskQueue, type TemporalHarness } from './harness.js';
import { orderWorkflowId } from '../../src/api/ids.js';

/** The Temporal tests' one wait: in harness.ts so that harness.test.ts needs no world; most files take it from here. */
export { eventually } from './harness.js';

export const SANDBOX_TOKEN = 'test-token-abc123';

/** Production code paths on a test clock: seconds instead of minutes and days. */
export const FAST_POLICY: OrderPolicyOverrides = {
  releaseRefresh: { initialMs: 300, factor: 1.5, maxMs: 1_000 },
  refreshIntervalMs: 1_000,
  returnWindowRefreshMs: 1_000,
  returnWindowMs: 3_000,
  ackBatchTimeoutMs: 3_000,
  graphReadRetry: {
    initialInterval: 100,
    backoffCoefficient: 2,
    maximumInterval: 1_000,
    nonRetryableErrorTypes: NON_RETRYABLE_GRAPH_ERRORS,
  },
  graphWriteRetry: {
    initialInterval: 100,
    backoffCoefficient: 2,
    maximumInterval: 1_000,
    maximumAttempts: 5,
    nonRetryableErrorTypes: NON_RETRYABLE_GRAPH_ERRORS,
  },
  omsRetry: { initialInterval: 100, backoffCoefficient: 2, maximumInterval: 1_000 },
  graphAttemptTimeoutMs: 10_000,
  omsAttemptTimeoutMs: 10_000,
};

export interface OrderWorld {
  harness: TemporalHarness;
  /** The client the world starts orders with and `orders` wraps (with options.dataConverter, if any). */
  client: Client;
  sandbox: RunningSandbox;
  admin: SandboxAdminClient;
  oms: ReferenceOms;
  graph: GraphClient;
  orders: OrderClient;
  taskQueue: string;
  graphTaskQueue: string;
  cmsId: string;
  /** Workflow ids this world started, in order. */
  started: string[];
  startOrder(orderId: string, overrides?: Partial<OrderWorkflowInput>): Promise<void>;
  /** Stops this file's workers (for tests that run their own). */
  stopWorkers(): Promise<void>;
  startWorkers(): Promise<void>;
  close(): Promise<void>;
}

export interface OrderWorldOptions {
  sandbox?: SandboxOptionsInput;
  /** Start without workers (a test that runs its own worker processes). */
  withoutWorkers?: boolean;
  graphMaxCallsPerSecond?: number;
  /** Page size of the poller's commerce_orders reads. */
  pollPageSize?: number;
  /** Payload encryption: the workers and the world's client use it (the bundle must be built for it). */
  dataConverter?: DataConverter;
  /** Instead of the run's shared workflow bundle. */
  workflowBundlePath?: string;
  /** The OMS the workers call, around the world's reference OMS (a test that makes a call fail). */
  wrapOms?: (oms: ReferenceOms) => OmsPort;
}

export async function createOrderWorld(options: OrderWorldOptions = {}): Promise<OrderWorld> {
  const harness = await connectToTestServer();
  // Orders are released by the test (admin release), not by the clock, unless a test says otherwise.
  // A random id range per world: test files share one dev server, and workflow ids derive from order ids.
  const firstId = 400_000_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1_000_000_000;
  // A commerce account of its own too: the poller and ack batcher ids derive from it.
  const accountId = String(1_000_000_000_000_000 + Math.floor(Math.random() * 1_000_000_000));
  const sandbox = await startSandbox({
    port: 0,
    accessToken: SANDBOX_TOKEN,
    releaseDelayMs: 3_600_000,
    firstId,
    cmsId: accountId,
    ...options.sandbox,
  });
  const cmsId = sandbox.options.cmsId;
  const admin = new SandboxAdminClient(sandbox.url);
  const oms = await ReferenceOms.open();
  const graph = new GraphClient({
    baseUrl: sandbox.url,
    apiVersion: 'v22.0',
    accessToken: SANDBOX_TOKEN,
    // Below the activities' 10 s attempt timeout, well above a loaded machine's slowest answer: a
    // client timeout here would retry the call, and tests count calls (no test uses hung answers).
    timeoutMs: 8_000,
  });
  const taskQueue = uniqueTaskQueue('orders');
  const graphTaskQueue = uniqueTaskQueue('graph');
  const started: string[] = [];
  const client = options.dataConverter
    ? new Client({
        connection: harness.client.connection,
        namespace: harness.namespace,
        dataConverter: options.dataConverter,
      })
    : harness.client;
  let workers: Worker[] = [];
  let running: Promise<unknown> = Promise.resolve();

  async function startWorkers() {
    workers = await createWorkers({
      connection: harness.nativeConnection,
      namespace: harness.namespace,
      taskQueue,
      graphTaskQueue,
      graphMaxCallsPerSecond: options.graphMaxCallsPerSecond ?? 1_000,
      deps: {
        graph,
        oms: options.wrapOms ? options.wrapOms(oms) : oms,
        throttleFloorMs: 200,
        maxPaceMs: 100,
        pollPageSize: options.pollPageSize,
      },
      workflowBundle: { codePath: options.workflowBundlePath ?? harness.workflowBundlePath },
      dataConverter: options.dataConverter,
      identity: `test-${taskQueue}`,
    });
    running = Promise.all(workers.map((w) => w.run()));
  }
  async function stopWorkers() {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await running;
    workers = [];
  }
  if (!options.withoutWorkers) await startWorkers();

  return {
    harness,
    sandbox,
    admin,
    oms,
    graph,
    client,
    orders: new OrderClient(client),
    taskQueue,
    graphTaskQueue,
    cmsId,
    started,
    async startOrder(orderId, overrides = {}) {
      started.push(orderWorkflowId(orderId));
      await client.workflow.start('orderWorkflow', {
        workflowId: orderWorkflowId(orderId),
        taskQueue,
        args: [
          {
            orderId,
            cmsId,
            graphTaskQueue,
            ackMode: 'single',
            policy: FAST_POLICY,
            ...overrides,
          } satisfies OrderWorkflowInput,
        ],
      });
    },
    stopWorkers,
    startWorkers,
    async close() {
      await stopWorkers();
      await sandbox.close();
      await oms.close();
      await graph.close();
      await harness.close();
    },
  };
}

export const HISTORIES_DIR = new URL('../histories/', import.meta.url);

/** Writes the history of every workflow a world started, for the replay test. */
export async function recordHistories(world: OrderWorld, prefix: string): Promise<void> {
  for (const [index, workflowId] of world.started.entries())
    await recordHistory(world, workflowId, `${prefix}-${String(index + 1).padStart(2, '0')}`);
}

/** Writes one workflow's history (so far: a running workflow replays up to its last event) as `<name>.json`. */
export async function recordHistory(world: OrderWorld, workflowId: string, name: string): Promise<void> {
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const history = await world.harness.client.workflow.getHandle(workflowId).fetchHistory();
  // protobufjs's object form (enums as names, int64 and bytes as strings): readable in review and
  // read back exactly by History.fromObject in the replay test.
  const json = temporal.api.history.v1.History.toObject(
    temporal.api.history.v1.History.fromObject(history),
    HISTORY_JSON_OPTIONS,
  );
  writeFileSync(new URL(`${name}.json`, HISTORIES_DIR), `${JSON.stringify(json, null, 1)}\n`);
}

export const HISTORY_JSON_OPTIONS = { enums: String, longs: String, bytes: String, defaults: false } as const;

/**
 * Starts this world's order poller in single-acknowledgement mode, polling every second from an
 * hour back, orders started with FAST_POLICY and the given return window: enough for a test about
 * what the poller tells orders (late changes, reopening).
 */
export async function startSinglePoller(world: OrderWorld, returnWindowMs: number): Promise<void> {
  await startIntake(world.harness.client, {
    cmsId: world.cmsId,
    taskQueue: world.taskQueue,
    graphTaskQueue: world.graphTaskQueue,
    ackMode: 'single',
    pollIntervalMs: 1_000,
    orderPolicy: { ...FAST_POLICY, returnWindowMs } as Record<string, unknown>,
    initialLookbackSeconds: 3_600,
  });
}
