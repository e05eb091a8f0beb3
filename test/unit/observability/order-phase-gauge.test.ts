/** Orders per phase from visibility counts: the queries sent, the gauges set, and failures. */
import { describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../../src/observability/json-log.js';
import { LogRedactor } from '../../../src/observability/log-redaction.js';
import { METRIC } from '../../../src/observability/metric-names.js';
import { ORDER_PHASES } from '../../../src/api/order-state.js';
import {
  NEEDS_ATTENTION_QUERY,
  OrderPhaseGauge,
  runningInPhaseQuery,
} from '../../../src/observability/order-phase-gauge.js';
import { FB_NEEDS_ATTENTION, FB_ORDER_PHASE } from '../../../src/api/search-attributes.js';
import { RecordingMeter } from './recording-meter.js';

function setup(count: (query: string) => Promise<number>) {
  const meter = new RecordingMeter();
  const lines: string[] = [];
  const logger = createJsonLogger({ level: 'info', redactor: new LogRedactor([]), write: (l) => lines.push(l) });
  const gauge = new OrderPhaseGauge({ count, meter, logger });
  return { meter, lines, gauge };
}

describe('OrderPhaseGauge', () => {
  it('asks visibility once per phase plus once for attention, with the registered attribute names', async () => {
    const queries: string[] = [];
    const { gauge } = setup(async (q) => {
      queries.push(q);
      return 0;
    });
    await gauge.refresh();
    expect(ORDER_PHASES).toEqual([
      'AWAITING_RELEASE',
      'ACKNOWLEDGING',
      'IN_PROGRESS',
      'RETURN_WINDOW',
      'CANCELLED',
      'CLOSED',
    ]);
    expect(queries).toEqual([...ORDER_PHASES.map(runningInPhaseQuery), NEEDS_ATTENTION_QUERY]);
    expect(runningInPhaseQuery('IN_PROGRESS')).toBe(
      `${FB_ORDER_PHASE.name} = 'IN_PROGRESS' AND ExecutionStatus = 'Running'`,
    );
    expect(NEEDS_ATTENTION_QUERY).toBe(
      `WorkflowType = 'orderWorkflow' AND ${FB_NEEDS_ATTENTION.name} = true AND ExecutionStatus = 'Running'`,
    );
  });

  it('sets one gauge per phase and the attention gauge from the counts', async () => {
    const counts = new Map([
      [runningInPhaseQuery('IN_PROGRESS'), 7],
      [runningInPhaseQuery('ACKNOWLEDGING'), 2],
      [NEEDS_ATTENTION_QUERY, 1],
    ]);
    const { gauge, meter } = setup(async (q) => counts.get(q) ?? 0);
    await gauge.refresh();
    expect(meter.last(METRIC.ordersRunning, { phase: 'IN_PROGRESS' })).toBe(7);
    expect(meter.last(METRIC.ordersRunning, { phase: 'ACKNOWLEDGING' })).toBe(2);
    expect(meter.last(METRIC.ordersRunning, { phase: 'CLOSED' })).toBe(0);
    expect(meter.last(METRIC.ordersNeedingAttention)).toBe(1);
  });

  it('keeps the last value when a query fails, counts the failure, and logs once per streak', async () => {
    let failing = false;
    const { gauge, meter, lines } = setup(async (q) => {
      if (failing && q === runningInPhaseQuery('IN_PROGRESS'))
        throw new Error('FbOrderPhase is not a registered search attribute');
      return 4;
    });
    await gauge.refresh();
    failing = true;
    await gauge.refresh();
    await gauge.refresh();
    expect(meter.last(METRIC.ordersRunning, { phase: 'IN_PROGRESS' })).toBe(4);
    expect(meter.matching(METRIC.ordersRunning, { phase: 'IN_PROGRESS' })).toHaveLength(1);
    expect(meter.total(METRIC.orderCountErrors, { query: 'IN_PROGRESS' })).toBe(2);
    const warnings = lines.map((l) => JSON.parse(l) as { level: string; msg: string; query: string });
    expect(warnings).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'order count query failed; the gauge keeps its last value',
        query: runningInPhaseQuery('IN_PROGRESS'),
      }),
    ]);
    failing = false;
    await gauge.refresh();
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
      'order count query failed; the gauge keeps its last value',
      'order count query works again',
    ]);
  });

  it('joins a refresh already in progress instead of querying twice', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { gauge } = setup(async () => {
      calls += 1;
      await gate;
      return 1;
    });
    const first = gauge.refresh();
    const second = gauge.refresh();
    expect(second).toBe(first);
    release();
    await Promise.all([first, second]);
    expect(calls).toBe(ORDER_PHASES.length + 1);
  });

  it('start() counts at once and stop() waits for that pass', async () => {
    let calls = 0;
    const { gauge } = setup(async () => {
      calls += 1;
      return 0;
    });
    gauge.start();
    await gauge.stop();
    expect(calls).toBe(ORDER_PHASES.length + 1);
  });
});
