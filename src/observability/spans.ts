/**
 * Our own spans, around the calls that leave the worker: Graph (graph-instrumentation.ts) and the
 * OMS port. Only the OpenTelemetry API: with no tracer provider registered (tracing off, see
 * tracing.ts) every span is the API's no-op.
 */
import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { OmsPort } from '../api/oms-port.js';
import { OMS_PORT_METHODS } from '../api/oms-port-methods.js';

/** The tracer of our own spans (Graph and OMS calls). */
export const TRACER_NAME = 'meta-shops-temporal';

/** Runs `call` in a span of its own (a no-op when tracing is off); a failure marks the span as an error. */
export async function inSpan<T>(name: string, attributes: Attributes, call: () => Promise<T>): Promise<T> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await call();
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * The same OMS adapter, each port call in a span `oms.<method>` carrying the Meta order id (never
 * buyer data: the arguments are not recorded).
 */
export function traceOmsPort(oms: OmsPort): OmsPort {
  const traced = {} as Record<string, unknown>;
  for (const method of OMS_PORT_METHODS) {
    // Looked up at each call, as a direct call would: an adapter whose method is replaced later
    // (a test's fault, a hot-swapped client) is called as it is then.
    traced[method] = (...args: unknown[]) =>
      inSpan(`oms.${method}`, { 'meta.order_id': metaOrderIdOf(args[0]) }, () =>
        (oms[method] as (...args: unknown[]) => Promise<unknown>).apply(oms, args),
      );
  }
  return traced as unknown as OmsPort;
}

function metaOrderIdOf(firstArgument: unknown): string {
  if (typeof firstArgument === 'string') return firstArgument;
  const id = (firstArgument as { metaOrderId?: unknown } | undefined)?.metaOrderId;
  return typeof id === 'string' ? id : '';
}
