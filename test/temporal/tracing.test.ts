/**
 * Tracing on (OTEL_EXPORTER_OTLP_ENDPOINT): one order run by workers built with startTracing, and
 * the spans that reach a local OTLP collector: its activities (scheduled in the workflow, run in
 * the worker), and inside them the Graph and OMS calls, all in one trace. The same order's history
 * also shows what the Web UI displays: a summary on every activity call and timer, and a
 * description on every query, signal and Update (src/api/activity-summaries.ts).
 */
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startTracing, type Tracing } from '../../src/observability/tracing.js';
import { createWorkers } from '../../src/wiring/workers.js';
import { startOtlpCollector } from '../unit/observability/otlp-collector.js';
import { createOrderWorld, eventually, type OrderWorld } from './order-fixture.js';

let world: OrderWorld;
let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
let tracing: Tracing;
let workers: Worker[];
let running: Promise<unknown>;

beforeAll(async () => {
  collector = await startOtlpCollector();
  world = await createOrderWorld({ withoutWorkers: true });
  tracing = (await startTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url }), {}))!;
  // No workflowBundle: bundled here with the tracing workflow interceptors, as a traced worker does.
  workers = await createWorkers({
    connection: world.harness.nativeConnection,
    namespace: world.harness.namespace,
    taskQueue: world.taskQueue,
    graphTaskQueue: world.graphTaskQueue,
    graphMaxCallsPerSecond: 1_000,
    deps: { graph: world.graph, oms: world.oms, throttleFloorMs: 200, maxPaceMs: 100 },
    tracing,
  });
  running = Promise.all(workers.map((w) => w.run()));
}, 180_000);

afterAll(async () => {
  for (const w of workers ?? []) if (w.getState() === 'RUNNING') w.shutdown();
  await running;
  await tracing?.shutdown();
  await world?.close();
  await collector?.close();
});

describe('tracing', () => {
  it('exports the activities the workflow schedules, their runs and the Graph and OMS calls inside them as one trace', async () => {
    const created = await world.admin.createOrder({ items: [{ retailerId: 'MUG', quantity: 1 }], releaseDelayMs: 0 });
    await world.oms.seedProducts([{ retailerId: 'MUG', name: 'Mug', onHand: 5 }]);
    await world.startOrder(created.id);
    // IN_PROGRESS: acknowledged, marked processing in the OMS, and waiting (on a timer) for commands.
    await eventually(async () => {
      const state = await world.orders.getState(created.id);
      return state.phase === 'IN_PROGRESS' ? true : undefined;
    }, 'the order acknowledged and waiting');
    await tracing.shutdown(); // flushes what is buffered

    const byId = new Map(collector.spans.map((span) => [span.spanId, span]));
    const named = (name: string) => collector.spans.find((span) => span.name === name);
    const parentOf = (name: string) => byId.get(named(name)?.parentSpanId ?? '')?.name;
    // Workflow side (StartActivity: scheduled by the workflow's interceptor), worker side
    // (RunActivity), and inside the activities our Graph and OMS spans.
    expect(parentOf('oms.createPendingOrder')).toBe('RunActivity:createPendingOmsOrder');
    expect(parentOf('RunActivity:createPendingOmsOrder')).toBe('StartActivity:createPendingOmsOrder');
    expect(parentOf('graph POST /{order-id}/acknowledge_order')).toBe('RunActivity:acknowledgeOrder');
    // Once Meta has confirmed it, the acknowledge activity marks the OMS order processing itself.
    expect(parentOf('oms.markProcessing')).toBe('RunActivity:acknowledgeOrder');
    // One trace for the whole order: every activity is scheduled from the workflow's run span
    // (RunWorkflow, exported once the workflow ends; this order is still open).
    expect(new Set(collector.spans.map((span) => span.traceId)).size).toBe(1);
    const scheduled = collector.spans.filter((span) => span.name.startsWith('StartActivity:'));
    expect(scheduled.length).toBeGreaterThanOrEqual(3);
    expect(new Set(scheduled.map((span) => span.parentSpanId)).size).toBe(1);
  });

  it('gives the Web UI a summary on every activity call and timer, and a description on every handler', async () => {
    const orderId = world.started[0]!.replace(/^fb-order-/, '');
    const handle = world.harness.client.workflow.getHandle(world.started[0]!);
    const history = await handle.fetchHistory();
    const converter = world.harness.client.options.loadedDataConverter.payloadConverter;
    const events = history.events ?? [];
    const summaryOf = (event: (typeof events)[number]) =>
      event.userMetadata?.summary ? converter.fromPayload<string>(event.userMetadata.summary) : undefined;
    const scheduled = events.filter((event) => event.activityTaskScheduledEventAttributes);
    const timers = events.filter((event) => event.timerStartedEventAttributes);
    expect(scheduled.length).toBeGreaterThanOrEqual(3);
    expect(scheduled.map(summaryOf)).toEqual(scheduled.map(() => expect.stringMatching(/^(Meta|OMS|Meta and OMS): /)));
    expect(scheduled.map(summaryOf)).toContain(`Meta: read order ${orderId}`);
    expect(timers.length).toBeGreaterThanOrEqual(1);
    expect(timers.map(summaryOf)).toEqual(timers.map(() => expect.stringMatching(/\w/)));

    const metadata = await handle.query<{
      definition: Record<
        'queryDefinitions' | 'signalDefinitions' | 'updateDefinitions',
        { name: string; description?: string }[]
      >;
    }>('__temporal_workflow_metadata');
    const handlers = [
      ...metadata.definition.queryDefinitions,
      ...metadata.definition.signalDefinitions,
      ...metadata.definition.updateDefinitions,
    ].filter((handler) => !handler.name.startsWith('__'));
    expect(handlers.map((handler) => handler.name)).toEqual(
      expect.arrayContaining(['state', 'ship', 'shipSignal', 'orderUpdated']),
    );
    expect(handlers.filter((handler) => !handler.description)).toEqual([]);
  });
});
