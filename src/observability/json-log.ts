/**
 * One JSON object per line for every log entry of the process: the SDK's own (worker, core),
 * workflow code (`log` from @temporalio/workflow, delivered through the SDK's logger sink),
 * activities (`Context.current().log`) and ours. Shape:
 *   {"ts":"2025-01-01T00:00:00.000Z","level":"info","msg":"...","orderId":"123",...metadata}
 * `orderId` is added whenever the entry belongs to an order workflow or one of its activities.
 */
import { DefaultLogger, type LogEntry, type Logger, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { JsonValue, LogRedactor } from './log-redaction.js';
import { orderIdFromWorkflowId } from './order-id.js';

export type AppLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Keys the line itself owns; metadata with the same name is kept under `meta_<key>`. */
const RESERVED = new Set(['ts', 'level', 'msg', 'orderId']);

export function toSdkLogLevel(level: AppLogLevel): LogLevel {
  return level.toUpperCase() as LogLevel;
}

/** One log entry as one JSON line (without the trailing newline), redacted. */
export function formatLogEntry(entry: LogEntry, redactor: LogRedactor): string {
  const meta = (entry.meta ?? {}) as LogMetadata;
  const line: Record<string, JsonValue> = {
    ts: new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString(),
    level: entry.level.toLowerCase(),
    msg: redactor.text(entry.message),
  };
  const orderId = typeof meta.orderId === 'string' ? meta.orderId : orderIdFromWorkflowId(meta.workflowId);
  if (orderId !== undefined) line.orderId = redactor.text(orderId);
  const fields = redactor.value(Object.fromEntries(Object.entries(meta).filter(([key]) => key !== 'orderId')));
  if (fields && typeof fields === 'object' && !Array.isArray(fields)) {
    for (const [key, value] of Object.entries(fields)) line[RESERVED.has(key) ? `meta_${key}` : key] = value;
  }
  return JSON.stringify(line);
}

export interface JsonLoggerOptions {
  level: AppLogLevel;
  redactor: LogRedactor;
  /** Receives each finished line, without newline. Default: stdout. */
  write?: (line: string) => void;
}

/**
 * SDK warnings that every correctly set-up worker of this project prints: the intake queue's worker
 * has no activities and the Graph queue's worker no workflows, by design (src/wiring/workers.ts).
 * Shown at debug level only, so a warning in the log is always worth reading.
 */
const EXPECTED_SDK_WARNINGS = new Set([
  'No activities registered, not polling for activity tasks',
  'No workflows registered, not polling for workflow tasks',
]);

const writeStdout = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/**
 * A Logger for `Runtime.install({ logger })` and for our own code. Built on the SDK's DefaultLogger
 * so level filtering and the SDK's timestamps (which keep workflow log order) behave as documented.
 */
export function createJsonLogger(options: JsonLoggerOptions): Logger {
  const write = options.write ?? writeStdout;
  return new DefaultLogger(toSdkLogLevel(options.level), (entry) => {
    if (options.level !== 'debug' && EXPECTED_SDK_WARNINGS.has(entry.message)) return;
    try {
      write(formatLogEntry(entry, options.redactor));
    } catch (err) {
      // A log line must never take the worker down; say so once, in the same format, without the entry.
      write(
        JSON.stringify({
          ts: new Date().toISOString(),
          level: 'error',
          msg: 'log entry could not be formatted',
          error: options.redactor.text(String((err as Error)?.message ?? err)),
        }),
      );
    }
  });
}

/** A logger that adds `fields` to every entry (e.g. `{ component: 'order-phase-gauge' }`). */
export function withFields(logger: Logger, fields: LogMetadata): Logger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) =>
    logger.log(level, message, { ...fields, ...meta });
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
