/**
 * NEEDS_ATTENTION: a step whose activity fails for good (retry budget spent, or an error retrying
 * cannot fix) parks the order instead of failing it. Ops are notified, the search attribute is set,
 * and the step waits for a `retry` command, then runs again with the same idempotency key.
 * Workflow code.
 */
import { ActivityFailure, ApplicationFailure, condition } from '@temporalio/workflow';
import type { OmsActivities } from '../api/activities.js';
import { TEXT_LIMITS, truncate } from '../api/limits.js';
import { OMS_ACTIVITY_METHODS } from '../api/oms-port-methods.js';
import type { OrderWorkflowState } from '../api/order-state.js';
import type { OrderVisibility } from './visibility.js';

export class AttentionLoop {
  private retriesRequested = 0;

  constructor(
    private readonly state: OrderWorkflowState,
    private readonly visibility: OrderVisibility,
    private readonly notifyOps: OmsActivities['notifyOps'],
  ) {}

  /** The `retry` command: wakes the step that waits. */
  requestRetry(): void {
    this.retriesRequested += 1;
  }

  /**
   * Runs a step until it succeeds, parking the order in NEEDS_ATTENTION after each failure for good.
   * `passThrough` lets a caller hand some failures back (e.g. Meta rejecting a command's content).
   */
  async step<T>(
    step: string,
    work: () => Promise<T>,
    passThrough?: (failure: ApplicationFailure) => boolean,
  ): Promise<T> {
    for (;;) {
      try {
        return await work();
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        const cause = err.cause;
        if (cause instanceof ApplicationFailure && passThrough?.(cause)) throw cause;
        const errorType =
          cause instanceof ApplicationFailure
            ? (cause.type ?? 'ApplicationFailure')
            : (cause?.name ?? 'ActivityFailure');
        // Meta's or the OMS's message, cut to the cap: it goes into the state and the ops notice.
        const reason = truncate(cause?.message ?? err.message, TEXT_LIMITS.refusal);
        const seen = this.retriesRequested;
        this.state.attention = { step, reason, errorType, since: new Date().toISOString() };
        this.visibility.publish();
        await this.notifyOps({
          metaOrderId: this.state.orderId,
          severity: 'critical',
          reason: `order ${this.state.orderId} needs attention at "${step}": ${reason} (${errorType}). Send a retry once fixed.`,
        });
        await condition(() => this.retriesRequested > seen);
        this.state.attention = undefined;
        this.visibility.publish();
      }
    }
  }

  /** The OMS activities, each run as a step named after it (so an OMS refusal parks the order). */
  guard(oms: OmsActivities): OmsActivities {
    type AnyCall = (...args: unknown[]) => Promise<unknown>;
    const guarded = Object.fromEntries(
      OMS_ACTIVITY_METHODS.map((name) => {
        const call = oms[name] as unknown as AnyCall;
        return [name, (...args: unknown[]) => this.step(`OMS ${name}`, () => call(...args))];
      }),
    ) as unknown as OmsActivities;
    // Ops notifications are how attention is raised: never guarded, or a failing channel would loop.
    return { ...guarded, notifyOps: oms.notifyOps };
  }
}
