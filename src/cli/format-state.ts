/**
 * `fb-orders show`: the order workflow's `state` query as an operator reads it. Pure (state in,
 * text out) so it is tested on a fixture. Holds no buyer data because the state holds none.
 */
import type { OrderWorkflowState } from '../api/order-state.js';
import { renderTable } from './table.js';

/** How many applied commands `show` lists, newest first. */
export const RECENT_COMMANDS = 10;

export function formatOrderState(state: OrderWorkflowState): string {
  const sections = [
    header(state),
    items(state),
    shipments(state),
    returns(state),
    externalChanges(state),
    rejectedSignals(state),
    droppedSignals(state),
    recentCommands(state),
  ];
  return sections.filter((section) => section !== '').join('\n');
}

function header(s: OrderWorkflowState): string {
  const fields: [string, string][] = [
    ['phase', s.phase],
    ['Meta state', s.metaState + (s.metaLastUpdated ? ` (last updated at Meta ${s.metaLastUpdated})` : '')],
    ['OMS reference', s.merchantOrderReference ?? '(none yet)'],
    ['channel', s.channel ?? '(unknown)'],
    ['commerce account', s.cmsId],
  ];
  if (s.createdAt) fields.push(['created', s.createdAt]);
  if (s.acknowledgedAt) fields.push(['acknowledged', s.acknowledgedAt]);
  if (s.fulfilledAt) fields.push(['fulfilled', s.fulfilledAt]);
  if (s.shipByDate) fields.push(['ship by', s.shipByDate + (s.atRisk ? ' (AT RISK: not fully shipped)' : '')]);
  const shortages = s.reservation.shortages.length ? ` (short: ${lines(s.reservation.shortages)})` : '';
  fields.push(['reservation', s.reservation.status + shortages]);
  fields.push(['attention', attention(s)]);
  fields.push([
    'pending command',
    s.pendingCommand ? `${s.pendingCommand.kind} ${s.pendingCommand.requestId}` : 'none',
  ]);
  if (s.continuedAsNew > 0) fields.push(['continued as new', `${s.continuedAsNew} times`]);
  if (s.reopened) {
    const times = s.reopened.count === 1 ? 'once' : `${s.reopened.count} times`;
    fields.push([
      'reopened',
      `${times} after it ended, for a change at Meta (previous run ${s.reopened.previousRunId})`,
    ]);
  }
  const width = Math.max(...fields.map(([name]) => name.length));
  return (
    [`Order ${s.orderId}`, ...fields.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`)].join('\n') + '\n'
  );
}

function attention(s: OrderWorkflowState): string {
  const parts: string[] = [];
  if (s.attention) {
    parts.push(
      `NEEDS ATTENTION at step "${s.attention.step}" since ${s.attention.since}: ${s.attention.reason} (${s.attention.errorType}); fix the cause, then: fb-orders retry ${s.orderId}`,
    );
  }
  if (s.processingOverdue) parts.push('still in FB_PROCESSING after 24 hours (a seller cancel is allowed)');
  return parts.length ? parts.join('; ') : 'none';
}

function items(s: OrderWorkflowState): string {
  if (!s.ledger) return 'Items: no ledger yet (the order is not acknowledged)\n';
  const ledger = s.ledger;
  const headers = [
    'RETAILER ID',
    'PRODUCT',
    'UNIT PRICE',
    'ORDERED',
    'SHIPPED',
    'CANCELLED',
    'REFUNDED',
    'REFUNDED AMOUNT',
    // Last, so the line can be named by it (`--item-id`) when two lines share a retailer id.
    'ITEM ID',
  ];
  const numeric = new Set(headers.slice(2));
  const rows = ledger.items.map((item) => [
    item.retailerId,
    item.productName,
    item.pricePerUnit.amount,
    item.ordered,
    item.shipped,
    item.cancelled,
    item.refundedQuantity,
    item.refundedAmount,
    item.itemId,
  ]);
  const shippingPaid = s.shippingPaid ? `${s.shippingPaid.amount} ${s.shippingPaid.currency}` : 'unknown';
  const shipping = `shipping: paid ${shippingPaid}, refunded ${ledger.shippingRefunded} ${ledger.currency}`;
  return `Items (${ledger.currency})\n${indent(renderTable(headers, rows, numeric) + shipping)}`;
}

function shipments(s: OrderWorkflowState): string {
  const entries = Object.entries(s.shipments);
  if (entries.length === 0) return '';
  const rows = entries.map(([requestId, shipment]) => [
    requestId,
    shipment.carrier,
    shipment.trackingNumber,
    lines(shipment.lines),
  ]);
  return `Shipments\n${indent(renderTable(['REQUEST ID', 'CARRIER', 'TRACKING', 'ITEMS'], rows))}`;
}

function returns(s: OrderWorkflowState): string {
  if (!s.returns?.length) return '';
  // Meta's return id names it in `fb-orders answer-return --return`.
  const rows = s.returns.map((r) => [r.id, r.status, lines(r.lines), r.reasonCode ?? '', r.merchantReturnId ?? '']);
  return `Returns\n${indent(renderTable(['META ID', 'STATUS', 'ITEMS', 'REASON', 'RMA'], rows))}`;
}

function externalChanges(s: OrderWorkflowState): string {
  if (s.externalChanges.length === 0) return '';
  // Meta's object id and a refund's total, for changes read from Meta's history edges.
  const rows = s.externalChanges.map((change) => [
    change.at,
    change.kind,
    lines(change.lines),
    change.amount ? `${change.amount.amount} ${change.amount.currency}` : '',
    change.metaObjectId ?? '',
  ]);
  return `Changes made outside this integration (Commerce Manager, buyer, support)\n${indent(renderTable(['AT', 'KIND', 'ITEMS', 'AMOUNT', 'META ID'], rows))}`;
}

function rejectedSignals(s: OrderWorkflowState): string {
  if (s.rejectedSignals.length === 0) return '';
  const rows = s.rejectedSignals.map((r) => [r.at, r.kind, r.requestId, r.reason]);
  return `Rejected signals\n${indent(renderTable(['AT', 'COMMAND', 'REQUEST ID', 'REASON'], rows))}`;
}

/** Internal signals (or their snapshots) that did not parse or did not fit the order: a broken or forged sender. */
function droppedSignals(s: OrderWorkflowState): string {
  const dropped = s.droppedSignals;
  if (!dropped?.count) return '';
  const rows = dropped.recent.map((d) => [d.at, d.signal, d.reason]);
  const title = `Dropped internal signals: ${dropped.count} (a broken or forged sender; newest ${rows.length} below)`;
  return `${title}\n${indent(renderTable(['AT', 'SIGNAL', 'REASON'], rows))}`;
}

function recentCommands(s: OrderWorkflowState): string {
  const all = Object.values(s.commands).sort((a, b) =>
    a.appliedAt < b.appliedAt ? 1 : a.appliedAt > b.appliedAt ? -1 : 0,
  );
  if (all.length === 0) return 'Recent commands: none\n';
  const shown = all.slice(0, RECENT_COMMANDS);
  const title =
    all.length > shown.length ? `Recent commands (newest ${shown.length} of ${all.length})` : 'Recent commands';
  const rows = shown.map((c) => [c.appliedAt, c.kind, c.requestId, c.summary, c.metaState]);
  return `${title}\n${indent(renderTable(['APPLIED AT', 'COMMAND', 'REQUEST ID', 'SUMMARY', 'META STATE'], rows))}`;
}

function lines(units: readonly { retailerId: string; quantity: number }[]): string {
  return units.map((line) => `${line.quantity} × ${line.retailerId}`).join(', ');
}

function indent(text: string): string {
  return (
    text
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n') + '\n'
  );
}
