/**
 * What the Web UI and `temporal workflow list` show of an order: its search attributes and the
 * readable details line. Upserts only on change: each upsert is a command in history (and those of
 * one workflow task are merged into one: upsert-coalescing.ts). Workflow code.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { patched, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { OrderWorkflowState } from '../api/order-state.js';
import { hasOpenReturn } from './meta-books.js';
import { decideUpsertCoalescing } from './upsert-coalescing.js';
import {
  ALL_SEARCH_ATTRIBUTES,
  FB_CHANNEL,
  FB_AT_RISK,
  FB_CMS_ID,
  FB_OPEN_RETURN,
  FB_MERCHANT_ORDER_REF,
  FB_NEEDS_ATTENTION,
  FB_ORDER_PHASE,
  FB_ORDER_STATE,
} from '../api/search-attributes.js';

/** Patch id: search attributes the run started with (set by the poller, or carried by continue-as-new) are not upserted again. */
export const START_SEARCH_ATTRIBUTES_PATCH = 'search-attributes-set-at-start';

export class OrderVisibility {
  private lastSearchAttributes = '';
  /** Until the run's first upsert: the values it started with, which the server shows already. */
  private shownAtStart: Map<string, unknown> | undefined;

  constructor(private readonly state: OrderWorkflowState) {}

  /** Keeps search attributes and the Web UI's details current. Call after every change of state. */
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
    // Only once set: orders never at risk keep the search attributes (and upserts) they always had.
    if (s.atRisk) pairs.push({ key: FB_AT_RISK, value: true });
    // Only once the order has a return, for the same reason.
    if (s.returns?.length) pairs.push({ key: FB_OPEN_RETURN, value: hasOpenReturn(s) });
    const fingerprint = JSON.stringify(pairs.map((p) => [p.key.name, p.value]));
    if (fingerprint !== this.lastSearchAttributes) {
      if (!this.shownSinceStart(pairs)) {
        decideUpsertCoalescing();
        upsertSearchAttributes(pairs);
        this.shownAtStart = new Map();
      }
      this.lastSearchAttributes = fingerprint;
    }
    setCurrentDetails(describeOrder(s));
  }

  /**
   * Before the run's first upsert: whether every value is one the run started with (an upsert would
   * change nothing and cost an action). Runs from before the patch upsert them as they did.
   */
  private shownSinceStart(pairs: SearchAttributeUpdatePair[]): boolean {
    if (!this.shownAtStart) {
      const atStart = workflowInfo().typedSearchAttributes;
      this.shownAtStart = new Map(ALL_SEARCH_ATTRIBUTES.map((key) => [key.name, atStart.get(key)]));
    }
    const shown = this.shownAtStart;
    return (
      pairs.every((p) => p.value !== undefined && shown.get(p.key.name) === p.value) &&
      patched(START_SEARCH_ATTRIBUTES_PATCH)
    );
  }
}

/** One readable paragraph for the Web UI (markdown). */
export function describeOrder(s: OrderWorkflowState): string {
  const lines = [
    `**Meta order ${s.orderId}** (${s.channel ?? 'channel unknown'}) · Meta: ${s.metaState} · phase: ${s.phase}`,
  ];
  if (s.merchantOrderReference) lines.push(`OMS reference: ${s.merchantOrderReference}`);
  if (s.ledger) {
    const units = s.ledger.items.reduce(
      (acc, i) => ({
        ordered: acc.ordered + i.ordered,
        shipped: acc.shipped + i.shipped,
        cancelled: acc.cancelled + i.cancelled,
        refunded: acc.refunded + i.refundedQuantity,
      }),
      { ordered: 0, shipped: 0, cancelled: 0, refunded: 0 },
    );
    lines.push(
      `Units: ${units.ordered} ordered, ${units.shipped} shipped, ${units.cancelled} cancelled, ${units.refunded} refunded`,
    );
  }
  if (s.attention)
    lines.push(
      `⚠ NEEDS ATTENTION at "${s.attention.step}": ${s.attention.reason} — fix the cause, then send \`retry\``,
    );
  if (s.processingOverdue) lines.push('⚠ In FB_PROCESSING for more than 24 hours: a seller cancel is allowed');
  if (s.atRisk) lines.push(`⚠ AT RISK: not fully shipped, ship by ${s.shipByDate}`);
  for (const r of s.returns ?? [])
    lines.push(
      `Return ${r.id}: ${r.status}${r.reasonCode ? ` (${r.reasonCode})` : ''} · ${r.lines.map((l) => `${l.quantity} × ${l.retailerId}`).join(', ')}`,
    );
  return lines.join('\n\n');
}
