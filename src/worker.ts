/**
 * The Temporal worker: `npm run worker`. Runs the order, poller and ack-batcher workflows and the
 * OMS activities on TASK_QUEUE, and the Graph activities on GRAPH_TASK_QUEUE under one
 * task-queue-wide rate limit. SIGINT/SIGTERM shut it down gracefully: in-flight tasks finish first.
 */
import { NativeConnection } from '@temporalio/worker';
import { loadConfig, temporalConnectConfig } from './config.js';
import { installObservability } from './observability/index.js';
import { createDependencies } from './wiring/dependencies.js';
import { runMain } from './wiring/run-main.js';
import { createWorkers, runUntilShutdown } from './wiring/workers.js';

runMain(async () => {
  const config = loadConfig();
  const { connectionOptions, namespace } = temporalConnectConfig();
  // Before any connection: the Runtime carries the JSON logger and the Prometheus exporter.
  const observability = installObservability(config);
  const deps = await createDependencies(config);
  const connection = await NativeConnection.connect(connectionOptions);
  const orderPhases = observability.watchOrderPhases(connection, namespace);
  const intakeHealth = observability.watchIntake(connection, namespace);
  try {
    const workers = await createWorkers({
      connection,
      namespace,
      taskQueue: config.TASK_QUEUE,
      graphTaskQueue: config.GRAPH_TASK_QUEUE,
      graphMaxCallsPerSecond: config.GRAPH_MAX_CALLS_PER_SECOND,
      deps,
    });
    observability.logger.info('worker running', {
      taskQueues: [config.TASK_QUEUE, config.GRAPH_TASK_QUEUE],
      address: connectionOptions.address,
      namespace,
      metrics: observability.metricsAddress,
    });
    await runUntilShutdown(workers);
  } finally {
    await orderPhases.stop();
    await intakeHealth.stop();
    await connection.close();
    await deps.close();
  }
});
