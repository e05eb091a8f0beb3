/**
 * Throughput of the Commerce API sandbox on loopback: order listing and acknowledgements (single
 * and bulk), over a pool of keep-alive connections, with the sandbox in its own process as
 * `npm run sandbox` runs it. Prints a JSON summary.
 *
 *   node --import tsx bench/sandbox.ts      (BENCH_SECONDS=5 BENCH_CONCURRENCY=32)
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Pool } from 'undici';
import { SandboxAdminClient } from '../sandbox/admin-client.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const TOKEN = 'bench-token';
const VERSION = 'v22.0';

interface PhaseResult {
  requests: number;
  ok: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 100) / 100;
}

/** Runs `worker` on CONCURRENCY lanes until the time is up or `worker` says there is no more work. */
async function phase(worker: () => Promise<boolean | 'done'>): Promise<PhaseResult> {
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const outcome = await worker();
        if (outcome === 'done') return;
        latencies.push(performance.now() - t0);
        if (outcome) ok += 1;
        else errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    ok,
    errors,
    seconds: Math.round(seconds * 100) / 100,
    requestsPerSecond: Math.round(latencies.length / seconds),
    latencyMs: {
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    },
  };
}

async function startChild(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts'], {
    env: {
      ...process.env,
      SANDBOX_PORT: '0',
      SANDBOX_ACCESS_TOKEN: TOKEN,
      SANDBOX_RELEASE_DELAY_MS: '0',
      // Meta's page budget would throttle a benchmark within seconds; measure the server, not the limit.
      SANDBOX_RATE_LIMIT_CALLS: '100000000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 20_000;
  let url: string | undefined;
  while (!(url = /listening on (http:\/\/\S+)/.exec(output)?.[1]) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!url) {
    child.kill('SIGTERM');
    throw new Error(`sandbox did not start: ${output}`);
  }
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function createOrders(admin: SandboxAdminClient, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let left = count; left > 0; left -= 5_000) {
    const batch = await admin.createOrders({ count: Math.min(5_000, left), itemsPerOrder: 2 });
    ids.push(...batch.map((order) => order.id));
  }
  return ids;
}

async function main(): Promise<void> {
  const sandbox = await startChild();
  const admin = new SandboxAdminClient(sandbox.url);
  const pool = new Pool(sandbox.url, { connections: CONCURRENCY, pipelining: 1 });
  const auth = { authorization: `Bearer ${TOKEN}` };
  try {
    const { cmsId } = await admin.getSettings();
    await createOrders(admin, 2_000);

    const listPath = `/${VERSION}/${cmsId}/commerce_orders?limit=25`;
    const listing = await phase(async () => {
      const response = await pool.request({ path: listPath, method: 'GET', headers: auth });
      await response.body.dump();
      return response.statusCode === 200;
    });

    const fieldsPath = `/${VERSION}/${cmsId}/commerce_orders?limit=25&fields=${encodeURIComponent('id,order_status,channel,buyer_details,items{id,retailer_id,quantity,price_per_unit}')}`;
    const listingWithItems = await phase(async () => {
      const response = await pool.request({ path: fieldsPath, method: 'GET', headers: auth });
      await response.body.dump();
      return response.statusCode === 200;
    });

    const ackQueue = await createOrders(admin, 40_000);
    let acked = 0;
    const acknowledgements = await phase(async () => {
      const id = ackQueue.pop();
      if (id === undefined) return 'done';
      const response = await pool.request({
        path: `/${VERSION}/${id}/acknowledge_order`,
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ idempotency_key: randomUUID(), merchant_order_reference: `OMS-${id}` }),
      });
      await response.body.dump();
      if (response.statusCode === 200) acked += 1;
      return response.statusCode === 200;
    });

    const bulkQueue = await createOrders(admin, 30_000);
    const bulkAcknowledgements = await phase(async () => {
      const batch = bulkQueue.splice(-100, 100);
      if (batch.length === 0) return 'done';
      const response = await pool.request({
        path: `/${VERSION}/${cmsId}/acknowledge_orders`,
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ idempotency_key: randomUUID(), orders: batch.map((id) => ({ id })) }),
      });
      await response.body.dump();
      return response.statusCode === 200;
    });

    const ledger = await admin.getLedger();
    const ackEffects = ledger.effects.filter(
      (e) => e.kind === 'acknowledge' && e.endpoint === 'POST acknowledge_order',
    ).length;
    console.log(
      JSON.stringify(
        {
          node: process.version,
          concurrency: CONCURRENCY,
          secondsPerPhase: SECONDS,
          listing,
          listingWithItems,
          acknowledgements,
          bulkAcknowledgements: {
            ...bulkAcknowledgements,
            ordersPerSecond: bulkAcknowledgements.requestsPerSecond * 100,
          },
          check: { acknowledgedOk: acked, ackEffectsInLedger: ackEffects, exactlyOnce: acked === ackEffects },
        },
        null,
        2,
      ),
    );
  } finally {
    await pool.close();
    await sandbox.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
