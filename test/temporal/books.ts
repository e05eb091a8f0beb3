/**
 * Comparing an order's books: Meta's (the sandbox's admin view), the workflow's ledger and the
 * OMS's records must agree on every line (units shipped, cancelled, refunded, money refunded) and
 * on shipping refunded. Shared by the books tests.
 */
import { expect } from 'vitest';
import type { OrderWorkflowState } from '../../src/api/order-state.js';
import { toMinorUnits } from '../../src/domain/money.js';
import { eventually, type OrderWorld } from './order-fixture.js';

export interface LineBooks {
  id: string;
  shipped: number;
  cancelled: number;
  refunded: number;
  /** Minor units. */
  money: bigint;
}

const sorted = (rows: LineBooks[]) => rows.sort((a, b) => (a.id < b.id ? -1 : 1));

export async function booksOf(world: OrderWorld, orderId: string) {
  const meta = await world.admin.getOrder(orderId);
  const state = await world.orders.getState(orderId);
  const oms = await world.oms.orderBooks(orderId);
  return {
    meta: {
      lines: sorted(
        meta.items.map((i) => ({
          id: i.id,
          shipped: i.shipped,
          cancelled: i.cancelled,
          refunded: i.refundedQuantity,
          money: toMinorUnits(i.refundedAmount.amount),
        })),
      ),
      shipping: toMinorUnits(meta.shippingRefunded.amount),
    },
    ledger: {
      lines: sorted(
        (state.ledger?.items ?? []).map((i) => ({
          id: i.itemId,
          shipped: i.shipped,
          cancelled: i.cancelled,
          refunded: i.refundedQuantity,
          money: toMinorUnits(i.refundedAmount),
        })),
      ),
      shipping: toMinorUnits(state.ledger?.shippingRefunded ?? '0'),
    },
    oms: oms && {
      lines: sorted(
        oms.items.map((i) => ({
          id: i.itemId,
          shipped: i.shipped,
          cancelled: i.cancelled,
          refunded: i.refunded,
          money: toMinorUnits(i.refundedAmount.amount),
        })),
      ),
      shipping: toMinorUnits(oms.shippingRefunded.amount),
    },
    raw: { meta, state },
  };
}

export async function expectBooksAgree(world: OrderWorld, orderId: string): Promise<void> {
  const books = await booksOf(world, orderId);
  expect(books.ledger, `the workflow's ledger of ${orderId} matches Meta's`).toEqual(books.meta);
  expect(books.oms, `the OMS's books of ${orderId} match Meta's`).toEqual(books.meta);
}

/** Waits until the workflow has read Meta's history edges after the order's last change there, with no command in flight. */
export async function reconciled(world: OrderWorld, orderId: string): Promise<OrderWorkflowState> {
  const { lastUpdatedAt } = await world.admin.getOrder(orderId);
  // Graph's last_updated has whole seconds.
  const changed = Math.floor(Date.parse(lastUpdatedAt) / 1000) * 1000;
  return eventually(async () => {
    const s = await world.orders.getState(orderId);
    // An order that ended (every unit cancelled, or its window closed) reads no more: its books
    // stand as they were at its end.
    const ended = s.phase === 'CANCELLED' || s.phase === 'CLOSED';
    const read = s.historyReadAt !== undefined && Date.parse(s.historyReadAt) >= changed;
    return (read || ended) && !s.pendingCommand && (s.ownAwaitingMetaId ?? []).length === 0 ? s : undefined;
  }, `order ${orderId}: history read after its last change`);
}

/** Waits until the order's state satisfies `ok`; returns that state. */
export function waitForOrder(
  world: OrderWorld,
  orderId: string,
  what: string,
  ok: (s: OrderWorkflowState) => boolean,
): Promise<OrderWorkflowState> {
  return eventually(async () => {
    const s = await world.orders.getState(orderId);
    return ok(s) ? s : undefined;
  }, `order ${orderId}: ${what}`);
}
