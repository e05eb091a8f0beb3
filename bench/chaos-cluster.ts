/**
 * `npm run chaos:cluster [-- N]`: the chaos run (bench/chaos.ts) against a cluster shaped like
 * production: the Temporal server built from source on PostgreSQL 15 (Debian's package), schema,
 * namespace and search attributes applied by deploy/temporal/'s scripts, three worker processes
 * with the signed-HTTP OMS adapter (the reference OMS behind an endpoint in this process). Kills one
 * worker (CHAOS_WORKER_KILLS=1) and the Temporal server once by default. Needs Go (the first run
 * builds the server into .tools/, minutes) and PostgreSQL 15 in /usr/lib/postgresql/15. Not run by
 * CI (it takes longer than CI's budget allows for it).
 */
import { clusterTemporal } from './chaos/cluster.js';
import { chaosConfigFrom } from './chaos/config.js';
import { referenceOmsOverHttp } from './chaos/oms.js';
import { chaosLog, chaosScript } from './chaos/script.js';

const config = chaosConfigFrom({ CHAOS_WORKERS: '3', CHAOS_WORKER_KILLS: '1', ...process.env }, process.argv.slice(2));
await chaosScript('chaos-cluster', config, async (dir) => ({
  temporal: await clusterTemporal(dir, chaosLog),
  oms: referenceOmsOverHttp(chaosLog),
}));
