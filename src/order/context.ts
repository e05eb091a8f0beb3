/**
 * What every part of one order workflow shares: its state, its activities, the lock that keeps
 * Graph writes for the order one at a time, search attributes, and NEEDS_ATTENTION handling.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { OmsActivities } from '../api/activities.js';
import type { OrderActivities } from './activity-proxies.js';
import type { OrderPhase, OrderSnapshot, OrderWorkflowState } from '../api/order-state.js';
import type { OrderPolicy } from './policy.js';
import {
  FB_CHANNEL,
  FB_CMS_ID,
  FB_MERCHANT_ORDER_REF,
  FB_NEEDS_ATTENTION,
  FB_ORDER_PHASE,
  FB_ORDER_STATE,
} from '../api/search-attributes.js';

const STATE_ORDER: readonly OrderSnapshot['state'][] = ['FB_PROCESSING', 'CREATED', 'IN_PROGRESS', 'COMPLETED'];

export class OrderContext {
  /** Set by orderUpdated signals: Meta changed the order, refresh it. */
  metaChangeNoticed = false;
  /** The newest snapshot a signal brought, used by the next refresh instead of a Graph read. */
  noticedSnapshot: OrderSnapshot | undefined;
  /** The poller handed this order to the ack batcher when it started it: the answer is on its way. */
  handedToAckBatcher = false;
  private retriesRequested = 0;
  private busy = false;
  private lastSearchAttributes = '';
  /** OMS calls that park the order in NEEDS_ATTENTION instead of failing it when the OMS refuses. */
  readonly oms: OmsActivities;

  constructor(
    readonly state: OrderWorkflowState,
    readonly policy: OrderPolicy,
    readonly activities: OrderActivities,
  ) {
    this.oms = this.guardOms(activities.oms);
  }

  private guardOms(oms: OmsActivities): OmsActivities {
    type AnyCall = (...args: unknown[]) => Promise<unknown>;
    const guard = <K extends keyof OmsActivities>(name: K): OmsActivities[K] => {
      const call = oms[name] as unknown as AnyCall;
      return ((...args: unknown[]) => this.withAttention(`OMS ${name}`, () => call(...args))) as unknown as OmsActivities[K];
    };
    return {
      reserveInventory: guard('reserveInventory'),
      releaseInventory: guard('releaseInventory'),
      markProcessing: guard('markProcessing'),
      recordShipment: guard('recordShipment'),
      recordTrackingUpdate: guard('recordTrackingUpdate'),
      recordCancellation: guard('recordCancellation'),
      recordRefund: guard('recordRefund'),
      markCompleted: guard('markCompleted'),
      notifyExternalChange: guard('notifyExternalChange'),
      // Ops notifications are how attention is raised: never guarded, or a failing channel would loop.
      notifyOps: oms.notifyOps,
    };
  }

  now(): string {
    return new Date().toISOString();
  }

  setPhase(phase: OrderPhase): void {
    this.state.phase = phase;
    this.publish();
  }

  /** Takes in what Meta reports about the order (never buyer data). */
  absorbSnapshot(snapshot: OrderSnapshot): void {
    // A snapshot read before our own last write can arrive after it: Meta's states only move
    // forward, so an older-looking state never replaces a newer one.
    if (STATE_ORDER.indexOf(snapshot.state) >= STATE_ORDER.indexOf(this.state.metaState)) this.state.metaState = snapshot.state;
    if (!this.state.metaLastUpdated || snapshot.lastUpdated > this.state.metaLastUpdated) this.state.metaLastUpdated = snapshot.lastUpdated;
    this.state.createdAt = snapshot.created;
    this.state.channel = snapshot.channel ?? this.state.channel;
    this.state.shippingPaid = snapshot.shippingPaid ?? this.state.shippingPaid;
    this.publish();
  }

  /** Keeps search attributes and the Web UI's details line current; upserts only on change. */
  publish(): void {
    const s = this.state;
    const pairs: SearchAttributeUpdatePair[] = [
      { key: FB_ORDER_STATE, value: s.metaState },
      { key: FB_ORDER_PHASE, value: s.phase },
      { key: FB_NEEDS_ATTENTION, value: Boolean(s.attention) || s.processingOverdue },
      { key: FB_CMS_ID, value: s.cmsId },
    ];
    if (s.channel) pairs.push({ key: FB_CHANNEL, value: s.channel });
    if (s.merchantOrderReference) pairs.push({ key: FB_MERCHANT_ORDER_REF, value: s.merchantOrderReference });
    const fingerprint = JSON.stringify(pairs.map((p) => [p.key.name, p.value]));
    if (fingerprint !== this.lastSearchAttributes) {
      upsertSearchAttributes(pairs);
      this.lastSearchAttributes = fingerprint;
    }
    setCurrentDetails(this.describe());
  }

  /** One readable paragraph for the Web UI (markdown). */
  describe(): string {
    const s = this.state;
    const lines = [`**Meta order ${s.orderId}** (${s.channel ?? 'channel unknown'}) · Meta: ${s.metaState} · phase: ${s.phase}`];
    if (s.merchantOrderReference) lines.push(`OMS reference: ${s.merchantOrderReference}`);
    if (s.ledger) {
      const units = s.ledger.items.reduce(
        (acc, i) => ({ ordered: acc.ordered + i.ordered, shipped: acc.shipped + i.shipped, cancelled: acc.cancelled + i.cancelled, refunded: acc.refunded + i.refundedQuantity }),
        { ordered: 0, shipped: 0, cancelled: 0, refunded: 0 },
      );
      lines.push(`Units: ${units.ordered} ordered, ${units.shipped} shipped, ${units.cancelled} cancelled, ${units.refunded} refunded`);
    }
    if (s.attention) lines.push(`⚠ NEEDS ATTENTION at "${s.attention.step}": ${s.attention.reason} — fix the cause, then send \`retry\``);
    if (s.processingOverdue) lines.push('⚠ In FB_PROCESSING for more than 24 hours: a seller cancel is allowed');
    return lines.join('\n\n');
  }

  /** Runs `work` alone: Graph writes and refreshes for one order never overlap. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    // Check and take the lock in one synchronous step: several waiters can wake in the same
    // activation, and each must see the `busy` the one before it set.
    while (this.busy) await condition(() => !this.busy);
    this.busy = true;
    try {
      return await work();
    } finally {
      this.busy = false;
    }
  }

  get isBusy(): boolean {
    return this.busy;
  }

  requestRetry(): void {
    this.retriesRequested += 1;
  }

  /**
   * Runs a step; when its activity fails for good (retry budget spent, or an error retrying cannot
   * fix), the order enters NEEDS_ATTENTION instead of failing: ops are notified and the step waits
   * for a `retry` Update, then runs again with the same idempotency key.
   * `passThrough` lets a caller hand some failures back (e.g. Meta rejecting a command's content).
   */
  async withAttention<T>(step: string, work: () => Promise<T>, passThrough?: (failure: ApplicationFailure) => boolean): Promise<T> {
    for (;;) {
      try {
        return await work();
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        const cause = err.cause;
        if (cause instanceof ApplicationFailure && passThrough?.(cause)) throw cause;
        const errorType = cause instanceof ApplicationFailure ? (cause.type ?? 'ApplicationFailure') : (cause?.name ?? 'ActivityFailure');
        const reason = cause?.message ?? err.message;
        const seen = this.retriesRequested;
        this.state.attention = { step, reason, errorType, since: this.now() };
        this.publish();
        await this.activities.oms.notifyOps({
          metaOrderId: this.state.orderId,
          severity: 'critical',
          reason: `order ${this.state.orderId} needs attention at "${step}": ${reason} (${errorType}). Send a retry once fixed.`,
        });
        await condition(() => this.retriesRequested > seen);
        this.state.attention = undefined;
        this.publish();
      }
    }
  }

  /** Continue-as-new is due: the server suggests it or history passed the policy's bound. */
  historyIsLong(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > this.policy.maxHistoryEvents;
  }
}
