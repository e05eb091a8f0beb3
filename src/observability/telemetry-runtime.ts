/**
 * Installs the process-wide Temporal Runtime with our logger and metrics, once, before any
 * connection or worker exists:
 *   - logs: every SDK, core, workflow and activity entry becomes a redacted JSON line (json-log.ts);
 *   - metrics: the SDK's Prometheus exporter on METRICS_HOST:METRICS_PORT (/metrics) serves the SDK's
 *     `temporal_*` metrics and ours (recorded on the runtime's metric meter), so one scrape target
 *     per worker has everything. METRICS_PORT=0 turns the exporter off; METRICS_HOST is loopback
 *     unless set (the endpoint has no authentication).
 */
import { createHmac } from 'node:crypto';
import type { ConnectionLike } from '@temporalio/client';
import { Client } from '@temporalio/client';
import type { Logger, MetricMeter } from '@temporalio/common';
import { Runtime, type LogLevel, type RuntimeOptions } from '@temporalio/worker';
import {
  CONFIG_SECRET_SETTINGS,
  ConfigError,
  SECRET_VARIABLES,
  secretValues,
  type AppConfig,
  type ConfigSecretSetting,
} from '../config.js';
import type { GraphClient } from '../graph/client.js';
import { GraphMetrics, instrumentGraphClient } from './graph-instrumentation.js';
import { createJsonLogger, toSdkLogLevel, withFields } from './json-log.js';
import { LogRedactor } from './log-redaction.js';
import { GRAPH_DURATION_BUCKETS, METRIC } from './metric-names.js';
import { IntakeHealthGauge } from './intake-health.js';
import { countWith, OrderPhaseGauge } from './order-phase-gauge.js';

export type ObservabilitySettings = Pick<
  AppConfig,
  'LOG_LEVEL' | 'METRICS_PORT' | 'METRICS_HOST' | ConfigSecretSetting
>;

export interface ObservabilityOptions {
  /** For secrets that are not in AppConfig (TEMPORAL_API_KEY, ...). Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where log lines go. Default: stdout. */
  write?: (line: string) => void;
}

/** Secrets read from the environment by other parts of the system (Temporal client, sandbox). */
const ENV_SECRET_VARIABLES = SECRET_VARIABLES.filter(
  (name) => !(CONFIG_SECRET_SETTINGS as readonly string[]).includes(name),
);

/** Every secret value this process knows of, including the derived appsecret_proof. */
export function knownSecrets(settings: ObservabilitySettings, env: NodeJS.ProcessEnv): string[] {
  const secrets = [
    ...CONFIG_SECRET_SETTINGS.flatMap((name) => secretValues(name, settings[name])),
    ...ENV_SECRET_VARIABLES.flatMap((name) => secretValues(name, env[name])),
  ];
  if (settings.META_APP_SECRET)
    secrets.push(createHmac('sha256', settings.META_APP_SECRET).update(settings.META_ACCESS_TOKEN).digest('hex'));
  return secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
}

const SEVERITY: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
const atLeast = (level: LogLevel, floor: LogLevel): LogLevel =>
  SEVERITY.indexOf(level) >= SEVERITY.indexOf(floor) ? level : floor;

/** The Runtime options for these settings (pure: tests read them without installing). */
export function observabilityRuntimeOptions(settings: ObservabilitySettings, logger: Logger): RuntimeOptions {
  const level = toSdkLogLevel(settings.LOG_LEVEL);
  return {
    logger,
    telemetryOptions: {
      // Core's own logs come through our logger too; its dependencies only from WARN up (they are chatty).
      logging: { forward: {}, filter: { core: level, other: atLeast(level, 'WARN') } },
      ...(settings.METRICS_PORT > 0
        ? {
            metrics: {
              prometheus: {
                bindAddress: metricsAddress(settings),
                histogramBucketOverrides: { [METRIC.graphCallDuration]: GRAPH_DURATION_BUCKETS },
              },
            },
          }
        : {}),
    },
  };
}

export interface Observability {
  /** For our own code: same JSON lines, same redaction. */
  logger: Logger;
  /** The runtime's metric meter (our metrics end up on the SDK's Prometheus endpoint). */
  meter: MetricMeter;
  /** host:port of /metrics, or undefined when METRICS_PORT=0. */
  metricsAddress: string | undefined;
  /** Starts the orders-per-phase gauges on this connection; stop() it at shutdown. */
  watchOrderPhases(connection: ConnectionLike, namespace: string, intervalMs?: number): OrderPhaseGauge;
  /** Starts the intake health gauges (intake-health.ts) on this connection; stop() it at shutdown. */
  watchIntake(connection: ConnectionLike, namespace: string, intervalMs?: number): IntakeHealthGauge;
}

/** Installs the Runtime. Call once, first thing in the worker process. */
export function installObservability(
  settings: ObservabilitySettings,
  options: ObservabilityOptions = {},
): Observability {
  const redactor = new LogRedactor(knownSecrets(settings, options.env ?? process.env));
  const logger = createJsonLogger({ level: settings.LOG_LEVEL, redactor, write: options.write });
  const runtimeOptions = observabilityRuntimeOptions(settings, logger);
  const runtime = installRuntime(runtimeOptions, settings.METRICS_PORT);
  const meter = runtime.metricMeter;
  return {
    logger,
    meter,
    metricsAddress: settings.METRICS_PORT > 0 ? metricsAddress(settings) : undefined,
    watchOrderPhases(connection, namespace, intervalMs) {
      return new OrderPhaseGauge({
        count: countWith(new Client({ connection, namespace })),
        meter,
        logger: withFields(logger, { component: 'order-phase-gauge' }),
        intervalMs,
      }).start();
    },
    watchIntake(connection, namespace, intervalMs) {
      return new IntakeHealthGauge({
        count: countWith(new Client({ connection, namespace })),
        meter,
        logger: withFields(logger, { component: 'intake-health' }),
        intervalMs,
      }).start();
    },
  };
}

/** host:port of the metrics endpoint; an IPv6 host in brackets. */
function metricsAddress(settings: Pick<ObservabilitySettings, 'METRICS_HOST' | 'METRICS_PORT'>): string {
  const host = settings.METRICS_HOST.includes(':') ? `[${settings.METRICS_HOST}]` : settings.METRICS_HOST;
  return `${host}:${settings.METRICS_PORT}`;
}

/** Runtime.install, with a metrics port already in use reported as a one-line setting error. */
function installRuntime(options: RuntimeOptions, metricsPort: number): Runtime {
  try {
    return Runtime.install(options);
  } catch (err) {
    if (/metrics exporter: Address already in use/i.test(String((err as Error)?.message))) {
      throw new ConfigError(
        `Port ${metricsPort} is already in use (METRICS_PORT): stop what holds it, or set METRICS_PORT to a free port (0 turns metrics off)`,
      );
    }
    throw err;
  }
}

const graphMetricsByMeter = new WeakMap<MetricMeter, GraphMetrics>();

/**
 * The Graph client the activities should use: the same client, recording Graph call metrics on
 * the installed Runtime's meter (a no-op meter when no metrics exporter is configured).
 */
export function observeGraphClient(
  graph: GraphClient,
  meter: MetricMeter = Runtime.instance().metricMeter,
): GraphClient {
  let metrics = graphMetricsByMeter.get(meter);
  if (!metrics) {
    metrics = new GraphMetrics(meter);
    graphMetricsByMeter.set(meter, metrics);
  }
  return instrumentGraphClient(graph, metrics);
}
