/**
 * What the Web UI and `temporal workflow list` show of an order: its search attributes and the
 * readable details line. Upserts only on change: each upsert is a command in history (and those of
 * one workflow task are merged into one: upsert-coalescing.ts). Workflow code.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { OrderWorkflowState } from '../api/order-state.js';
import { hasOpenReturn } from './meta-books.js';
import { decideUpsertCoalescing } from './upsert-coalescing.js';
import {
  FB_CHANNEL,
  FB_AT_RISK,
  FB_CMS_ID,
  FB_OPEN_RETURN,
  FB_MERCHANT_ORDER_REF,
  FB_NEEDS_ATTENTION,
  FB_ORDER_PHASE,
  FB_ORDER_STATE,
} from '../api/search-attributes.js';

export class OrderVisibility {
  private lastSearchAttributes = '';

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
      decideUpsertCoalescing();
      upsertSearchAttributes(pairs);
      this.lastSearchAttributes = fingerprint;
    }
    setCurrentDetails(describeOrder(s));
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
