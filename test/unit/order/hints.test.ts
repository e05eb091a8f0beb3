/**
 * Snapshots that signals bring are hints: checked against what the order knows of itself, and
 * confirmed by a read from Meta before they lead to anything irreversible.
 */
import { describe, expect, test } from 'vitest';
import { OrderSnapshotSchema, type OrderSnapshot, type OrderWorkflowState } from '../../../src/api/order-state.js';
import { HINT_CLOCK_SKEW_MS, misfit, needsConfirmation } from '../../../src/order/hints.js';
import { fixtureState } from '../cli/fixtures.js';

const NOW = Date.parse('2025-03-01T12:30:00.000Z');

/** The fixture order (two lines: i1 × 2, i2 × 1; one of each shipped) as Meta would list it now. */
function hintFor(s: OrderWorkflowState, overrides: Partial<OrderSnapshot> = {}): OrderSnapshot {
  return {
    id: s.orderId,
    state: 'IN_PROGRESS',
    created: '2025-03-01T10:00:00+00:00',
    lastUpdated: '2025-03-01T12:10:00+00:00',
    channel: 'instagram',
    shippingPaid: { amount: '4.99', currency: 'EUR' },
    items: s.ledger!.items.map((item) => ({
      itemId: item.itemId,
      retailerId: item.retailerId,
      quantity: item.ordered,
      pricePerUnit: { ...item.pricePerUnit },
      status: { inProgress: item.ordered - item.shipped, fulfilled: item.shipped, cancelled: 0 },
    })),
    ...overrides,
  };
}

describe('misfit: a hint is checked against the order it claims to be', () => {
  const s = fixtureState({ metaObjects: { shipments: [], cancellations: [], refunds: [] } });

  test("Meta's own listing of the order fits (offsets and number formats aside)", () => {
    expect(misfit(s, hintFor(s), NOW)).toBeUndefined();
    const reformatted = hintFor(s);
    reformatted.items[0]!.pricePerUnit.amount = '20.0';
    expect(misfit(s, reformatted, NOW)).toBeUndefined();
  });

  test.each<[string, (h: OrderSnapshot) => void, RegExp]>([
    ['another order', (h) => void (h.id = '999'), /another order/],
    [
      'a far-future last_updated',
      (h) => void (h.lastUpdated = new Date(NOW + HINT_CLOCK_SKEW_MS + 1).toISOString()),
      /future/,
    ],
    ['another creation time', (h) => void (h.created = '2025-02-01T10:00:00Z'), /created differs/],
    ['another channel', (h) => void (h.channel = 'facebook'), /channel differs/],
    ['another shipping amount', (h) => void (h.shippingPaid = { amount: '0.00', currency: 'EUR' }), /shipping paid/],
    ['a line more', (h) => void h.items.push({ ...h.items[0]!, itemId: 'i3' }), /lines differ/],
    ['another quantity', (h) => void (h.items[0]!.quantity = 5), /line i1 differs/],
    ['another price', (h) => void (h.items[1]!.pricePerUnit = { amount: '0.01', currency: 'EUR' }), /line i2 differs/],
    [
      'more units counted than ordered',
      (h) => void (h.items[1]!.status = { inProgress: 0, fulfilled: 1, cancelled: 1 }),
      /more units fulfilled and cancelled than ordered/,
    ],
  ])('%s does not fit', (_, change, reason) => {
    const hint = hintFor(s);
    change(hint);
    expect(misfit(s, hint, NOW)).toMatch(reason);
  });
});

describe('needsConfirmation: what a fitting hint may not decide alone', () => {
  const released = fixtureState({ metaObjects: { shipments: [], cancellations: [], refunds: [] } });

  test('after release, with the history edges read, a hint only wakes the order (the edges are read anyway)', () => {
    const hint = hintFor(released);
    hint.items[0]!.status = { inProgress: 0, fulfilled: 2, cancelled: 0 };
    expect(needsConfirmation(released, hint)).toBe(false);
  });

  test('a hint that the order is COMPLETED when the order does not know it is read from Meta first', () => {
    const hint = hintFor(released, { state: 'COMPLETED' });
    for (const item of hint.items) item.status = { inProgress: 0, fulfilled: item.quantity, cancelled: 0 };
    expect(needsConfirmation(released, hint)).toBe(true);
    expect(needsConfirmation({ ...released, metaState: 'COMPLETED' }, hint)).toBe(false);
  });

  test('a run that still follows the per-item counts confirms counts beyond its ledger (a phantom shipment)', () => {
    const older = fixtureState({ metaObjects: undefined });
    const same = hintFor(older);
    expect(needsConfirmation(older, same)).toBe(false);
    const more = hintFor(older);
    more.items[0]!.status = { inProgress: 0, fulfilled: 2, cancelled: 0 };
    expect(needsConfirmation(older, more)).toBe(true);
  });

  test('before release: a hint past CREATED, or any unit shipped or cancelled, is confirmed; CREATED alone is not', () => {
    const waiting = fixtureState({
      phase: 'AWAITING_RELEASE',
      metaState: 'FB_PROCESSING',
      ledger: {
        ...fixtureState().ledger!,
        items: fixtureState().ledger!.items.map((i) => ({
          ...i,
          shipped: 0,
          refundedQuantity: 0,
          refundedAmount: '0.00',
        })),
      },
    });
    const fresh = (state: OrderSnapshot['state']) => {
      const hint = hintFor(waiting, { state });
      for (const item of hint.items) item.status = { inProgress: item.quantity, fulfilled: 0, cancelled: 0 };
      return hint;
    };
    expect(needsConfirmation(waiting, fresh('FB_PROCESSING'))).toBe(false);
    expect(needsConfirmation(waiting, fresh('CREATED'))).toBe(false);
    expect(needsConfirmation(waiting, fresh('IN_PROGRESS'))).toBe(true);
    const cancelled = fresh('FB_PROCESSING');
    cancelled.items[1]!.status = { inProgress: 0, fulfilled: 0, cancelled: 1 };
    expect(needsConfirmation(waiting, cancelled)).toBe(true);
  });
});

describe('OrderSnapshotSchema: what a hint must look like before it is even compared', () => {
  const s = fixtureState();

  test('the listing parses; a malformed one does not', () => {
    expect(OrderSnapshotSchema.safeParse(hintFor(s)).success).toBe(true);
    expect(OrderSnapshotSchema.safeParse({ ...hintFor(s), items: 'oops' }).success).toBe(false);
    expect(OrderSnapshotSchema.safeParse({ ...hintFor(s), state: 'SHIPPED' }).success).toBe(false);
    expect(OrderSnapshotSchema.safeParse({ ...hintFor(s), lastUpdated: 'yesterday' }).success).toBe(false);
  });

  test('oversized parts are refused: a long product name, too many lines, a huge count', () => {
    const long = hintFor(s);
    long.items[0]!.productName = 'x'.repeat(10_000);
    expect(OrderSnapshotSchema.safeParse(long).success).toBe(false);
    const many = hintFor(s);
    many.items = Array.from({ length: 1_001 }, (_, i) => ({ ...many.items[0]!, itemId: `i${i}` }));
    expect(OrderSnapshotSchema.safeParse(many).success).toBe(false);
    const huge = hintFor(s);
    huge.items[0]!.quantity = 1e9;
    expect(OrderSnapshotSchema.safeParse(huge).success).toBe(false);
  });
});
