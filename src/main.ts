/**
 * `npm start`: the whole product on one machine, with no configuration.
 *   - a Temporal dev server with the Web UI, persisted to .data/temporal.sqlite (a restart keeps orders)
 *   - the local sandbox with a trickle of demo orders (skipped when META_GRAPH_URL points elsewhere)
 *   - the reference OMS on PGlite in .data/oms, the worker, the poller and the ack batcher
 * Ctrl-C stops everything it started, in reverse order.
 */
import { mkdirSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from './config.js';
import { installObservability } from './observability/index.js';
import { createDependencies } from './wiring/dependencies.js';
import { runMain } from './wiring/run-main.js';
import { DEMO_CATALOGUE } from '../sandbox/demo-data.js';
import { startSandbox } from '../sandbox/index.js';
import { startDevServer } from './dev-tools/dev-server.js';
import { projectPath } from './dev-tools/temporal-cli.js';
import { intakeOptionsFrom, startIntake } from './intake/start-intake.js';
import { createWorkers } from './wiring/workers.js';

const DEMO_DEFAULTS = {
  TEMPORAL_PORT: 7233,
  UI_PORT: 8233,
  SANDBOX_PORT: 8787,
  /** A new demo order every 20 s, released by "Meta" 40 s later, polled every minute. */
  DEMO_ORDER_INTERVAL_MS: 20_000,
  DEMO_RELEASE_DELAY_MS: 40_000,
};

runMain(async () => {
  const config = loadConfig({ POLL_INTERVAL_MINUTES: '1', ...process.env });
  // First, before anything opens a Temporal connection: JSON logs and the Prometheus endpoint.
  const observability = installObservability(config);
  const dataDir = projectPath('.data');
  mkdirSync(dataDir, { recursive: true });
  const stops: { name: string; stop: () => Promise<unknown> }[] = [];
  const log = (line: string) => console.log(`[start] ${line}`);

  const usesSandbox =
    new URL(config.META_GRAPH_URL).hostname === '127.0.0.1' || new URL(config.META_GRAPH_URL).hostname === 'localhost';
  if (usesSandbox) {
    const sandbox = await startSandbox({
      port: Number(new URL(config.META_GRAPH_URL).port || DEMO_DEFAULTS.SANDBOX_PORT),
      accessToken: config.META_ACCESS_TOKEN,
      cmsId: config.META_CMS_ID,
      releaseDelayMs: DEMO_DEFAULTS.DEMO_RELEASE_DELAY_MS,
      demo: { intervalMs: DEMO_DEFAULTS.DEMO_ORDER_INTERVAL_MS, itemsPerOrder: 2 },
      // Orders survive a restart, like the dev server's workflows and the OMS's rows.
      stateFile: projectPath('.data', 'sandbox-state.json'),
    });
    stops.push({ name: 'sandbox', stop: () => sandbox.close() });
    log(
      `sandbox (Meta's order API stand-in) at ${sandbox.url}, a demo order every ${DEMO_DEFAULTS.DEMO_ORDER_INTERVAL_MS / 1000} s`,
    );
  } else {
    log(`talking to Meta at ${config.META_GRAPH_URL} for commerce account ${config.META_CMS_ID}`);
  }

  const server = await startDevServer({
    dbFilename: projectPath('.data', 'temporal.sqlite'),
    port: DEMO_DEFAULTS.TEMPORAL_PORT,
    uiPort: DEMO_DEFAULTS.UI_PORT,
    ownProcessGroupDir: dataDir,
  });
  stops.push({ name: 'Temporal dev server', stop: () => server.stop() });

  const deps = await createDependencies({ ...config, OMS_DATA_DIR: config.OMS_DATA_DIR });
  stops.push({ name: 'OMS and Graph client', stop: () => deps.close() });
  if (deps.referenceOms && usesSandbox) {
    await deps.referenceOms.seedProducts(
      DEMO_CATALOGUE.map((p) => ({ retailerId: p.retailerId, name: p.name, onHand: 500 })),
    );
  }

  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  stops.push({ name: 'connections', stop: async () => (await nativeConnection.close(), await connection.close()) });
  const orderPhases = observability.watchOrderPhases(nativeConnection, server.namespace);
  stops.push({ name: 'order phase gauge', stop: () => orderPhases.stop() });
  const workers = await createWorkers({
    connection: nativeConnection,
    namespace: server.namespace,
    taskQueue: config.TASK_QUEUE,
    graphTaskQueue: config.GRAPH_TASK_QUEUE,
    graphMaxCallsPerSecond: config.GRAPH_MAX_CALLS_PER_SECOND,
    deps,
  });
  const running = Promise.all(workers.map((w) => w.run()));

  const intake = await startIntake(new Client({ connection, namespace: server.namespace }), intakeOptionsFrom(config));
  log(
    `order poller ${intake.poller}, ack batcher ${intake.batcher}; polling every ${config.POLL_INTERVAL_MINUTES} min`,
  );
  log(`Temporal Web UI: ${server.uiUrl}/namespaces/${server.namespace}/workflows`);
  log(`Temporal address: ${server.address} (for the CLI: TEMPORAL_ADDRESS=${server.address})`);
  if (observability.metricsAddress) log(`Prometheus metrics: http://${observability.metricsAddress}/metrics`);
  log('try:  npx fb-orders list            then  npx fb-orders ship <orderId> --carrier UPS --tracking 1Z999');
  log('Ctrl-C stops everything.');

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    log('stopping...');
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await running;
    for (const { name, stop } of stops.reverse()) {
      await stop().catch((err: unknown) => console.error(`[start] stopping ${name} failed: ${String(err)}`));
    }
    log('stopped.');
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  await running;
  await shutdown();
});
