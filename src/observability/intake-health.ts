/**
 * Whether intake is healthy, as metrics:
 *   fb_intake_healthy                              1 when an order poller runs and no intake workflow
 *                                                  is paused (FbNeedsAttention), else 0
 *   fb_intake_needing_attention                    running pollers and ack batchers that are paused
 *   fb_intake_pollers_running                      running order pollers
 *   fb_intake_last_poll_success_timestamp_seconds  {cms_id} when a poll last succeeded in this process
 *
 * The first three are visibility counts, like the order-phase gauges: the cluster's truth whichever
 * worker runs the workflows (every replica reports the same number: aggregate with max()). The
 * last is set by the poll activity when it returns: aggregate with max() across workers too.
 * Alert on `fb_intake_healthy == 0`, or on `time() - fb_intake_last_poll_success_timestamp_seconds`
 * well above the poll interval.
 */
import type { Logger, MetricMeter } from '@temporalio/common';
import type { IntakeActivities } from '../api/activities.js';
import { FB_NEEDS_ATTENTION } from '../api/search-attributes.js';
import { METRIC } from './metric-names.js';
import { PeriodicCount } from './periodic.js';
import type { CountWorkflows } from './order-phase-gauge.js';

export const INTAKE_WORKFLOW_TYPES = ['orderPollerWorkflow', 'ackBatcherWorkflow'] as const;

export const PAUSED_INTAKE_QUERY =
  `WorkflowType IN (${INTAKE_WORKFLOW_TYPES.map((t) => `'${t}'`).join(', ')}) AND ` +
  `${FB_NEEDS_ATTENTION.name} = true AND ExecutionStatus = 'Running'`;

export const RUNNING_POLLERS_QUERY = `WorkflowType = 'orderPollerWorkflow' AND ExecutionStatus = 'Running'`;

export const DEFAULT_INTAKE_HEALTH_INTERVAL_MS = 30_000;

export interface IntakeHealthGaugeOptions {
  count: CountWorkflows;
  meter: MetricMeter;
  logger: Logger;
  intervalMs?: number;
}

export class IntakeHealthGauge extends PeriodicCount {
  private readonly healthy;
  private readonly paused;
  private readonly pollers;
  private readonly errors;
  private failing = false;

  constructor(private readonly options: IntakeHealthGaugeOptions) {
    super(options.intervalMs ?? DEFAULT_INTAKE_HEALTH_INTERVAL_MS);
    const { meter } = options;
    this.healthy = meter.createGauge(
      METRIC.intakeHealthy,
      'int',
      undefined,
      'Intake is healthy: a poller runs and no intake workflow is paused (cluster-wide; aggregate with max)',
    );
    this.paused = meter.createGauge(
      METRIC.intakeNeedingAttention,
      'int',
      undefined,
      'Order pollers and ack batchers paused by a failure only time or an operator can fix (cluster-wide)',
    );
    this.pollers = meter.createGauge(METRIC.intakePollersRunning, 'int', undefined, 'Running order pollers');
    this.errors = meter.createCounter(METRIC.orderCountErrors, undefined, 'Visibility count queries that failed');
  }

  protected async countAll(): Promise<void> {
    try {
      const paused = await this.options.count(PAUSED_INTAKE_QUERY);
      const pollers = await this.options.count(RUNNING_POLLERS_QUERY);
      this.paused.set(paused);
      this.pollers.set(pollers);
      this.healthy.set(pollers > 0 && paused === 0 ? 1 : 0);
      if (this.failing) this.options.logger.info('intake health counts work again');
      this.failing = false;
    } catch (err) {
      this.errors.add(1, { query: 'intake_health' });
      if (!this.failing)
        this.options.logger.warn('intake health count failed; the gauges keep their last value', { error: err });
      this.failing = true;
    }
  }
}

/** The poll activity, recording when a poll succeeded (per commerce account). */
export function recordPollSuccess(
  pollOrders: IntakeActivities['pollOrders'],
  meter: MetricMeter,
  now: () => number = Date.now,
): IntakeActivities['pollOrders'] {
  const lastSuccess = meter.createGauge(
    METRIC.intakeLastPollSuccess,
    'int',
    's',
    'When a poll of Meta for orders last succeeded (unix seconds; aggregate with max)',
  );
  return async (input) => {
    const result = await pollOrders(input);
    lastSuccess.set(Math.floor(now() / 1000), { cms_id: input.cmsId });
    return result;
  };
}
