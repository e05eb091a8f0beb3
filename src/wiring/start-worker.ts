/**
 * The worker as a function: what `npm run worker` runs, and what a merchant calls from their own
 * code with their own OMS adapter (`import { startWorker } from 'meta-shops-temporal/worker'`).
 *
 *   const worker = await startWorker({ oms: new MyOms() });
 *   await worker.finished;          // SIGINT/SIGTERM (or worker.shutdown()) drain it gracefully
 *
 * Settings come from the environment (src/config.ts); the Temporal connection from the standard
 * TEMPORAL_* variables. The workflow code is the bundle `npm run build` made (dist/workflow-bundle.js),
 * so nothing is bundled at start. OTEL_EXPORTER_OTLP_ENDPOINT turns tracing on (observability/tracing.ts),
 * PAYLOAD_ENCRYPTION_KEYS payload encryption (codec/): clients must then use the same keys.
 */
import { NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type { OmsPort } from '../api/oms-port.js';
import { payloadEncryptionFromSetting } from '../codec/data-converter.js';
import { loadConfig, temporalConnectConfig } from '../config.js';
import { installObservability } from '../observability/index.js';
import { startTracing } from '../observability/tracing.js';
import { createDependencies } from './dependencies.js';
import { createWorkers } from './workers.js';

export interface StartWorkerOptions {
  /**
   * Your OMS adapter (an implementation of OmsPort). Without it, OMS_ADAPTER picks the reference OMS
   * or the signed-HTTP adapter. Arguments are validated before it is called; you close it yourself.
   */
  oms?: OmsPort;
  /** Where settings are read from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * Installs the process-wide Temporal Runtime with JSON logs and the Prometheus endpoint
   * (METRICS_PORT). Default true; pass false when your process installed a Runtime already.
   */
  installRuntime?: boolean;
  /** The workflow code; default: the bundle `npm run build` wrote, or bundled at start from the sources. */
  workflowBundle?: WorkflowBundleOption;
}

export interface RunningWorker {
  /** Settles once every worker has stopped and the connection and adapters are closed. */
  readonly finished: Promise<void>;
  /** Graceful stop: tasks in flight finish first. Resolves with `finished`. */
  shutdown(): Promise<void>;
}

export async function startWorker(options: StartWorkerOptions = {}): Promise<RunningWorker> {
  const env = options.env ?? process.env;
  const config = loadConfig(env);
  const { connectionOptions, namespace } = temporalConnectConfig(env);
  // Before any connection: the Runtime carries the JSON logger and the Prometheus exporter.
  const observability = options.installRuntime === false ? undefined : installObservability(config, { env });
  const tracing = await startTracing(config, env);
  const encryption = payloadEncryptionFromSetting(config.PAYLOAD_ENCRYPTION_KEYS);
  const deps = await createDependencies(config, { oms: options.oms });
  const closeAll: (() => Promise<unknown>)[] = [async () => tracing?.shutdown(), () => deps.close()];
  const close = async () => {
    for (const stop of closeAll.reverse()) await stop();
  };
  try {
    const connection = await NativeConnection.connect(connectionOptions);
    closeAll.push(() => connection.close());
    if (observability) {
      const orderPhases = observability.watchOrderPhases(connection, namespace);
      const intakeHealth = observability.watchIntake(connection, namespace);
      closeAll.push(
        () => orderPhases.stop(),
        () => intakeHealth.stop(),
      );
    }
    const workers = await createWorkers({
      connection,
      namespace,
      taskQueue: config.TASK_QUEUE,
      graphTaskQueue: config.GRAPH_TASK_QUEUE,
      graphMaxCallsPerSecond: config.GRAPH_MAX_CALLS_PER_SECOND,
      deps,
      tracing,
      dataConverter: encryption?.dataConverter,
      maxCachedWorkflows: config.WORKFLOW_CACHE_SIZE,
      workflowHeapMb: config.WORKFLOW_HEAP_MB,
      ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : {}),
    });
    observability?.logger.info('worker running', {
      taskQueues: [config.TASK_QUEUE, config.GRAPH_TASK_QUEUE],
      address: connectionOptions.address,
      namespace,
      metrics: observability.metricsAddress,
      tracing: config.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'off',
      payloadEncryption: encryption ? `on, encrypting with key ${encryption.codec.currentKeyId}` : 'off',
    });
    const finished = Promise.allSettled(workers.map((w) => w.run())).then(async (results) => {
      await close();
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    });
    return {
      finished,
      async shutdown() {
        for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
        await finished;
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}
