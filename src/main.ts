/**
 * `npm start`: the whole product on one machine, with no configuration. Development only (it
 * starts the sandbox and a dev server; production runs `node dist/worker.js`).
 *   - a Temporal dev server with the Web UI, persisted to .data/temporal.sqlite (a restart keeps orders)
 *   - the local sandbox with demo orders (skipped when META_GRAPH_URL points elsewhere): on a fresh
 *     sandbox a few orders released at once, so the poller's first round finds them, then a trickle
 *   - the reference OMS on PGlite in .data/oms, the worker, the poller and the ack batcher
 *   - with PAYLOAD_ENCRYPTION_KEYS: payloads encrypted, and a codec server the Web UI decrypts through
 *   - the reference OMS on PGlite in .data/oms as a process of its own (src/oms-server.ts), which the
 *     worker reaches through the signed-HTTP adapter like a merchant's OMS: the worker holds no database
 *   - the worker, the poller and the ack batcher
 * SIGINT or SIGTERM (Ctrl-C) stops everything it started, in reverse order, also mid-start.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { payloadEncryptionFromSetting } from './codec/data-converter.js';
import { startCodecServerFor } from './codec/start-codec-server.js';
import { loadConfig } from './config.js';
import { installObservability } from './observability/index.js';
import { startTracing } from './observability/tracing.js';
import { runMain } from './wiring/run-main.js';
import { onStopSignal } from './wiring/stop-signals.js';
import { SandboxAdminClient } from '../sandbox/admin-client.js';
import { DEMO_CATALOGUE } from '../sandbox/demo-data.js';
import { startSandbox } from '../sandbox/index.js';
import { startDevServer } from './dev-tools/dev-server.js';
import { assertPortsFree, portOf, type PlannedPort } from './dev-tools/ports.js';
import { projectPath } from './dev-tools/temporal-cli.js';
import { startOmsServerProcess } from './dev-tools/oms-server-process.js';
import { createDependencies } from './wiring/dependencies.js';
import { intakeOptionsFrom, startIntake } from './intake/start-intake.js';
import { createWorkers, intakeTaskQueue } from './wiring/workers.js';

const DEMO = {
  /** A new demo order every 20 s, released by "Meta" 40 s later, polled every minute. */
  ORDER_INTERVAL_MS: 20_000,
  RELEASE_DELAY_MS: 40_000,
  /**
   * A fresh sandbox's first orders, released at once so the poller's first round (right after
   * start) finds them. The first gets the sandbox's first id, 310000000000007: the README's examples.
   */
  FIRST_ORDERS: [
    [
      { retailerId: 'TEE-ORG-M', quantity: 2 },
      { retailerId: 'MUG-CER-12', quantity: 1 },
    ],
    [
      { retailerId: 'CAN-SOY-LAV', quantity: 1 },
      { retailerId: 'BAG-TOTE-NAT', quantity: 1 },
    ],
    [{ retailerId: 'NOTE-A5-DOT', quantity: 3 }],
  ],
};

/** Thrown between start steps once a stop signal arrived: what started so far is stopped. */
class StopRequested extends Error {}

runMain(async () => {
  // Quieter than a production worker: the summary below says what runs; warnings still show.
  // `let`: with the reference OMS server, the OMS settings are replaced by its URL and secret below.
  let config = loadConfig({ POLL_INTERVAL_MINUTES: '1', LOG_LEVEL: 'warn', ...process.env });
  // OMS_ADAPTER=reference (the default) means the reference OMS server started below; with
  // OMS_ADAPTER=http the worker talks to the OMS those settings name and none is started here.
  const runsOmsServer = config.OMS_ADAPTER === 'reference';
  const graphUrl = new URL(config.META_GRAPH_URL);
  const usesSandbox = graphUrl.hostname === '127.0.0.1' || graphUrl.hostname === 'localhost';
  const temporalPort = portOf(config.TEMPORAL_ADDRESS);
  const sandboxPort = Number(graphUrl.port || 8787);
  const planned: PlannedPort[] = [
    {
      port: temporalPort,
      what: 'the Temporal dev server',
      variable: 'TEMPORAL_ADDRESS',
      hint: 'set TEMPORAL_ADDRESS=localhost:<free port>',
    },
    { port: config.TEMPORAL_UI_PORT, what: 'the Temporal Web UI', variable: 'TEMPORAL_UI_PORT' },
  ];
  if (usesSandbox)
    planned.push({
      port: sandboxPort,
      what: 'the sandbox',
      variable: 'META_GRAPH_URL',
      hint: 'set META_GRAPH_URL=http://127.0.0.1:<free port>',
    });
  const encryption = payloadEncryptionFromSetting(config.PAYLOAD_ENCRYPTION_KEYS);
  if (encryption)
    planned.push({ port: config.CODEC_SERVER_PORT, what: 'the codec server', variable: 'CODEC_SERVER_PORT' });
  if (runsOmsServer && config.OMS_SERVER_PORT > 0)
    planned.push({ port: config.OMS_SERVER_PORT, what: 'the reference OMS server', variable: 'OMS_SERVER_PORT' });
  if (config.METRICS_PORT > 0)
    planned.push({
      port: config.METRICS_PORT,
      what: 'Prometheus metrics',
      variable: 'METRICS_PORT',
      hint: 'set METRICS_PORT to a free port (0 turns metrics off)',
    });
  await assertPortsFree(planned);

  // First, before anything opens a Temporal connection: JSON logs and the Prometheus endpoint.
  const observability = installObservability(config);
  const dataDir = config.START_DATA_DIR ? resolve(config.START_DATA_DIR) : projectPath('.data');
  const dataFile = (name: string) => join(dataDir, name);
  mkdirSync(dataDir, { recursive: true });
  const say = (line: string) => console.log(line);

  // Everything started so far, stopped in reverse order by the first stop signal (or a failure).
  const stops: { name: string; stop: () => Promise<unknown> }[] = [];
  let stopRequested = false;
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const { name, stop } of stops.reverse()) {
        await stop().catch((err: unknown) => console.error(`stopping ${name} failed: ${String(err)}`));
      }
    })());
  const started = <T>(name: string, value: T, stop: (value: T) => Promise<unknown>): T => {
    stops.push({ name, stop: () => stop(value) });
    if (stopRequested) throw new StopRequested();
    return value;
  };
  let stopWorkers: () => void = () => undefined;
  onStopSignal(() => {
    stopRequested = true;
    say('stopping...');
    stopWorkers();
  });

  try {
    let demoNote = '';
    let omsNote = `signed HTTP events to ${config.OMS_WEBHOOK_URL ? new URL(config.OMS_WEBHOOK_URL).origin : '?'}`;
    let firstOrderId: string | undefined;
    if (usesSandbox) {
      const sandbox = started(
        'sandbox',
        await startSandbox({
          port: sandboxPort,
          accessToken: config.META_ACCESS_TOKEN,
          cmsId: config.META_CMS_ID,
          releaseDelayMs: DEMO.RELEASE_DELAY_MS,
          demo: { intervalMs: DEMO.ORDER_INTERVAL_MS, itemsPerOrder: 2 },
          // Orders survive a restart, like the dev server's workflows and the OMS's rows.
          stateFile: dataFile('sandbox-state.json'),
        }),
        (s) => s.close(),
      );
      const admin = new SandboxAdminClient(sandbox.url);
      const existing = await admin.listOrders();
      if (existing.length === 0) {
        for (const items of DEMO.FIRST_ORDERS) await admin.createOrder({ items, releaseDelayMs: 0 });
      }
      firstOrderId = (await admin.listOrders()).map((o) => o.id).sort()[0];
      demoNote = `${existing.length === 0 ? `${DEMO.FIRST_ORDERS.length} demo orders now, then ` : ''}a new one every ${DEMO.ORDER_INTERVAL_MS / 1000} s`;
      demoNote = `Meta's order API stand-in at ${sandbox.url} (${demoNote})`;
    }

    // Before the dev server: its Web UI is told where to decrypt payloads.
    const codecServer = encryption
      ? started('codec server', await startCodecServerFor(config), (c) => c.close())
      : undefined;

    const server = started(
      'Temporal dev server',
      await startDevServer({
        ...(codecServer ? { uiCodecEndpoint: codecServer.url } : {}),
        dbFilename: dataFile('temporal.sqlite'),
        port: temporalPort,
        uiPort: config.TEMPORAL_UI_PORT,
        ownProcessGroupDir: dataDir,
        outputFile: dataFile('temporal-dev-server.log'),
        log: () => undefined,
      }),
      (s) => s.stop(),
    );

    if (runsOmsServer) {
      // OMS_WEBHOOK_SECRET when set (to read the OMS's records with it as the bearer token), otherwise
      // a new one every start that only this process and its child know. Never printed.
      const secret = config.OMS_WEBHOOK_SECRET ?? randomBytes(32).toString('hex');
      const omsServer = started(
        'reference OMS server',
        await startOmsServerProcess({
          dataDir: config.OMS_DATA_DIR,
          port: config.OMS_SERVER_PORT,
          secret,
          keyId: config.OMS_WEBHOOK_KEY_ID,
          env: process.env,
        }),
        (o) => o.stop(),
      );
      config = { ...config, OMS_ADAPTER: 'http', OMS_WEBHOOK_URL: omsServer.eventsUrl, OMS_WEBHOOK_SECRET: secret };
      if (usesSandbox) {
        await omsServer.client.seedProducts(
          DEMO_CATALOGUE.map((p) => ({ retailerId: p.retailerId, name: p.name, onHand: 500 })),
        );
      }
      omsNote = `reference OMS at ${omsServer.url} (process ${omsServer.pid}, data in ${config.OMS_DATA_DIR}), over signed HTTP`;
    }
    const deps = started('OMS and Graph client', await createDependencies(config), (d) => d.close());
    const tracing = await startTracing(config);
    if (tracing) started('tracing', tracing, (t) => t.shutdown());

    const nativeConnection = started(
      'worker connection',
      await NativeConnection.connect({ address: server.address }),
      (c) => c.close(),
    );
    const connection = started('client connection', await Connection.connect({ address: server.address }), (c) =>
      c.close(),
    );
    started('order phase gauge', observability.watchOrderPhases(nativeConnection, server.namespace), (g) => g.stop());
    started('intake health', observability.watchIntake(nativeConnection, server.namespace), (h) => h.stop());
    const workers = await createWorkers({
      connection: nativeConnection,
      namespace: server.namespace,
      taskQueue: config.TASK_QUEUE,
      graphTaskQueue: config.GRAPH_TASK_QUEUE,
      graphMaxCallsPerSecond: config.GRAPH_MAX_CALLS_PER_SECOND,
      deps,
      tracing,
      dataConverter: encryption?.dataConverter,
      maxCachedWorkflows: config.WORKFLOW_CACHE_SIZE,
      workflowHeapMb: config.WORKFLOW_HEAP_MB,
    });
    const running = Promise.allSettled(workers.map((w) => w.run()));
    stopWorkers = () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    };
    started('workers', running, async (r) => (stopWorkers(), await r));

    const intake = await startIntake(
      new Client({ connection, namespace: server.namespace, dataConverter: encryption?.dataConverter }),
      intakeOptionsFrom(config),
    );
    if (stopRequested) throw new StopRequested();

    const orderId = firstOrderId ?? '<orderId>';
    const rows: [string, string][] = [
      ['Web UI', `${server.uiUrl}/namespaces/${server.namespace}/workflows`],
      [
        'Temporal',
        `${server.address} (dev server, log in ${relative(process.cwd(), dataFile('temporal-dev-server.log'))})`,
      ],
      usesSandbox
        ? ['sandbox', demoNote]
        : ['Meta', `${config.META_GRAPH_URL}, commerce account ${config.META_CMS_ID}`],
      ['OMS', omsNote],
      ['worker', `task queues ${config.TASK_QUEUE}, ${intakeTaskQueue(config.TASK_QUEUE)}, ${config.GRAPH_TASK_QUEUE}`],
      [
        'poller',
        `${intake.poller === 'started' ? 'started' : 'running'}, every ${config.POLL_INTERVAL_MINUTES} min (now: npx fb-orders poll-now)`,
      ],
      [
        'metrics',
        observability.metricsAddress ? `http://${observability.metricsAddress}/metrics` : 'off (METRICS_PORT=0)',
      ],
      [
        'payloads',
        codecServer
          ? `encrypted (key ${encryption!.codec.currentKeyId}); the Web UI decrypts through ${codecServer.url}`
          : 'plain (set PAYLOAD_ENCRYPTION_KEYS to encrypt them)',
      ],
      [
        'tracing',
        config.OTEL_EXPORTER_OTLP_ENDPOINT
          ? `OTLP to ${config.OTEL_EXPORTER_OTLP_ENDPOINT}`
          : 'off (set OTEL_EXPORTER_OTLP_ENDPOINT)',
      ],
    ];
    say('');
    say('meta-shops-temporal is running:');
    for (const [what, where] of rows) say(`  ${what.padEnd(9)}${where}`);
    say('Try:');
    say('  npx fb-orders list');
    say(`  npx fb-orders show ${orderId}`);
    say(`  npx fb-orders ship ${orderId} --carrier UPS --tracking 1Z999AA10123456784`);
    say('Ctrl-C stops everything.');

    const results = await running;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed && !stopRequested) throw failed.reason;
  } catch (err) {
    if (!(err instanceof StopRequested)) {
      await stopAll();
      throw err;
    }
  }
  await stopAll();
  say('stopped.');
});
