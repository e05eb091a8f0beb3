/**
 * Snapshots that signals bring (the poller's listing, the ack batch's) are hints, not facts: anyone
 * who may signal the workflow can send one. A hint is checked against what the order already
 * knows of itself (its id, its lines, when it was created, what the buyer paid for shipping); one
 * that does not fit is dropped and the order reads itself from Meta instead. A hint that fits but
 * would lead to something that cannot be undone (ending the order as cancelled, reporting a
 * shipment or a cancellation to the OMS, taking the order as acknowledged without acknowledging
 * it) is not acted on either: the order reads itself from Meta first (see OrderInbox.takeNotice).
 * Pure: workflow code.
 */
import type { Ledger } from '../api/ledger.js';
import type { OrderSnapshot, OrderWorkflowState } from '../api/order-state.js';
import { orderStateRank } from '../domain/order-states.js';

/** Patch id: a hint that would lead to something irreversible is confirmed by a read from Meta first. */
export const CONFIRM_HINTS_PATCH = 'confirm-hints-from-meta';

/** How far in the future a hint's `last_updated` may be (clocks differ; a forged far-future one would mask later changes). */
export const HINT_CLOCK_SKEW_MS = 3_600_000;

const sameAmount = (a: { amount: string; currency: string }, b: { amount: string; currency: string }) =>
  a.currency === b.currency && Number(a.amount) === Number(b.amount);

/** Why a hint does not fit the order, or undefined when it does. */
export function misfit(s: OrderWorkflowState, hint: OrderSnapshot, now: number): string | undefined {
  if (hint.id !== s.orderId) return 'snapshot of another order';
  if (Date.parse(hint.lastUpdated) > now + HINT_CLOCK_SKEW_MS) return 'last_updated is in the future';
  if (Date.parse(hint.lastUpdated) < Date.parse(hint.created)) return 'last_updated is before created';
  if (s.createdAt && Date.parse(hint.created) !== Date.parse(s.createdAt)) return 'created differs from the order';
  if (s.channel && hint.channel && hint.channel !== s.channel) return 'channel differs from the order';
  if (s.shippingPaid && hint.shippingPaid && !sameAmount(s.shippingPaid, hint.shippingPaid))
    return 'shipping paid differs from the order';
  for (const item of hint.items) {
    const counted = (item.status?.fulfilled ?? 0) + (item.status?.cancelled ?? 0);
    if (counted > item.quantity) return `item ${item.itemId} has more units fulfilled and cancelled than ordered`;
  }
  return s.ledger ? linesMisfit(s.ledger, hint) : undefined;
}

function linesMisfit(ledger: Ledger, hint: OrderSnapshot): string | undefined {
  if (hint.items.length !== ledger.items.length) return 'lines differ from the order';
  for (const item of hint.items) {
    const line = ledger.items.find((l) => l.itemId === item.itemId);
    if (!line) return 'lines differ from the order';
    if (line.ordered !== item.quantity || !sameAmount(line.pricePerUnit, item.pricePerUnit))
      return `line ${item.itemId} differs from the order`;
  }
  return undefined;
}

/**
 * Whether acting on this (fitting) hint could do something irreversible, so that Meta's own answer
 * is read first:
 *   - a hint that moves the order's state past CREATED (to IN_PROGRESS or COMPLETED) beyond what the
 *     order knows: before release the order would skip its acknowledgement and tell the OMS it is
 *     processing; after it, the state would claim a completion no shipment backs. (The order's own
 *     acknowledgement and shipments set those states themselves, so this costs a read only when
 *     something changed outside.) FB_PROCESSING to CREATED is not confirmed: acknowledging is
 *     Meta's own check, and the usual release must not cost a read;
 *   - while the order still follows Meta's per-item counts (before release, or in runs from before
 *     the history edges were read), counts beyond the ledger: they would be reported to the OMS as
 *     shipments or cancellations, and a fully cancelled order would end.
 * After release, runs that read Meta's history edges re-read those anyway: the hint only wakes them.
 */
export function needsConfirmation(s: OrderWorkflowState, hint: OrderSnapshot): boolean {
  const releasing = s.phase === 'AWAITING_RELEASE';
  const pastCreated = Math.max(orderStateRank(s.metaState), orderStateRank('CREATED'));
  if (orderStateRank(hint.state) > pastCreated) return true;
  if (!releasing && s.metaObjects !== undefined) return false;
  return hint.items.some((item) => {
    const line = s.ledger?.items.find((l) => l.itemId === item.itemId);
    return (
      (item.status?.fulfilled ?? 0) > (line?.shipped ?? 0) || (item.status?.cancelled ?? 0) > (line?.cancelled ?? 0)
    );
  });
}
