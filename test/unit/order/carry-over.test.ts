import { expect, test } from 'vitest';
import { trimForCarryOver } from '../../../src/order/continue-as-new.js';
import { fixtureState } from '../cli/fixtures.js';

test('a state within the budget is carried over untouched', () => {
  const state = fixtureState();
  const before = JSON.stringify(state);
  expect(trimForCarryOver(state)).toBeUndefined();
  expect(JSON.stringify(state)).toBe(before);
});

test('over the budget, only the lists that inform are trimmed; outcomes, shipments and Meta ids stay', () => {
  const state = fixtureState({
    metaObjects: { shipments: ['s1'], cancellations: [], refunds: [] },
    externalChanges: Array.from({ length: 500 }, (_, i) => ({
      at: `2025-03-01T12:${String(i % 60).padStart(2, '0')}:00.000Z`,
      kind: 'shipped' as const,
      lines: [{ itemId: 'i1', retailerId: 'SKU-TEE-M', quantity: 1 }],
      metaObjectId: `m${i}`,
    })),
    rejectedSignals: Array.from({ length: 20 }, (_, i) => ({
      kind: 'ship' as const,
      requestId: `r${i}`,
      reason: 'x'.repeat(500),
      at: '2025-03-01T12:00:00.000Z',
    })),
  });
  state.commands['ship-1']!.summary = 's'.repeat(5_000);
  const trimmed = trimForCarryOver(state, 20_000);
  expect(trimmed).toMatchObject({ externalChangesDropped: 480 });
  expect(trimmed!.sizeAfter).toBeLessThan(trimmed!.sizeBefore);
  expect(trimmed!.sizeAfter).toBeLessThanOrEqual(20_000);
  expect(state.externalChanges).toHaveLength(20);
  expect(state.externalChanges.at(-1)?.metaObjectId).toBe('m499');
  expect(state.rejectedSignals.map((r) => r.requestId)).toEqual(['r15', 'r16', 'r17', 'r18', 'r19']);
  expect(Object.keys(state.commands)).toEqual(['ship-1', 'refund-1']);
  expect(state.commands['ship-1']!.summary.length).toBeLessThan(300);
  expect(state.shipments['ship-1']).toBeDefined();
  expect(state.metaObjects?.shipments).toEqual(['s1']);
});
