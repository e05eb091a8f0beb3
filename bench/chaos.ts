/**
 * `npm run chaos [-- N]`: N orders (default 1,000) through worker SIGKILLs (CHAOS_WORKER_KILLS,
 * default 3), a SIGKILL of the Temporal server and a flaky Meta (5xx, lost responses, a throttle
 * burst), then a sample shipped with another worker kill in the middle. Starts its own Temporal dev
 * server (on a SQLite file, so it can be killed and restarted), sandbox, and worker process
 * (`src/worker.ts`, with the reference OMS on disk). Checks from the sandbox ledger, Temporal and the
 * OMS that every order is acknowledged exactly once, none is stuck, and each shipment happened once;
 * prints the figures and writes a JSON summary to bench/results/. Exit code 1 when an invariant
 * fails. Settings: bench/chaos/config.ts (CHAOS_*). A script, not a test.
 */
import { chaosConfigFrom } from './chaos/config.js';
import { referenceOmsInWorker } from './chaos/oms.js';
import { chaosLog, chaosScript } from './chaos/script.js';
import { devServerTemporal } from './chaos/temporal.js';

const config = chaosConfigFrom(process.env, process.argv.slice(2));
if (config.workers !== 1)
  throw new Error('npm run chaos runs one worker (the reference OMS lives in it); see npm run chaos:cluster');
await chaosScript('chaos', config, async (dir) => ({
  temporal: await devServerTemporal(dir, chaosLog),
  oms: referenceOmsInWorker(dir),
}));
