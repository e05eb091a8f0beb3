/**
 * The benchmark's worker: `startWorker` (what `npm run worker` runs) in a process of its own, so
 * its memory is measured alone, with the workflow code from a bundle file (as in production, no
 * webpack in the process). Settings from the environment. Answers `{ type: 'memory' }` over IPC
 * with its process.memoryUsage() in MiB; SIGTERM drains it.
 */
import { startWorker } from '../src/wiring/start-worker.js';
import { onStopSignal } from '../src/wiring/stop-signals.js';

const codePath = process.env.BENCH_WORKFLOW_BUNDLE;
const worker = await startWorker(codePath ? { workflowBundle: { codePath } } : {});
onStopSignal(() => void worker.shutdown().catch(() => undefined));
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
process.on('message', (message: { type?: string }) => {
  if (message.type !== 'memory') return;
  // With --expose-gc (BENCH_WORKER_NODE_FLAGS), the main thread's garbage is collected first.
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  process.send?.({
    type: 'memory',
    rssMb: mb(usage.rss),
    heapUsedMb: mb(usage.heapUsed),
    heapTotalMb: mb(usage.heapTotal),
    externalMb: mb(usage.external),
  });
});
process.send?.({ type: 'ready' });
await worker.finished;
process.exit(0);
