/**
 * The Temporal worker: `npm run worker`. Runs the order workflows and OMS activities on TASK_QUEUE,
 * and the Graph activities on GRAPH_TASK_QUEUE under one task-queue-wide rate limit.
 * Stops gracefully on SIGINT/SIGTERM (in-flight activities finish, then the process exits).
 */
import { loadConfig, temporalConnectConfig } from './config.js';
import { runMain } from './runtime/run-main.js';

runMain(async () => {
  const config = loadConfig();
  const { connectionOptions, namespace } = temporalConnectConfig();
  const { runWorkers } = await import('./temporal/workers.js');
  await runWorkers({ config, connectionOptions, namespace });
});
