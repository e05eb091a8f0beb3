/**
 * Builds the two workers of one process:
 *   - TASK_QUEUE:       order, poller and ack-batcher workflows, and the OMS activities;
 *   - GRAPH_TASK_QUEUE: the Graph activities, under one task-queue-wide rate limit that the server
 *                       enforces across every worker (Meta's page budget is global, not per process).
 */
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { observeGraphClient } from '../observability/index.js';
import { workflowsPath } from './paths.js';

export interface CreateWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  graphTaskQueue: string;
  graphMaxCallsPerSecond: number;
  deps: ActivityDeps;
  /** A pre-built bundle (tests build one per run); otherwise the workflows are bundled here. */
  workflowBundle?: WorkflowBundleOption;
  /** Identity suffix shown in the Web UI. */
  identity?: string;
}

export async function createWorkers(options: CreateWorkersOptions): Promise<Worker[]> {
  // The Graph client, observed: calls by endpoint and outcome, throttles, usage, in the worker's metrics.
  const activities = createActivities({ ...options.deps, graph: observeGraphClient(options.deps.graph) });
  const workflowSource = options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: workflowsPath() };
  const identity = options.identity ?? `${process.pid}`;
  const orderWorker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    identity: `orders@${identity}`,
    ...workflowSource,
    activities: activities.orders,
  });
  const graphWorker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.graphTaskQueue,
    identity: `graph@${identity}`,
    activities: activities.graph,
    maxTaskQueueActivitiesPerSecond: options.graphMaxCallsPerSecond,
  });
  return [orderWorker, graphWorker];
}

/** Runs workers until every one has stopped; SIGINT/SIGTERM start a graceful shutdown (the SDK's default). */
export async function runUntilShutdown(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.run()));
}

