import { describe, expect, test } from 'vitest';
import { DefaultLogger } from '@temporalio/worker';
import type { PollOrdersResult } from '../../../src/api/activities.js';
import {
  IntakeHealthGauge,
  PAUSED_INTAKE_QUERY,
  RUNNING_POLLERS_QUERY,
  recordPollSuccess,
} from '../../../src/observability/intake-health.js';
import { METRIC } from '../../../src/observability/metric-names.js';
import { RecordingMeter } from './recording-meter.js';

const logger = new DefaultLogger('ERROR');

function gauge(counts: Record<string, number> | Error) {
  const meter = new RecordingMeter();
  const health = new IntakeHealthGauge({
    meter,
    logger,
    count: async (query) => {
      if (counts instanceof Error) throw counts;
      return counts[query] ?? 0;
    },
  });
  const last = (name: string) => meter.observations.filter((o) => o.name === name).at(-1)?.value;
  return { health, meter, last };
}

describe('IntakeHealthGauge', () => {
  test('healthy: a poller runs and nothing is paused', async () => {
    const { health, last } = gauge({ [RUNNING_POLLERS_QUERY]: 1, [PAUSED_INTAKE_QUERY]: 0 });
    await health.refresh();
    expect([
      last(METRIC.intakeHealthy),
      last(METRIC.intakePollersRunning),
      last(METRIC.intakeNeedingAttention),
    ]).toEqual([1, 1, 0]);
  });

  test('unhealthy when an intake workflow is paused, or no poller runs', async () => {
    const paused = gauge({ [RUNNING_POLLERS_QUERY]: 1, [PAUSED_INTAKE_QUERY]: 1 });
    await paused.health.refresh();
    expect(paused.last(METRIC.intakeHealthy)).toBe(0);
    const none = gauge({ [RUNNING_POLLERS_QUERY]: 0, [PAUSED_INTAKE_QUERY]: 0 });
    await none.health.refresh();
    expect(none.last(METRIC.intakeHealthy)).toBe(0);
  });

  test('a failed count keeps the last values and is counted', async () => {
    const { health, meter, last } = gauge(new Error('visibility down'));
    await health.refresh();
    expect(last(METRIC.intakeHealthy)).toBeUndefined();
    expect(meter.observations.filter((o) => o.name === METRIC.orderCountErrors)).toHaveLength(1);
  });

  test('the query asks for paused pollers and batchers by the search attribute', () => {
    expect(PAUSED_INTAKE_QUERY).toBe(
      "WorkflowType IN ('orderPollerWorkflow', 'ackBatcherWorkflow') AND FbNeedsAttention = true AND ExecutionStatus = 'Running'",
    );
  });
});

test('recordPollSuccess: a successful poll sets the account timestamp; a failed one leaves it', async () => {
  const meter = new RecordingMeter();
  const result = { maxLastUpdated: 0 } as PollOrdersResult;
  let fail = false;
  const poll = recordPollSuccess(
    async () => {
      if (fail) throw new Error('expired token');
      return result;
    },
    meter,
    () => 1_700_000_000_500,
  );
  const input = { cmsId: '42', updatedAfter: 0, orderTaskQueue: 'q', graphTaskQueue: 'g', ackMode: 'bulk' as const };
  await expect(poll(input)).resolves.toBe(result);
  fail = true;
  await expect(poll(input)).rejects.toThrow('expired token');
  expect(meter.observations.filter((o) => o.name === METRIC.intakeLastPollSuccess)).toEqual([
    { name: METRIC.intakeLastPollSuccess, kind: 'gauge', value: 1_700_000_000, tags: { cms_id: '42' } },
  ]);
});
