/**
 * Tracing, as an option: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (the standard variable),
 * then spans go over OTLP/HTTP to `<endpoint>/v1/traces`:
 *   - workflows (run, signals, queries, Updates, activity and timer scheduling) through the
 *     Temporal OpenTelemetry workflow interceptors, bundled into a workflow bundle of their own
 *     (the untraced bundle stays exactly the code the committed histories were recorded with);
 *   - activities through the activity interceptors, which continue the workflow's trace;
 *   - every Graph call and every OMS port call (HTTP or reference) inside them (spans.ts).
 * Off, nothing is registered, and spans.ts runs on OpenTelemetry's no-op tracer at no cost.
 */
import { createRequire } from 'node:module';
import { trace } from '@opentelemetry/api';
import type { WorkerOptions } from '@temporalio/worker';
import type { AppConfig } from '../config.js';

export const DEFAULT_SERVICE_NAME = 'meta-shops-temporal';

/** The workflow interceptor module of the Temporal OpenTelemetry package, for the bundler. */
export const TRACING_WORKFLOW_INTERCEPTOR_MODULES: string[] = [
  createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];

export interface Tracing {
  /** Merged into every worker's options: the activity interceptors and the sink workflow spans leave through. */
  workerOptions: Pick<WorkerOptions, 'interceptors' | 'sinks'>;
  /** Exports what is still buffered, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set; undefined (tracing off) otherwise. The
 * OpenTelemetry SDK and exporter are imported only then: a worker without tracing does not keep
 * them in memory.
 */
export async function startTracing(
  settings: Pick<AppConfig, 'OTEL_EXPORTER_OTLP_ENDPOINT'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Tracing | undefined> {
  const endpoint = settings.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  const [{ OTLPTraceExporter }, { Resource }, { BatchSpanProcessor, NodeTracerProvider }, otelInterceptors] =
    await Promise.all([
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace-node'),
      import('@temporalio/interceptors-opentelemetry'),
    ]);
  const { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor } =
    otelInterceptors;
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME || DEFAULT_SERVICE_NAME });
  const exporter = new OTLPTraceExporter({
    url: new URL('v1/traces', endpoint.endsWith('/') ? endpoint : `${endpoint}/`).href,
  });
  const spanProcessor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000 });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Global: the activity interceptors and inSpan find it through the API; also installs the
  // async-hooks context manager, so a Graph call's span is a child of its activity's.
  provider.register();
  return {
    workerOptions: {
      interceptors: {
        activity: [
          (ctx) => ({
            inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
            outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ],
      },
      sinks: { exporter: makeWorkflowExporter(spanProcessor, resource) },
    },
    async shutdown() {
      await provider.shutdown();
      trace.disable();
    },
  };
}
