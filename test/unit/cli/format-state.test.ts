import { describe, expect, test } from 'vitest';
import { formatOrderState, RECENT_COMMANDS } from '../../../src/cli/format-state.js';
import type { CommandOutcome } from '../../../src/api/order-state.js';
import { fixtureState } from './fixtures.js';

/** The whitespace-separated cells of the line that starts with `first` (after indentation). */
function rowOf(text: string, first: string): string[] {
  const line = text.split('\n').find((l) => l.trimStart().startsWith(`${first} `));
  if (!line) throw new Error(`no line starting with ${first} in:\n${text}`);
  return line.trim().split(/\s{2,}/);
}

describe('formatOrderState', () => {
  const text = formatOrderState(fixtureState());

  test('header: order id, phase, Meta state, OMS reference, channel, account, timestamps', () => {
    expect(text.split('\n')[0]).toBe('Order 64000000000001');
    expect(rowOf(text, 'phase')).toEqual(['phase', 'IN_PROGRESS']);
    expect(rowOf(text, 'Meta')).toEqual(['Meta state', 'IN_PROGRESS (last updated at Meta 2025-03-01T12:00:00.000Z)']);
    expect(rowOf(text, 'OMS')).toEqual(['OMS reference', 'OMS-1042']);
    expect(rowOf(text, 'channel')).toEqual(['channel', 'instagram']);
    expect(rowOf(text, 'acknowledged')).toEqual(['acknowledged', '2025-03-01T10:31:00.000Z']);
    expect(rowOf(text, 'attention')).toEqual(['attention', 'none']);
    expect(rowOf(text, 'pending')).toEqual(['pending command', 'none']);
    expect(text).not.toContain('fulfilled ');
  });

  test('one ledger row per item, numbers right under their headers, product names kept verbatim', () => {
    expect(text).toContain('Items (EUR)');
    const header = text.split('\n').find((l) => l.includes('RETAILER ID'))!;
    expect(rowOf(text, 'RETAILER')).toEqual([
      'RETAILER ID',
      'PRODUCT',
      'UNIT PRICE',
      'ORDERED',
      'SHIPPED',
      'CANCELLED',
      'REFUNDED',
      'REFUNDED AMOUNT',
      'ITEM ID',
    ]);
    expect(rowOf(text, 'SKU-TEE-M')).toEqual([
      'SKU-TEE-M',
      'Tee "Ocean", size M',
      '20.00',
      '2',
      '1',
      '0',
      '0',
      '0.00',
      'i1',
    ]);
    expect(rowOf(text, 'SKU-MUG')).toEqual(['SKU-MUG', 'Tasse Zoë ☕', '12.50', '1', '1', '0', '1', '12.50', 'i2']);
    // Right-aligned: the amount ends where its header ends.
    const tee = text.split('\n').find((l) => l.trimStart().startsWith('SKU-TEE-M'))!;
    expect(tee.indexOf('20.00') + '20.00'.length).toBe(header.indexOf('UNIT PRICE') + 'UNIT PRICE'.length);
    expect(text).toContain('shipping: paid 4.99 EUR, refunded 0.00 EUR');
  });

  test('shipments, rejected signals and recent commands, newest command first', () => {
    expect(rowOf(text, 'ship-1')).toEqual(['ship-1', 'UPS', '1Z0001', '1 × SKU-TEE-M, 1 × SKU-MUG']);
    expect(text).toContain('Rejected signals');
    expect(rowOf(text, '2025-03-01T11:40:00.000Z')).toEqual([
      '2025-03-01T11:40:00.000Z',
      'cancel',
      'c-9',
      'cannot cancel 1 of SKU-MUG: only 0 unshipped and not cancelled',
    ]);
    const commands = text.slice(text.indexOf('Recent commands'));
    expect(commands.indexOf('refund-1')).toBeLessThan(commands.indexOf('ship-1'));
    expect(text).not.toContain('Changes made outside');
  });

  test('an order waiting for an operator says why, since when, and what to run', () => {
    const parked = formatOrderState(
      fixtureState({
        attention: {
          step: 'ship r-7',
          reason: 'Error validating access token',
          errorType: 'GraphAuthError',
          since: '2025-03-02T08:00:00.000Z',
        },
        pendingCommand: { kind: 'ship', requestId: 'r-7' },
      }),
    );
    const line = parked.split('\n').find((l) => l.trimStart().startsWith('attention'))!;
    expect(line).toContain(
      'NEEDS ATTENTION at step "ship r-7" since 2025-03-02T08:00:00.000Z: Error validating access token (GraphAuthError)',
    );
    expect(line).toContain('fb-orders retry 64000000000001');
    expect(rowOf(parked, 'pending')).toEqual(['pending command', 'ship r-7']);
  });

  test('before acknowledgement: no ledger, no reference, overdue flag shown', () => {
    const early = formatOrderState(
      fixtureState({
        phase: 'AWAITING_RELEASE',
        metaState: 'FB_PROCESSING',
        ledger: undefined,
        merchantOrderReference: undefined,
        acknowledgedAt: undefined,
        commands: {},
        shipments: {},
        rejectedSignals: [],
        processingOverdue: true,
        reservation: { status: 'reserved', shortages: [{ retailerId: 'SKU-MUG', quantity: 1 }] },
      }),
    );
    expect(rowOf(early, 'OMS')).toEqual(['OMS reference', '(none yet)']);
    expect(rowOf(early, 'reservation')).toEqual(['reservation', 'reserved (short: 1 × SKU-MUG)']);
    expect(early).toContain('still in FB_PROCESSING after 24 hours');
    expect(early).toContain('Items: no ledger yet');
    expect(early).toContain('Recent commands: none');
    expect(early).not.toContain('Shipments');
  });

  test('external changes are listed; only the newest commands are shown', () => {
    const commands: Record<string, CommandOutcome> = {};
    for (let i = 0; i < RECENT_COMMANDS + 3; i++) {
      const requestId = `r-${String(i).padStart(2, '0')}`;
      commands[requestId] = {
        kind: 'ship',
        requestId,
        fingerprint: '',
        appliedAt: `2025-03-01T11:${String(i).padStart(2, '0')}:00.000Z`,
        summary: `s${i}`,
        metaState: 'IN_PROGRESS',
      };
    }
    const busy = formatOrderState(
      fixtureState({
        commands,
        externalChanges: [
          {
            at: '2025-03-01T09:00:00.000Z',
            kind: 'shipped',
            lines: [{ itemId: 'i2', retailerId: 'SKU-MUG', quantity: 1 }],
          },
          {
            at: '2025-03-02T10:00:00.000Z',
            kind: 'refunded',
            lines: [{ itemId: 'i1', retailerId: 'SKU-TEE-M', quantity: 0 }],
            metaObjectId: '7700123',
            amount: { amount: '5.00', currency: 'EUR' },
          },
        ],
        shipByDate: '2025-03-05',
        atRisk: true,
      }),
    );
    expect(busy).toContain('Changes made outside this integration');
    expect(rowOf(busy, '2025-03-01T09:00:00.000Z')).toEqual(['2025-03-01T09:00:00.000Z', 'shipped', '1 × SKU-MUG']);
    expect(rowOf(busy, '2025-03-02T10:00:00.000Z')).toEqual([
      '2025-03-02T10:00:00.000Z',
      'refunded',
      '0 × SKU-TEE-M',
      '5.00 EUR',
      '7700123',
    ]);
    expect(busy).toMatch(/ship by\s+2025-03-05 \(AT RISK: not fully shipped\)/);
    expect(busy).toContain(`Recent commands (newest ${RECENT_COMMANDS} of ${RECENT_COMMANDS + 3})`);
    expect(busy).toContain('r-12');
    expect(busy).not.toContain('r-02 ');
  });
});

test("returns with Meta's id, status, units, reason and RMA; a reopened order says so", () => {
  const text = formatOrderState(
    fixtureState({
      phase: 'RETURN_WINDOW',
      reopened: { count: 2, previousRunId: 'run-7' },
      returns: [
        {
          id: 'ret-9',
          status: 'APPROVED',
          lines: [{ itemId: 'i2', retailerId: 'SKU-MUG', quantity: 1 }],
          reasonCode: 'DAMAGED',
          merchantReturnId: 'RMA-4',
        },
      ],
    }),
  );
  expect(text).toContain('Returns\n');
  expect(rowOf(text, 'ret-9')).toEqual(['ret-9', 'APPROVED', '1 × SKU-MUG', 'DAMAGED', 'RMA-4']);
  expect(rowOf(text, 'reopened')).toEqual([
    'reopened',
    '2 times after it ended, for a change at Meta (previous run run-7)',
  ]);
  expect(formatOrderState(fixtureState())).not.toMatch(/Returns|reopened/);
});

test('dropped internal signals: the count and the newest reasons', () => {
  const text = formatOrderState(
    fixtureState({
      droppedSignals: {
        count: 7,
        recent: [
          {
            signal: 'orderUpdated',
            reason: 'snapshot does not parse: items: expected array',
            at: '2025-03-01T12:05:00.000Z',
          },
        ],
      },
    }),
  );
  expect(text).toContain('Dropped internal signals: 7 (a broken or forged sender; newest 1 below)');
  expect(text).toMatch(/2025-03-01T12:05:00.000Z +orderUpdated +snapshot does not parse: items: expected array/);
  expect(formatOrderState(fixtureState())).not.toContain('Dropped internal signals');
});
