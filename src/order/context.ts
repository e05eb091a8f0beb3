/**
 * What every part of one order workflow shares, each part with one job:
 *   state       the order as the `state` query shows it and continue-as-new carries it
 *   inbox       what signals left for the main loop (src/order/inbox.ts)
 *   visibility  search attributes and the Web UI's details (src/order/visibility.ts)
 *   attention   NEEDS_ATTENTION and the retry loop (src/order/attention.ts)
 *   lock        one Graph write or refresh at a time (src/order/lock.ts)
 *   activities  proxies with the policy's timeouts and retry budgets; `oms` parks the order on refusal
 * Workflow code.
 */
import type { OmsActivities } from '../api/activities.js';
import type { OrderPhase, OrderWorkflowState } from '../api/order-state.js';
import type { OrderActivities } from './activity-proxies.js';
import { AttentionLoop } from './attention.js';
import { OrderInbox } from './inbox.js';
import { KeptTimer } from './kept-timer.js';
import { OrderLock } from './lock.js';
import type { OrderPolicy } from './policy.js';
import { OrderVisibility } from './visibility.js';

export class OrderContext {
  readonly inbox: OrderInbox;
  readonly visibility: OrderVisibility;
  readonly attention: AttentionLoop;
  readonly lock = new OrderLock();
  /** The open order's periodic refresh from Meta, and the return window's end (open-order.ts). */
  readonly refreshTimer = new KeptTimer('Until the next refresh from Meta');
  readonly windowTimer = new KeptTimer('Until the return window closes');
  /** OMS calls that park the order in NEEDS_ATTENTION instead of failing it when the OMS refuses. */
  readonly oms: OmsActivities;

  constructor(
    readonly state: OrderWorkflowState,
    readonly policy: OrderPolicy,
    readonly activities: OrderActivities,
  ) {
    this.inbox = new OrderInbox(state);
    this.visibility = new OrderVisibility(state);
    this.attention = new AttentionLoop(state, this.visibility, activities.oms.notifyOps);
    this.oms = this.attention.guard(activities.oms);
  }

  now(): string {
    return new Date().toISOString();
  }

  setPhase(phase: OrderPhase): void {
    this.state.phase = phase;
    this.visibility.publish();
  }
}
