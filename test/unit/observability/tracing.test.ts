/**
 * Tracing is off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; set, our spans (Graph and OMS calls)
 * reach an OTLP/HTTP collector. Workflow and activity spans: test/temporal/tracing.test.ts.
 */
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { inSpan, traceOmsPort } from '../../../src/observability/spans.js';
import { startTracing } from '../../../src/observability/tracing.js';
import { ReferenceOms } from '../../../src/oms/reference/index.js';
import { startOtlpCollector } from './otlp-collector.js';

let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
beforeAll(async () => {
  collector = await startOtlpCollector();
});
afterAll(() => collector.close());

describe('tracing', () => {
  it('is off by default: no tracer provider, spans record nothing, nothing is sent', async () => {
    const config = loadConfig({});
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(await startTracing(config, {})).toBeUndefined();
    let recording: boolean | undefined;
    await inSpan('graph GET /{order-id}', {}, async () => {
      recording = trace.getActiveSpan()?.isRecording() ?? false;
    });
    expect(recording).toBe(false);
    expect(collector.paths).toEqual([]);
  });

  it('with OTEL_EXPORTER_OTLP_ENDPOINT set, exports our spans to <endpoint>/v1/traces', async () => {
    const tracing = (await startTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url }), {}))!;
    expect(tracing).toBeDefined();
    const oms = await ReferenceOms.open();
    try {
      const traced = traceOmsPort(oms);
      await inSpan('graph GET /{order-id}', { 'graph.endpoint': 'GET /{order-id}' }, async () => {
        await traced.reserveInventory('310000000000007', [{ retailerId: 'MUG', quantity: 1 }]);
      });
      await expect(traced.markProcessing('')).rejects.toThrow();
    } finally {
      await tracing.shutdown();
      await oms.close();
    }
    expect(new Set(collector.paths)).toEqual(new Set(['/v1/traces']));
    const byName = new Map(collector.spans.map((span) => [span.name, span]));
    const graph = byName.get('graph GET /{order-id}');
    const reserve = byName.get('oms.reserveInventory');
    expect(graph?.attributes).toEqual({ 'graph.endpoint': 'GET /{order-id}' });
    expect(reserve?.attributes).toEqual({ 'meta.order_id': '310000000000007' });
    // The OMS call ran inside the Graph span: one trace, parent and child.
    expect(reserve?.traceId).toBe(graph?.traceId);
    expect(reserve?.parentSpanId).toBe(graph?.spanId);
    expect(byName.get('oms.markProcessing')).toBeDefined();
  });

  it('calls the OMS adapter method as it is at call time (a method replaced later is the one called)', async () => {
    const calls: string[] = [];
    const oms = { markProcessing: async (id: string) => void calls.push(`first ${id}`) } as unknown as Parameters<
      typeof traceOmsPort
    >[0];
    const traced = traceOmsPort(oms);
    (oms as { markProcessing: (id: string) => Promise<void> }).markProcessing = async (id) =>
      void calls.push(`replaced ${id}`);
    await traced.markProcessing('42');
    expect(calls).toEqual(['replaced 42']);
  });
});
