/**
 * The Temporal worker: `npm run worker` (production: `node dist/worker.js`). Runs the order, poller
 * and ack-batcher workflows and the OMS activities on TASK_QUEUE, and the Graph activities on
 * GRAPH_TASK_QUEUE under one task-queue-wide rate limit. SIGINT/SIGTERM shut it down gracefully:
 * in-flight tasks finish first. A merchant's own process calls startWorker instead (src/wiring/start-worker.ts).
 */
import { runMain } from './wiring/run-main.js';
import { startWorker } from './wiring/start-worker.js';
import { onStopSignal } from './wiring/stop-signals.js';

runMain(async () => {
  const worker = await startWorker();
  onStopSignal(() => void worker.shutdown().catch(() => undefined)); // `finished` reports a failure
  await worker.finished;
});
