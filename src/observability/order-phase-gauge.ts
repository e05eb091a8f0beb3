/**
 * Orders per phase, as gauges, from Temporal visibility:
 *   fb_orders_running{phase}       count of `FbOrderPhase = '<phase>' AND ExecutionStatus = 'Running'`
 *   fb_orders_needing_attention    count of `FbNeedsAttention = true AND ExecutionStatus = 'Running'`
 *
 * Why a periodic count and not a counter of phase transitions: a transition counter would have to
 * be emitted from workflow code (changes to the order workflow, care with replays and
 * continue-as-new) and only gives rates; "how many orders sit in ACKNOWLEDGING right now" would
 * need every transition since the beginning of time. The count is the truth the Web UI shows,
 * survives worker restarts, and costs one cheap visibility query per phase per interval.
 * Every worker replica reports the same cluster-wide number: aggregate with max(), not sum().
 */
import type { Client } from '@temporalio/client';
import type { Logger, MetricMeter } from '@temporalio/common';
import { ORDER_PHASES, type OrderPhase } from '../api/order-state.js';
import { FB_NEEDS_ATTENTION, FB_ORDER_PHASE } from '../api/search-attributes.js';
import { METRIC } from './metric-names.js';
import { PeriodicCount } from './periodic.js';

export const DEFAULT_ORDER_COUNT_INTERVAL_MS = 60_000;

export type CountWorkflows = (query: string) => Promise<number>;

/** The visibility query counting running orders in one phase. */
export function runningInPhaseQuery(phase: OrderPhase): string {
  return `${FB_ORDER_PHASE.name} = '${phase}' AND ExecutionStatus = 'Running'`;
}

/** Orders only: a paused order poller or ack batcher carries the flag too (observability/intake-health.ts). */
export const NEEDS_ATTENTION_QUERY = `WorkflowType = 'orderWorkflow' AND ${FB_NEEDS_ATTENTION.name} = true AND ExecutionStatus = 'Running'`;

/** Count through a Temporal client (CountWorkflowExecutions). */
export function countWith(client: Client): CountWorkflows {
  return async (query) => (await client.workflow.count(query)).count;
}

export interface OrderPhaseGaugeOptions {
  count: CountWorkflows;
  meter: MetricMeter;
  logger: Logger;
  intervalMs?: number;
}

export class OrderPhaseGauge extends PeriodicCount {
  private readonly running;
  private readonly attention;
  private readonly errors;
  private readonly failing = new Set<string>();

  constructor(private readonly options: OrderPhaseGaugeOptions) {
    super(options.intervalMs ?? DEFAULT_ORDER_COUNT_INTERVAL_MS);
    this.running = options.meter.createGauge(
      METRIC.ordersRunning,
      'int',
      undefined,
      'Running order workflows per phase (cluster-wide; aggregate with max)',
    );
    this.attention = options.meter.createGauge(
      METRIC.ordersNeedingAttention,
      'int',
      undefined,
      'Running order workflows that need an operator (cluster-wide; aggregate with max)',
    );
    this.errors = options.meter.createCounter(
      METRIC.orderCountErrors,
      undefined,
      'Visibility count queries that failed',
    );
  }

  protected async countAll(): Promise<void> {
    // One query at a time: this is background bookkeeping and must stay light on visibility.
    for (const phase of ORDER_PHASES) {
      await this.countInto(phase, runningInPhaseQuery(phase), (n) => this.running.set(n, { phase }));
    }
    await this.countInto('needs_attention', NEEDS_ATTENTION_QUERY, (n) => this.attention.set(n));
  }

  private async countInto(name: string, query: string, set: (count: number) => void): Promise<void> {
    try {
      set(await this.options.count(query));
      if (this.failing.delete(name)) this.options.logger.info('order count query works again', { query });
    } catch (err) {
      this.errors.add(1, { query: name });
      // Log the first failure of a streak only: a missing search attribute would otherwise log every minute.
      if (!this.failing.has(name)) {
        this.failing.add(name);
        this.options.logger.warn('order count query failed; the gauge keeps its last value', { query, error: err });
      }
    }
  }
}
