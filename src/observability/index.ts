/** Logs and metrics for the worker process: see runtime.ts for what is installed and why. */
export {
  installObservability,
  observeGraphClient,
  observabilityRuntimeOptions,
  knownSecrets,
  type Observability,
  type ObservabilitySettings,
} from './telemetry-runtime.js';
export {
  classifyGraphOutcome,
  instrumentGraphClient,
  GraphMetrics,
  GRAPH_METHOD_ENDPOINTS,
  type GraphCallOutcome,
  type GraphCallRecorder,
} from './graph-instrumentation.js';
export {
  OrderPhaseGauge,
  runningInPhaseQuery,
  NEEDS_ATTENTION_QUERY,
  countWith,
  type CountWorkflows,
} from './order-phase-gauge.js';
export { IntakeHealthGauge, PAUSED_INTAKE_QUERY, RUNNING_POLLERS_QUERY, recordPollSuccess } from './intake-health.js';
export { createJsonLogger, formatLogEntry, withFields, type AppLogLevel } from './json-log.js';
export { LogRedactor, REDACTED } from './log-redaction.js';
export { orderIdFromWorkflowId } from './order-id.js';
export { METRIC } from './metric-names.js';
