/**
 * One chaos run, whatever Temporal server and OMS it is given (bench/chaos.ts: the dev server;
 * bench/chaos-cluster.ts: a server built from source on PostgreSQL, three workers):
 *   1. the sandbox with faults (5xx, lost responses, writes' responses lost, a throttle burst later),
 *      the worker processes, the poller and the ack batcher;
 *   2. N orders created at a steady rate while workers are SIGKILLed and the Temporal server is
 *      SIGKILLed, each restarted;
 *   3. the drain: every order acknowledged at Meta and IN_PROGRESS in its workflow;
 *   4. a sample shipped, with another worker kill in the middle;
 *   5. the checks, from the sandbox ledger, Temporal (visibility and every history) and the OMS.
 */
import { Client, Connection } from '@temporalio/client';
import { ackBatcherWorkflowId, orderPollerWorkflowId } from '../../src/api/ids.js';
import { ackBatcherStatusQuery, type AckBatcherStatus } from '../../src/api/ack-batcher-messages.js';
import { pollerStatusQuery, type PollerStatus } from '../../src/api/poller-messages.js';
import { OrderClient } from '../../src/client/order-client.js';
import { startIntake } from '../../src/intake/start-intake.js';
import type { OrderPolicyOverrides } from '../../src/order/policy.js';
import { mapConcurrently } from '../../src/util/concurrency.js';
import { SandboxAdminClient } from '../../sandbox/admin-client.js';
import { startSandboxProcess } from '../support/processes.js';
import type { ChaosConfig } from './config.js';
import { disruptionPlan, type Disruption } from './disruptions.js';
import type { ChaosOms } from './oms.js';
import type { ChaosTemporal } from './temporal.js';
import { verifyChaosRun, type ChaosFindings } from './verify.js';
import { WorkerFleet } from './worker-fleet.js';

export interface ChaosSetup {
  config: ChaosConfig;
  /** The run's folder: server database, OMS, worker logs. */
  dir: string;
  temporal: ChaosTemporal;
  oms: ChaosOms;
  log: (line: string) => void;
}

const TOKEN = 'chaos-token';
const SKU = 'CHAOS-SKU';
const TASK_QUEUE = 'chaos-orders';
const GRAPH_TASK_QUEUE = 'chaos-graph';
/** Meta releases each order this long after it was placed: the poller first sees most of them in FB_PROCESSING. */
const RELEASE_DELAY_MS = 5_000;
/** How long a disruption waits for its moment (a share of the orders acknowledged) before it strikes anyway. */
const DISRUPTION_WAIT_MS = 5 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The visibility query for order workflows in one phase. */
const inPhase = (phase: string) =>
  `WorkflowType = 'orderWorkflow' AND ExecutionStatus = 'Running' AND FbOrderPhase = '${phase}'`;

async function retried<T>(
  what: string,
  call: () => Promise<T>,
  log: (line: string) => void,
  attempts = 10,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= attempts) throw err;
      log(`${what} failed (${(err as Error).message}); again in 2 s`);
      await sleep(2_000);
    }
  }
}

export async function runChaos(setup: ChaosSetup): Promise<ChaosFindings> {
  const { config, temporal, oms, log } = setup;
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    const startedAt = Date.now();
    cleanup.push(() => temporal.stop());
    await temporal.start();
    log(`Temporal: ${temporal.description} on ${temporal.address}`);
    const sandbox = await startSandboxProcess({
      SANDBOX_ACCESS_TOKEN: TOKEN,
      SANDBOX_RELEASE_DELAY_MS: String(RELEASE_DELAY_MS),
      SANDBOX_RATE_LIMIT_CALLS: '100000000',
    });
    cleanup.push(async () => sandbox.child.kill('SIGTERM'));
    const admin = new SandboxAdminClient(sandbox.url);
    const { cmsId } = await admin.getSettings();
    await oms.prepare([{ retailerId: SKU, name: 'Chaos item', onHand: 10_000_000 }]);
    cleanup.push(() => oms.close());

    const workerEnv = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TASK_QUEUE,
      GRAPH_TASK_QUEUE,
      META_GRAPH_URL: sandbox.url,
      META_ACCESS_TOKEN: TOKEN,
      META_CMS_ID: cmsId,
      META_TIMEOUT_MS: String(Math.floor(config.attemptTimeoutMs / 4)),
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      ...oms.workerEnv(),
    };
    const fleet = new WorkerFleet(() => workerEnv, setup.dir, log);
    cleanup.push(() => fleet.stopAll());
    const slots = Array.from({ length: config.workers }, (_, slot) => slot);
    await Promise.all(slots.map((slot) => fleet.start(slot)));
    const connection = await Connection.connect({ address: temporal.address });
    cleanup.push(() => connection.close());
    const client = new Client({ connection, namespace: temporal.namespace });

    await admin.replaceFaults({
      seed: config.seed,
      serverErrorRate: config.serverErrorRate,
      lostResponseRate: config.lostResponseRate,
      // Besides the random ones: the first writes of each kind lose their response for sure.
      rules: (['acknowledge_orders', 'acknowledge_order', 'shipments'] as const).map((endpoint) => ({
        endpoint,
        fault: 'lost_response' as const,
        times: 2,
      })),
    });
    const policy: OrderPolicyOverrides = {
      graphAttemptTimeoutMs: config.attemptTimeoutMs,
      omsAttemptTimeoutMs: config.attemptTimeoutMs,
    };
    await startIntake(client, {
      cmsId,
      taskQueue: TASK_QUEUE,
      graphTaskQueue: GRAPH_TASK_QUEUE,
      ackMode: 'bulk',
      pollIntervalMs: config.pollIntervalMs,
      orderPolicy: policy as Record<string, unknown>,
      initialLookbackSeconds: 600,
    });
    log(`intake started; creating ${config.orders} orders at ${config.ordersPerSecond}/s`);

    // --- orders flow while workers and the server are killed --------------------------------
    const ids: string[] = [];
    const idSet = new Set<string>();
    let firstCreatedAt = 0;
    let lastCreatedAt = 0;
    const creating = (async () => {
      const perBatch = Math.max(1, Math.round(config.ordersPerSecond / 2));
      const batchEveryMs = (perBatch / config.ordersPerSecond) * 1000;
      while (ids.length < config.orders) {
        const due = Date.now() + batchEveryMs;
        const created = await retried(
          'creating orders',
          () =>
            admin.createOrders({
              count: Math.min(perBatch, config.orders - ids.length),
              items: [{ retailerId: SKU, quantity: 1, pricePerUnit: '10.00', productName: 'Chaos item' }],
            }),
          log,
        );
        for (const order of created) {
          ids.push(order.id);
          idSet.add(order.id);
        }
        firstCreatedAt ||= Date.now();
        lastCreatedAt = Date.now();
        await sleep(Math.max(0, due - Date.now()));
      }
    })();
    const acknowledgedAtMeta = async () =>
      (await admin.listOrders('IN_PROGRESS')).filter((order) => idSet.has(order.id)).length;

    const disruptions: Disruption[] = [];
    const plan = disruptionPlan(config.workerKills, config.temporalKills);
    // The throttle burst: halfway to the first kill, while a worker runs and calls Meta.
    const throttleAt = Math.max(1, Math.floor(config.orders / (2 * (plan.length + 1))));
    let throttled = config.throttleBurstMs === 0;
    const throttleOnce = async (acked: number) => {
      if (throttled || acked < throttleAt) return;
      throttled = true;
      await admin.throttle({ durationMs: config.throttleBurstMs });
      log(`throttle burst: every Graph call answers 80001 for ${config.throttleBurstMs} ms`);
    };
    for (const [index, kind] of plan.entries()) {
      const threshold = Math.ceil((config.orders * (index + 1)) / (plan.length + 1));
      const waitUntil = Date.now() + DISRUPTION_WAIT_MS;
      for (;;) {
        const acked = await acknowledgedAtMeta();
        await throttleOnce(acked);
        if (acked >= threshold) break;
        if (Date.now() > waitUntil) {
          log(`only ${acked} orders acknowledged after ${DISRUPTION_WAIT_MS} ms: disrupting anyway`);
          break;
        }
        await sleep(250);
      }
      const at = Date.now();
      if (kind === 'worker') {
        const slot = disruptions.filter((d) => d.kind === 'worker').length % config.workers;
        const { killed } = await fleet.killAndRestart(slot, config.restartAfterMs);
        disruptions.push({ kind, at, recoveredAt: Date.now(), slot, pid: killed.pid });
      } else {
        await temporal.kill();
        log(`Temporal server SIGKILLed; restarting in ${config.temporalDownMs} ms`);
        await sleep(config.temporalDownMs);
        await temporal.start();
        disruptions.push({ kind, at, recoveredAt: Date.now() });
        log(`Temporal server back after ${Date.now() - at} ms`);
      }
    }
    await creating;
    log(`all ${config.orders} orders created; draining`);

    // --- the drain ----------------------------------------------------------------------------
    let drainedAt: number | undefined;
    let lastReport = 0;
    for (;;) {
      for (const slot of slots)
        if (!fleet.current().some((life) => life.slot === slot)) await fleet.start(slot).catch(() => undefined);
      const acked = await acknowledgedAtMeta();
      await throttleOnce(acked);
      const running = await client.workflow
        .count(inPhase('IN_PROGRESS'))
        .then((c) => c.count)
        .catch(() => undefined);
      if (acked === config.orders && running === config.orders) {
        drainedAt = Date.now();
        break;
      }
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        log(`drain: ${acked} acknowledged at Meta, ${running ?? '?'} order workflows IN_PROGRESS`);
      }
      if (Date.now() > lastCreatedAt + config.drainTimeoutMs) {
        log(`not drained ${config.drainTimeoutMs} ms after the last order was created`);
        break;
      }
      await sleep(1_000);
    }
    if (drainedAt) log(`drained ${drainedAt - lastCreatedAt} ms after the last order was created`);
    const lastRecoveredAt = Math.max(0, ...disruptions.map((d) => d.recoveredAt));

    // --- a sample shipped, a worker killed in the middle --------------------------------------
    const every = Math.ceil(ids.length / Math.max(1, config.shipSample));
    const sample = drainedAt && config.shipSample > 0 ? ids.filter((_, i) => i % every === 0) : [];
    const shipping = await shipSample(client, admin, fleet, sample, config, log);
    if (shipping.disruption) disruptions.push(shipping.disruption);

    // --- what the run left behind ---------------------------------------------------------------
    const intake = await intakeStatus(client, cmsId);
    await fleet.stopAll();
    const findings = await verifyChaosRun({
      config,
      client,
      admin,
      oms,
      ids,
      shipped: sample,
      shippedIn: shipping.doneAt,
      lives: fleet.lives,
      disruptions,
      intake,
      signalsUntil: drainedAt ?? Date.now(),
      timing: {
        startedAt,
        firstCreatedAt,
        lastCreatedAt,
        drainedAt,
        lastRecoveredAt,
      },
      temporalDescription: temporal.description,
      omsDescription: oms.description,
    });
    return findings;
  } finally {
    for (const step of cleanup.reverse()) await step().catch((err: unknown) => log(`cleanup: ${String(err)}`));
  }
}

/** Ships each order of the sample (its every unit) and SIGKILLs a worker once the first shipment reached Meta. */
async function shipSample(
  client: Client,
  admin: SandboxAdminClient,
  fleet: WorkerFleet,
  sample: string[],
  config: ChaosConfig,
  log: (line: string) => void,
): Promise<{ disruption?: Disruption; doneAt?: number }> {
  if (sample.length === 0) return {};
  const orders = new OrderClient(client);
  const sampleSet = new Set(sample);
  log(`shipping ${sample.length} orders; a worker is killed once the first shipment reached Meta`);
  const shipments = mapConcurrently(sample, 10, (id) =>
    retried(
      `ship ${id}`,
      () => orders.ship(id, { requestId: `chaos-ship-${id}`, carrier: 'UPS', trackingNumber: `CHAOS${id}` }),
      log,
    ),
  );
  let settled = false;
  void shipments.finally(() => (settled = true)).catch(() => undefined);
  let disruption: Disruption | undefined;
  for (;;) {
    const shipped = (await admin.getLedger()).effects.filter(
      (e) => e.kind === 'shipment' && e.orderId && sampleSet.has(e.orderId),
    ).length;
    if (shipped > 0 || settled) {
      const at = Date.now();
      const { killed } = await fleet.killAndRestart(0, config.restartAfterMs);
      disruption = { kind: 'worker', at, recoveredAt: Date.now(), slot: 0, pid: killed.pid };
      log(
        `worker killed with ${shipped}/${sample.length} shipments at Meta${settled ? ' (all commands had answered)' : ''}`,
      );
      break;
    }
    await sleep(100);
  }
  await shipments;
  // Shipped orders move to their return window once Meta and the OMS have the shipment.
  const deadline = Date.now() + config.drainTimeoutMs;
  while (Date.now() < deadline) {
    const inWindow = await client.workflow
      .count(inPhase('RETURN_WINDOW'))
      .then((c) => c.count)
      .catch(() => 0);
    if (inWindow >= sample.length) return { disruption, doneAt: Date.now() };
    await sleep(1_000);
  }
  log('shipped orders did not all reach RETURN_WINDOW in time');
  return { disruption };
}

export interface IntakeReport {
  poller?: PollerStatus;
  ackBatcher?: AckBatcherStatus;
}

async function intakeStatus(client: Client, cmsId: string): Promise<IntakeReport> {
  return {
    poller: await client.workflow
      .getHandle(orderPollerWorkflowId(cmsId))
      .query(pollerStatusQuery)
      .catch(() => undefined),
    ackBatcher: await client.workflow
      .getHandle(ackBatcherWorkflowId(cmsId))
      .query(ackBatcherStatusQuery)
      .catch(() => undefined),
  };
}
