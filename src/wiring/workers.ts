/**
 * Builds the three workers of one process:
 *   - TASK_QUEUE:          order workflows and the OMS activities;
 *   - TASK_QUEUE-intake:   the poller and the ack batcher, on a queue of their own so that their
 *                          workflow tasks never wait behind thousands of order tasks (a batcher
 *                          stuck in that line holds every order's acknowledgement), and the one
 *                          OMS activity they use (notifyOps, when intake pauses); their workflows
 *                          run on the main thread (ON_THE_MAIN_THREAD), the order workflows on a
 *                          workflow thread of their own;
 *   - GRAPH_TASK_QUEUE:    the Graph activities, under one task-queue-wide rate limit that the server
 *                          enforces across every worker (Meta's page budget is global, not per process).
 */
import { setFlagsFromString } from 'node:v8';
import type { DataConverter } from '@temporalio/common';
import {
  Runtime,
  Worker,
  type NativeConnection,
  type WorkerOptions,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { observeGraphClient, recordPollSuccess } from '../observability/index.js';
import { traceOmsPort } from '../observability/spans.js';
import type { Tracing } from '../observability/tracing.js';
import {
  bundleOptionsFor,
  bundleWorkflows,
  prebuiltBundleFileName,
  prebuiltWorkflowBundle,
  type WorkflowBundleVariant,
} from './bundle.js';

export interface CreateWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  graphTaskQueue: string;
  graphMaxCallsPerSecond: number;
  deps: ActivityDeps;
  /**
   * A pre-built bundle (tests build one per run; with `dataConverter`, one built with its failure
   * converter); otherwise the one `npm run build` wrote to dist/ for these options, and when
   * running from the sources, the workflows are bundled here.
   */
  workflowBundle?: WorkflowBundleOption;
  /** Payload encryption (src/codec/): the codec for every payload, and its failure converter. */
  dataConverter?: DataConverter;
  /** Identity suffix shown in the Web UI. */
  identity?: string;
  /**
   * Tracing on (startTracing): the activity interceptors and the workflow span sink on every worker,
   * and the workflow code from the bundle with the tracing interceptors.
   */
  tracing?: Tracing;
  /**
   * Order workflows kept in the sticky cache (WORKFLOW_CACHE_SIZE). Default: the SDK's, which grows
   * with the process's heap limit (thousands on a large machine) and so with the open orders.
   */
  maxCachedWorkflows?: number;
  /** V8 heap limit in MB of the workflow threads (WORKFLOW_HEAP_MB). Default: Node's. */
  workflowHeapMb?: number;
}

/** The poller and the ack batcher: one of each per account, so a small cache holds them all. */
const INTAKE_CACHED_WORKFLOWS = 10;

/**
 * The intake worker runs its workflows on the process's main thread instead of a workflow thread
 * of its own: a second thread is a second V8 isolate with the whole bundle loaded and a heap that
 * grows to WORKFLOW_HEAP_MB (measured: about 25-35 MB of RSS for two workflows that do little).
 * Its task queue and its pollers stay its own, so a flood of order tasks still cannot delay a
 * poller or batcher task; on the main thread its activations wait at most behind activity
 * callbacks, never behind the order workflows' thread. `debugMode` is the SDK's only switch for
 * this (it also lets a debugger in, which costs nothing unattached); it lifts the execution
 * deadline, so the SDK's default 5 s is set back: a runaway activation fails its task instead of
 * blocking the thread. `isolateExecutionTimeout` is read by Worker.create but not in its
 * public type, hence the cast.
 */
const ON_THE_MAIN_THREAD = { debugMode: true, isolateExecutionTimeout: '5s' } as Pick<WorkerOptions, 'debugMode'>;

/**
 * Caps the heap of the isolates created from now on: the workflow threads, which Worker.create
 * starts and which hold every cached workflow. (V8 flags set at run time do not resize the main
 * thread's heap, already made; NODE_OPTIONS=--max-old-space-size does that.) A workflow thread
 * that reaches it is ended by Node and the worker fails, rather than the machine swapping: the
 * cache size is what keeps it well below.
 */
function capWorkflowThreadHeap(megabytes: number | undefined): void {
  if (megabytes !== undefined) setFlagsFromString(`--max-old-space-size=${megabytes}`);
}

export async function createWorkers(options: CreateWorkersOptions): Promise<Worker[]> {
  // The Graph client, observed: calls by endpoint and outcome, throttles, usage, in the worker's
  // metrics, each call a span; each OMS call a span too (no-ops while tracing is off).
  const activities = createActivities({
    ...options.deps,
    graph: observeGraphClient(options.deps.graph),
    oms: traceOmsPort(options.deps.oms),
  });
  // When a poll last succeeded, per account: half of the intake health metrics (observability/intake-health.ts).
  activities.graph.pollOrders = recordPollSuccess(activities.graph.pollOrders, Runtime.instance().metricMeter);
  const variant: WorkflowBundleVariant = {
    traced: options.tracing !== undefined,
    encryptedFailures: options.dataConverter?.failureConverterPath !== undefined,
  };
  const workflowBundle =
    options.workflowBundle ?? prebuiltBundleLogged(variant) ?? (await bundleForThisProcess(variant));
  const identity = options.identity ?? `${process.pid}`;
  // Tracing's interceptors, and the data converter when payloads are encrypted: the same for all three.
  const sharedOptions = {
    ...options.tracing?.workerOptions,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
  };
  capWorkflowThreadHeap(options.workflowHeapMb);
  const orderWorker = await Worker.create({
    ...sharedOptions,
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    identity: `orders@${identity}`,
    workflowBundle,
    activities: activities.orders,
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
  });
  const graphWorker = await Worker.create({
    ...sharedOptions,
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.graphTaskQueue,
    identity: `graph@${identity}`,
    activities: activities.graph,
    maxTaskQueueActivitiesPerSecond: options.graphMaxCallsPerSecond,
  });
  const intakeWorker = await Worker.create({
    ...sharedOptions,
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: intakeTaskQueue(options.taskQueue),
    identity: `intake@${identity}`,
    workflowBundle,
    maxCachedWorkflows: INTAKE_CACHED_WORKFLOWS,
    ...ON_THE_MAIN_THREAD,
    // A paused poller or batcher tells ops through the OMS (src/intake/intake-attention.ts).
    activities: { notifyOps: activities.orders.notifyOps },
  });
  return [orderWorker, intakeWorker, graphWorker];
}

/** The poller's and the ack batcher's task queue, next to the order queue it serves. */
export function intakeTaskQueue(orderTaskQueue: string): string {
  return `${orderTaskQueue}-intake`;
}

/** The bundle `npm run build` made for this variant, if this is a built tree; says so in the log. */
function prebuiltBundleLogged(variant: WorkflowBundleVariant): WorkflowBundleOption | undefined {
  const bundle = prebuiltWorkflowBundle(variant);
  if (bundle) Runtime.instance().logger.info(`workflow code: prebuilt ${bundle.codePath}`);
  return bundle;
}

/** Bundles the workflow code once for this process's workers, logging through the runtime's logger. */
async function bundleForThisProcess(variant: WorkflowBundleVariant): Promise<WorkflowBundleOption> {
  const logger = Runtime.instance().logger;
  const startedAt = Date.now();
  const bundle = await bundleWorkflows(logger, bundleOptionsFor(variant));
  logger.info(
    `workflow code bundled in ${Date.now() - startedAt} ms (${(bundle.code.length / 2 ** 20).toFixed(1)} MiB, as ${prebuiltBundleFileName(variant)} would be)`,
  );
  return bundle;
}
