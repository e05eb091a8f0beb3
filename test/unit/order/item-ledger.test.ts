import { describe, expect, test } from 'vitest';
import {
  applyCancellation,
  applyRefund,
  applyShipment,
  checkCancellation,
  checkRefund,
  checkShipment,
  createLedger,
  isFulfilled,
  isFullyCancelled,
  reconcile,
  refundableAmount,
  totalUnits,
  unshippedUnits,
  type Ledger,
  type LedgerCheck,
  type LedgerItem,
  type NewLedgerItem,
  type RefundRequestLine,
  type UnitRequest,
} from '../../../src/order/item-ledger.js';
import type { Money } from '../../../src/domain/money.js';

const usd = (amount: string): Money => ({ amount, currency: 'USD' });

/** Three lines: 3 x 10.00, 3 x 0.10 (float-drift bait), 1 x 1234.56. */
const ORDER: NewLedgerItem[] = [
  { itemId: 'i-1', retailerId: 'sku-a', productName: 'Mug', quantity: 3, pricePerUnit: usd('10.00') },
  { itemId: 'i-2', retailerId: 'sku-b', quantity: 3, pricePerUnit: usd('0.10') },
  { itemId: 'i-3', retailerId: 'sku-c', quantity: 1, pricePerUnit: usd('1234.56') },
];

const newLedger = (): Ledger => createLedger(ORDER);

function value<T>(check: LedgerCheck<T>): T {
  if (!check.ok) throw new Error(`expected ok, got: ${check.reason}`);
  return check.value;
}

function reason<T>(check: LedgerCheck<T>): string {
  if (check.ok) throw new Error(`expected a failure, got: ${JSON.stringify(check.value)}`);
  return check.reason;
}

function item(ledger: Ledger, retailerId: string): LedgerItem {
  const found = ledger.items.find((i) => i.retailerId === retailerId);
  if (!found) throw new Error(`no ${retailerId} in ledger`);
  return found;
}

const ship = (ledger: Ledger, lines?: UnitRequest[]): Ledger =>
  applyShipment(ledger, value(checkShipment(ledger, lines)));
const cancel = (ledger: Ledger, lines?: UnitRequest[]): Ledger =>
  applyCancellation(ledger, value(checkCancellation(ledger, lines)));
/** No lines: a full refund (said explicitly, as commands must). */
const refund = (ledger: Ledger, lines?: RefundRequestLine[], shipping?: Money, shippingPaid?: Money): Ledger =>
  applyRefund(
    ledger,
    value(checkRefund(ledger, lines ? { items: lines, shipping } : { full: true, shipping }, shippingPaid)),
  );

function deepFreeze<T>(target: T): T {
  if (target && typeof target === 'object') {
    for (const child of Object.values(target)) deepFreeze(child);
    Object.freeze(target);
  }
  return target;
}

describe('createLedger', () => {
  test('starts every item at zero, in the order currency', () => {
    const ledger = newLedger();
    expect(ledger.currency).toBe('USD');
    expect(ledger.shippingRefunded).toBe('0.00');
    expect(ledger.items).toHaveLength(ORDER.length);
    for (const [index, source] of ORDER.entries()) {
      expect(ledger.items[index]).toEqual({
        itemId: source.itemId,
        retailerId: source.retailerId,
        productName: source.productName,
        ordered: source.quantity,
        shipped: 0,
        cancelled: 0,
        refundedQuantity: 0,
        refundedAmount: '0.00',
        pricePerUnit: source.pricePerUnit,
      });
    }
    expect(totalUnits(ledger, 'ordered')).toBe(7);
  });

  test('takes the currency from the items', () => {
    const ledger = createLedger([
      { itemId: 'i', retailerId: 'r', quantity: 1, pricePerUnit: { amount: '5.00', currency: 'EUR' } },
    ]);
    expect(ledger.currency).toBe('EUR');
  });
});

describe('shipments', () => {
  test('omitted lines mean every unshipped unit, returned as an explicit list', () => {
    expect(value(checkShipment(newLedger(), undefined))).toEqual([
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 3 },
      { itemId: 'i-2', retailerId: 'sku-b', quantity: 3 },
      { itemId: 'i-3', retailerId: 'sku-c', quantity: 1 },
    ]);
  });

  test('partial shipments accumulate and "all remaining" excludes what is done', () => {
    let ledger = ship(newLedger(), [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }]);
    expect(item(ledger, 'sku-a').shipped).toBe(1);
    expect(unshippedUnits(item(ledger, 'sku-a'))).toBe(2);
    expect(isFulfilled(ledger)).toBe(false);

    ledger = ship(ledger, [
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 2 },
      { itemId: 'i-3', retailerId: 'sku-c', quantity: 1 },
    ]);
    expect(item(ledger, 'sku-a').shipped).toBe(3);
    expect(value(checkShipment(ledger, undefined))).toEqual([{ itemId: 'i-2', retailerId: 'sku-b', quantity: 3 }]);

    ledger = ship(ledger);
    expect(totalUnits(ledger, 'shipped')).toBe(7);
    expect(isFulfilled(ledger)).toBe(true);
  });

  test('all remaining leaves out cancelled units', () => {
    const ledger = cancel(newLedger(), [{ itemId: 'i-2', retailerId: 'sku-b', quantity: 2 }]);
    expect(value(checkShipment(ledger, undefined))).toEqual([
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 3 },
      { itemId: 'i-2', retailerId: 'sku-b', quantity: 1 },
      { itemId: 'i-3', retailerId: 'sku-c', quantity: 1 },
    ]);
  });

  test('nothing left to ship is refused', () => {
    const ledger = ship(newLedger());
    expect(reason(checkShipment(ledger, undefined))).toMatch(/nothing left to ship/);
  });

  test('more units than remain are refused, counting shipped and cancelled units', () => {
    const fresh = newLedger();
    expect(reason(checkShipment(fresh, [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 4 }]))).toBe(
      'cannot ship 4 of sku-a: only 3 unshipped and not cancelled',
    );

    const partly = cancel(ship(fresh, [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }]), [
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 1 },
    ]);
    expect(reason(checkShipment(partly, [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 2 }]))).toMatch(
      /cannot ship 2 of sku-a: only 1 unshipped/,
    );
    expect(value(checkShipment(partly, [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }]))).toEqual([
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 1 },
    ]);
  });

  test('an over-quantity shipment never suggests a refund', () => {
    const ledger = ship(newLedger(), [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 3 }]);
    expect(reason(checkShipment(ledger, [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }]))).not.toMatch(/refund/);
  });

  test('an item not in the order is refused by name', () => {
    expect(reason(checkShipment(newLedger(), [{ retailerId: 'sku-zzz', quantity: 1 }]))).toBe(
      'unknown item "sku-zzz": not in this order',
    );
  });

  test('duplicate lines for one item are summed, and the sum is checked', () => {
    const ledger = newLedger();
    expect(
      value(
        checkShipment(ledger, [
          { itemId: 'i-1', retailerId: 'sku-a', quantity: 1 },
          { itemId: 'i-2', retailerId: 'sku-b', quantity: 1 },
          { itemId: 'i-1', retailerId: 'sku-a', quantity: 2 },
        ]),
      ),
    ).toEqual([
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 3 },
      { itemId: 'i-2', retailerId: 'sku-b', quantity: 1 },
    ]);
    expect(
      reason(
        checkShipment(ledger, [
          { itemId: 'i-1', retailerId: 'sku-a', quantity: 2 },
          { itemId: 'i-1', retailerId: 'sku-a', quantity: 2 },
        ]),
      ),
    ).toMatch(/cannot ship 4 of sku-a: only 3/);
  });

  test('an empty list is refused (it is not "everything")', () => {
    expect(reason(checkShipment(newLedger(), []))).toBe('no items to ship');
  });

  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('quantity %s is refused', (quantity) => {
    expect(reason(checkShipment(newLedger(), [{ itemId: 'i-1', retailerId: 'sku-a', quantity }]))).toBe(
      'quantity for sku-a must be a positive whole number',
    );
  });
});

describe('cancellations', () => {
  test('omitted lines cancel every unshipped unit and leave shipped ones alone', () => {
    const shipped = ship(newLedger(), [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 2 }]);
    const lines = value(checkCancellation(shipped, undefined));
    expect(lines).toEqual([
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 1 },
      { itemId: 'i-2', retailerId: 'sku-b', quantity: 3 },
      { itemId: 'i-3', retailerId: 'sku-c', quantity: 1 },
    ]);
    const ledger = applyCancellation(shipped, lines);
    expect(item(ledger, 'sku-a')).toMatchObject({ shipped: 2, cancelled: 1 });
    expect(isFulfilled(ledger)).toBe(true);
    expect(isFullyCancelled(ledger)).toBe(false);
  });

  test('partial cancellations accumulate', () => {
    let ledger = cancel(newLedger(), [{ itemId: 'i-2', retailerId: 'sku-b', quantity: 1 }]);
    ledger = cancel(ledger, [{ itemId: 'i-2', retailerId: 'sku-b', quantity: 1 }]);
    expect(item(ledger, 'sku-b').cancelled).toBe(2);
    expect(unshippedUnits(item(ledger, 'sku-b'))).toBe(1);
    expect(reason(checkCancellation(ledger, [{ itemId: 'i-2', retailerId: 'sku-b', quantity: 2 }]))).toBe(
      'cannot cancel 2 of sku-b: only 1 unshipped and not cancelled',
    );
  });

  test('cancelling shipped units is refused with the hint to refund them', () => {
    const ledger = ship(newLedger(), [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 3 }]);
    const why = reason(checkCancellation(ledger, [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }]));
    expect(why).toMatch(/^cannot cancel 1 of sku-a: only 0 unshipped/);
    expect(why).toContain('shipped units cannot be cancelled; refund them instead');
  });

  test('an over-quantity cancel with nothing shipped carries no refund hint', () => {
    const why = reason(checkCancellation(newLedger(), [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 5 }]));
    expect(why).toBe('cannot cancel 5 of sku-a: only 3 unshipped and not cancelled');
  });

  test('duplicate lines are summed; unknown items, empty lists and bad quantities are refused', () => {
    const ledger = newLedger();
    expect(
      value(
        checkCancellation(ledger, [
          { itemId: 'i-3', retailerId: 'sku-c', quantity: 1 },
          { itemId: 'i-1', retailerId: 'sku-a', quantity: 1 },
          { itemId: 'i-1', retailerId: 'sku-a', quantity: 1 },
        ]),
      ),
    ).toEqual([
      { itemId: 'i-3', retailerId: 'sku-c', quantity: 1 },
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 2 },
    ]);
    expect(reason(checkCancellation(ledger, [{ retailerId: 'nope', quantity: 1 }]))).toMatch(/unknown item "nope"/);
    expect(reason(checkCancellation(ledger, []))).toBe('no items to cancel');
    expect(reason(checkCancellation(ledger, [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 0 }]))).toMatch(
      /positive whole number/,
    );
  });

  test('nothing left to cancel is refused', () => {
    expect(reason(checkCancellation(cancel(newLedger()), undefined))).toMatch(/nothing left to cancel/);
    expect(reason(checkCancellation(ship(newLedger()), undefined))).toMatch(/nothing left to cancel/);
  });
});

describe('isFulfilled / isFullyCancelled', () => {
  test('a fresh order is neither', () => {
    expect(isFulfilled(newLedger())).toBe(false);
    expect(isFullyCancelled(newLedger())).toBe(false);
  });

  test('everything shipped: fulfilled, not cancelled', () => {
    const ledger = ship(newLedger());
    expect(isFulfilled(ledger)).toBe(true);
    expect(isFullyCancelled(ledger)).toBe(false);
  });

  test('everything cancelled: both (Meta completes a fully cancelled order too)', () => {
    const ledger = cancel(newLedger());
    expect(isFulfilled(ledger)).toBe(true);
    expect(isFullyCancelled(ledger)).toBe(true);
    expect(totalUnits(ledger, 'cancelled')).toBe(7);
  });

  test('one unit left anywhere keeps the order open', () => {
    const ledger = ship(
      cancel(newLedger(), [
        { itemId: 'i-2', retailerId: 'sku-b', quantity: 3 },
        { itemId: 'i-1', retailerId: 'sku-a', quantity: 1 },
      ]),
      [
        { itemId: 'i-1', retailerId: 'sku-a', quantity: 1 },
        { itemId: 'i-3', retailerId: 'sku-c', quantity: 1 },
      ],
    );
    expect(isFulfilled(ledger)).toBe(false);
    expect(isFullyCancelled(ledger)).toBe(false);
    expect(isFulfilled(ship(ledger))).toBe(true);
  });

  test('one shipped unit means the order is not fully cancelled', () => {
    const ledger = cancel(ship(newLedger(), [{ itemId: 'i-3', retailerId: 'sku-c', quantity: 1 }]));
    expect(isFulfilled(ledger)).toBe(true);
    expect(isFullyCancelled(ledger)).toBe(false);
  });
});

describe('refunds', () => {
  test('nothing shipped: a refund is refused, with or without lines', () => {
    const ledger = newLedger();
    expect(reason(checkRefund(ledger, { full: true }))).toBe(
      'nothing has shipped yet: only shipped units can be refunded',
    );
    expect(reason(checkRefund(ledger, { items: [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }] }))).toMatch(
      /cannot refund sku-a: no unit of it has shipped \(cancel unshipped units instead\)/,
    );
    expect(
      reason(checkRefund(ledger, { items: [{ itemId: 'i-1', retailerId: 'sku-a', amount: usd('1.00') }] })),
    ).toMatch(/no unit of it has shipped/);
    expect(reason(checkRefund(ledger, { full: true, shipping: usd('1.00') }, usd('5.00')))).toBe(
      'nothing has shipped yet: shipping cannot be refunded',
    );
  });

  test('an item with no shipped unit is refused even when others shipped', () => {
    const ledger = ship(newLedger(), [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }]);
    expect(reason(checkRefund(ledger, { items: [{ itemId: 'i-2', retailerId: 'sku-b', quantity: 1 }] }))).toMatch(
      /cannot refund sku-b: no unit of it has shipped/,
    );
  });

  test('by quantity: priced at the unit price, limited to shipped units not yet refunded', () => {
    let ledger = ship(newLedger(), [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 2 }]);
    const plan = value(checkRefund(ledger, { items: [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }] }));
    expect(plan).toEqual({
      lines: [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1, amount: usd('10.00') }],
      shipping: undefined,
      total: usd('10.00'),
    });

    ledger = applyRefund(ledger, plan);
    expect(item(ledger, 'sku-a')).toMatchObject({ refundedQuantity: 1, refundedAmount: '10.00' });
    expect(refundableAmount(item(ledger, 'sku-a'))).toBe('10.00');

    expect(reason(checkRefund(ledger, { items: [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 2 }] }))).toBe(
      'cannot refund 2 of sku-a: only 1 shipped and not yet refunded',
    );
    ledger = refund(ledger, [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }]);
    expect(item(ledger, 'sku-a')).toMatchObject({ refundedQuantity: 2, refundedAmount: '20.00' });
    expect(totalUnits(ledger, 'refundedQuantity')).toBe(2);
  });

  test('by quantity the amount is exact (3 x 0.10 = 0.30)', () => {
    const ledger = ship(newLedger(), [{ itemId: 'i-2', retailerId: 'sku-b', quantity: 3 }]);
    const plan = value(checkRefund(ledger, { items: [{ itemId: 'i-2', retailerId: 'sku-b', quantity: 3 }] }));
    expect(plan.lines).toEqual([{ itemId: 'i-2', retailerId: 'sku-b', quantity: 3, amount: usd('0.30') }]);
    expect(item(applyRefund(ledger, plan), 'sku-b').refundedAmount).toBe('0.30');
  });

  test.each([0, -1, 1.5])('refund quantity %s is refused', (quantity) => {
    const ledger = ship(newLedger());
    expect(reason(checkRefund(ledger, { items: [{ itemId: 'i-1', retailerId: 'sku-a', quantity }] }))).toBe(
      'refund quantity for sku-a must be a positive whole number',
    );
  });

  test('by amount: partial amounts add up exactly to what was paid, never beyond', () => {
    let ledger = ship(newLedger(), [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 2 }]);
    expect(refundableAmount(item(ledger, 'sku-a'))).toBe('20.00');

    const plan = value(checkRefund(ledger, { items: [{ itemId: 'i-1', retailerId: 'sku-a', amount: usd('5.55') }] }));
    expect(plan.lines).toEqual([{ itemId: 'i-1', retailerId: 'sku-a', amount: usd('5.55') }]);
    ledger = applyRefund(ledger, plan);
    expect(item(ledger, 'sku-a')).toMatchObject({ refundedQuantity: 0, refundedAmount: '5.55' });

    expect(reason(checkRefund(ledger, { items: [{ itemId: 'i-1', retailerId: 'sku-a', amount: usd('14.46') }] }))).toBe(
      'cannot refund 14.46 USD of sku-a: only 14.45 is left of what was paid for shipped units',
    );
    ledger = refund(ledger, [{ itemId: 'i-1', retailerId: 'sku-a', amount: usd('14.45') }]);
    expect(refundableAmount(item(ledger, 'sku-a'))).toBe('0.00');
    expect(
      reason(checkRefund(ledger, { items: [{ itemId: 'i-1', retailerId: 'sku-a', amount: usd('0.01') }] })),
    ).toMatch(/only 0.00 is left/);
  });

  test('only shipped units count towards what may be refunded', () => {
    const ledger = ship(newLedger(), [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }]);
    expect(
      reason(checkRefund(ledger, { items: [{ itemId: 'i-1', retailerId: 'sku-a', amount: usd('10.01') }] })),
    ).toMatch(/only 10.00 is left/);
    expect(
      value(checkRefund(ledger, { items: [{ itemId: 'i-1', retailerId: 'sku-a', amount: usd('10.00') }] })).lines,
    ).toHaveLength(1);
  });

  test('a quantity refund after an amount refund may not exceed the money left', () => {
    let ledger = ship(newLedger(), [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 2 }]);
    ledger = refund(ledger, [{ itemId: 'i-1', retailerId: 'sku-a', amount: usd('15.00') }]);
    expect(reason(checkRefund(ledger, { items: [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }] }))).toBe(
      'cannot refund 1 of sku-a: only 5.00 USD is left to refund',
    );
  });

  test('a zero amount is refused', () => {
    const ledger = ship(newLedger());
    expect(reason(checkRefund(ledger, { items: [{ itemId: 'i-1', retailerId: 'sku-a', amount: usd('0.00') }] }))).toBe(
      'refund amount for sku-a must be above zero',
    );
  });

  test('a line needs exactly one of quantity and amount', () => {
    const ledger = ship(newLedger());
    expect(reason(checkRefund(ledger, { items: [{ retailerId: 'sku-a' }] }))).toBe(
      'refund of sku-a needs either a quantity or an amount',
    );
    expect(
      reason(
        checkRefund(ledger, { items: [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1, amount: usd('10.00') }] }),
      ),
    ).toBe('refund of sku-a needs either a quantity or an amount');
  });

  test('unknown items and duplicate lines are refused', () => {
    const ledger = ship(newLedger());
    expect(reason(checkRefund(ledger, { items: [{ retailerId: 'ghost', quantity: 1 }] }))).toBe(
      'unknown item "ghost": not in this order',
    );
    expect(
      reason(
        checkRefund(ledger, {
          items: [
            { itemId: 'i-1', retailerId: 'sku-a', quantity: 1 },
            { itemId: 'i-1', retailerId: 'sku-a', quantity: 1 },
          ],
        }),
      ),
    ).toBe('item sku-a appears twice in the refund');
  });

  test('an amount in another currency is refused', () => {
    const ledger = ship(newLedger());
    expect(
      reason(
        checkRefund(ledger, {
          items: [{ itemId: 'i-1', retailerId: 'sku-a', amount: { amount: '1.00', currency: 'EUR' } }],
        }),
      ),
    ).toBe('refund currency EUR differs from the order currency USD');
  });

  test('omitted lines refund every shipped unit not yet refunded', () => {
    let ledger = ship(newLedger(), [
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 2 },
      { itemId: 'i-2', retailerId: 'sku-b', quantity: 3 },
    ]);
    ledger = refund(ledger, [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }]);
    const plan = value(checkRefund(ledger, { full: true }));
    expect(plan.lines).toEqual([
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 1, amount: usd('10.00') },
      { itemId: 'i-2', retailerId: 'sku-b', quantity: 3, amount: usd('0.30') },
    ]);
    ledger = applyRefund(ledger, plan);
    expect(ledger.items.map(refundableAmount)).toEqual(['0.00', '0.00', '0.00']);
    expect(reason(checkRefund(ledger, { full: true }))).toBe('nothing left to refund');
  });

  test('omitted lines after a partial amount refund refund what is left of the money', () => {
    let ledger = ship(newLedger(), [
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 2 },
      { itemId: 'i-3', retailerId: 'sku-c', quantity: 1 },
    ]);
    ledger = refund(ledger, [{ itemId: 'i-1', retailerId: 'sku-a', amount: usd('5.00') }]);
    const plan = value(checkRefund(ledger, { full: true }));
    expect(plan.lines).toEqual([
      { itemId: 'i-1', retailerId: 'sku-a', amount: usd('15.00') },
      { itemId: 'i-3', retailerId: 'sku-c', quantity: 1, amount: usd('1234.56') },
    ]);
    ledger = applyRefund(ledger, plan);
    expect(ledger.items.map(refundableAmount)).toEqual(['0.00', '0.00', '0.00']);
    expect(reason(checkRefund(ledger, { full: true }))).toBe('nothing left to refund');
  });

  test('omitted lines skip an item whose money was fully refunded by amount', () => {
    let ledger = ship(newLedger(), [
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 1 },
      { itemId: 'i-3', retailerId: 'sku-c', quantity: 1 },
    ]);
    ledger = refund(ledger, [{ itemId: 'i-1', retailerId: 'sku-a', amount: usd('10.00') }]);
    expect(value(checkRefund(ledger, { full: true })).lines).toEqual([
      { itemId: 'i-3', retailerId: 'sku-c', quantity: 1, amount: usd('1234.56') },
    ]);
    ledger = refund(ledger, [{ itemId: 'i-3', retailerId: 'sku-c', quantity: 1 }]);
    expect(reason(checkRefund(ledger, { full: true }))).toBe('nothing left to refund');
  });

  describe('shipping', () => {
    const shipped = () => ship(newLedger(), [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }]);

    test('up to what was paid, across several refunds', () => {
      let ledger = shipped();
      expect(
        reason(
          checkRefund(
            ledger,
            { items: [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }], shipping: usd('5.01') },
            usd('5.00'),
          ),
        ),
      ).toBe('cannot refund 5.01 of shipping: only 5.00 is left of what was paid');

      const plan = value(
        checkRefund(
          ledger,
          { items: [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }], shipping: usd('3.00') },
          usd('5.00'),
        ),
      );
      expect(plan.shipping).toEqual(usd('3.00'));
      ledger = applyRefund(ledger, plan);
      expect(ledger.shippingRefunded).toBe('3.00');

      expect(reason(checkRefund(ledger, { items: [], shipping: usd('2.01') }, usd('5.00')))).toBe(
        'cannot refund 2.01 of shipping: only 2.00 is left of what was paid',
      );
      ledger = refund(ledger, [], usd('2.00'), usd('5.00'));
      expect(ledger.shippingRefunded).toBe('5.00');
      expect(reason(checkRefund(ledger, { items: [], shipping: usd('0.01') }, usd('5.00')))).toMatch(
        /only 0.00 is left/,
      );
    });

    test('alone, with every item already refunded', () => {
      let ledger = refund(shipped(), undefined);
      expect(reason(checkRefund(ledger, { full: true }))).toBe('nothing left to refund');
      const plan = value(checkRefund(ledger, { full: true, shipping: usd('4.99') }, usd('4.99')));
      expect(plan).toEqual({ lines: [], shipping: usd('4.99'), total: usd('4.99') });
      ledger = applyRefund(ledger, plan);
      expect(ledger.shippingRefunded).toBe('4.99');
    });

    test('in another currency is refused', () => {
      expect(
        reason(checkRefund(shipped(), { items: [], shipping: { amount: '1.00', currency: 'GBP' } }, usd('5.00'))),
      ).toBe('shipping refund currency GBP differs from the order currency USD');
    });

    test('a zero shipping refund is refused', () => {
      expect(reason(checkRefund(shipped(), { items: [], shipping: usd('0.00') }, usd('5.00')))).toBe(
        'shipping refund must be above zero',
      );
    });
  });
});

describe('reconcile', () => {
  test('units Meta reports beyond the ledger are external changes, and are added', () => {
    const ledger = ship(newLedger(), [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }]);
    const result = reconcile(ledger, [
      { itemId: 'i-1', retailerId: 'sku-a', fulfilled: 2, cancelled: 1 },
      { itemId: 'i-2', retailerId: 'sku-b', fulfilled: 0, cancelled: 3 },
      { itemId: 'i-3', retailerId: 'sku-c', fulfilled: 0, cancelled: 0 },
    ]);
    expect(result.externallyShipped).toEqual([{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }]);
    expect(result.externallyCancelled).toEqual([
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 1 },
      { itemId: 'i-2', retailerId: 'sku-b', quantity: 3 },
    ]);
    expect(item(result.ledger, 'sku-a')).toMatchObject({ shipped: 2, cancelled: 1 });
    expect(item(result.ledger, 'sku-b')).toMatchObject({ shipped: 0, cancelled: 3 });
    expect(item(result.ledger, 'sku-c')).toMatchObject({ shipped: 0, cancelled: 0 });
    expect(isFulfilled(result.ledger)).toBe(false);
  });

  test('nothing new: no external changes and an equal ledger', () => {
    const ledger = cancel(ship(newLedger(), [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 2 }]), [
      { itemId: 'i-2', retailerId: 'sku-b', quantity: 1 },
    ]);
    const result = reconcile(ledger, [
      { itemId: 'i-1', retailerId: 'sku-a', fulfilled: 2, cancelled: 0 },
      { itemId: 'i-2', retailerId: 'sku-b', fulfilled: 0, cancelled: 1 },
    ]);
    expect(result.externallyShipped).toEqual([]);
    expect(result.externallyCancelled).toEqual([]);
    expect(result.ledger).toEqual(ledger);
  });

  test('never subtracts when Meta reports less than the ledger holds', () => {
    const ledger = cancel(ship(newLedger(), [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 3 }]), [
      { itemId: 'i-2', retailerId: 'sku-b', quantity: 2 },
    ]);
    const result = reconcile(ledger, [
      { itemId: 'i-1', retailerId: 'sku-a', fulfilled: 1, cancelled: 0 },
      { itemId: 'i-2', retailerId: 'sku-b', fulfilled: 0, cancelled: 0 },
    ]);
    expect(result.externallyShipped).toEqual([]);
    expect(result.externallyCancelled).toEqual([]);
    expect(item(result.ledger, 'sku-a').shipped).toBe(3);
    expect(item(result.ledger, 'sku-b').cancelled).toBe(2);
  });

  test('items Meta reports that are not in the ledger are ignored', () => {
    const ledger = newLedger();
    const result = reconcile(ledger, [{ itemId: 'i-unknown', retailerId: 'sku-unknown', fulfilled: 5, cancelled: 5 }]);
    expect(result.externallyShipped).toEqual([]);
    expect(result.externallyCancelled).toEqual([]);
    expect(result.ledger).toEqual(ledger);
  });

  test('an externally completed order reads as fulfilled', () => {
    const result = reconcile(
      newLedger(),
      ORDER.map((line) => ({
        itemId: line.itemId,
        retailerId: line.retailerId,
        fulfilled: line.quantity,
        cancelled: 0,
      })),
    );
    expect(isFulfilled(result.ledger)).toBe(true);
    expect(totalUnits(result.ledger, 'shipped')).toBe(7);
  });
});

describe('immutability', () => {
  test('no function changes its inputs (frozen inputs, unchanged afterwards)', () => {
    const base = ship(newLedger(), [{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }]);
    const frozen = deepFreeze(structuredClone(base));
    const snapshot = structuredClone(frozen);

    const shipLines = deepFreeze([
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 1 },
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 1 },
    ]);
    const shipped = applyShipment(frozen, value(checkShipment(frozen, shipLines)));
    const cancelled = applyCancellation(frozen, value(checkCancellation(frozen, undefined)));
    const refundPlan = deepFreeze(
      value(
        checkRefund(
          frozen,
          { items: deepFreeze([{ itemId: 'i-1', retailerId: 'sku-a', quantity: 1 }]), shipping: usd('1.00') },
          usd('5.00'),
        ),
      ),
    );
    const refunded = applyRefund(frozen, refundPlan);
    const statuses = deepFreeze([{ itemId: 'i-2', retailerId: 'sku-b', fulfilled: 1, cancelled: 1 }]);
    const reconciled = reconcile(frozen, statuses);

    expect(frozen).toEqual(snapshot);
    expect(shipLines).toEqual([
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 1 },
      { itemId: 'i-1', retailerId: 'sku-a', quantity: 1 },
    ]);
    // The results did change, in new objects.
    expect(item(shipped, 'sku-a').shipped).toBe(3);
    expect(item(cancelled, 'sku-b').cancelled).toBe(3);
    expect(item(refunded, 'sku-a').refundedQuantity).toBe(1);
    expect(refunded.shippingRefunded).toBe('1.00');
    expect(item(reconciled.ledger, 'sku-b')).toMatchObject({ shipped: 1, cancelled: 1 });
    expect(shipped).not.toBe(frozen);
  });

  test('createLedger copies its input lines', () => {
    const input = deepFreeze(structuredClone(ORDER));
    const ledger = ship(createLedger(input));
    expect(input).toEqual(ORDER);
    expect(totalUnits(ledger, 'shipped')).toBe(7);
  });
});

describe('lines by Meta item id', () => {
  /** A personalised and a plain mug: two lines, one retailer id. */
  const TWINS: NewLedgerItem[] = [
    { itemId: 'i-p', retailerId: 'sku-mug', productName: 'Mug, with a name', quantity: 1, pricePerUnit: usd('15.00') },
    { itemId: 'i-q', retailerId: 'sku-mug', productName: 'Mug', quantity: 2, pricePerUnit: usd('10.00') },
  ];

  test('"ship everything" ships each line once, by item id', () => {
    const ledger = createLedger(TWINS);
    const lines = value(checkShipment(ledger, undefined));
    expect(lines).toEqual([
      { itemId: 'i-p', retailerId: 'sku-mug', quantity: 1 },
      { itemId: 'i-q', retailerId: 'sku-mug', quantity: 2 },
    ]);
    const shipped = applyShipment(ledger, lines);
    expect(shipped.items.map((i) => i.shipped)).toEqual([1, 2]);
    expect(isFulfilled(shipped)).toBe(true);
  });

  test('a retailer id that names two lines is refused with their item ids; an item id is taken', () => {
    const ledger = createLedger(TWINS);
    expect(reason(checkShipment(ledger, [{ retailerId: 'sku-mug', quantity: 1 }]))).toBe(
      'retailer id sku-mug names 2 lines of this order (item ids i-p, i-q): name the line by itemId',
    );
    expect(reason(checkCancellation(ledger, [{ retailerId: 'sku-mug', quantity: 1 }]))).toContain('item ids i-p, i-q');
    expect(value(checkShipment(ledger, [{ itemId: 'i-q', quantity: 2 }]))).toEqual([
      { itemId: 'i-q', retailerId: 'sku-mug', quantity: 2 },
    ]);
    expect(reason(checkShipment(ledger, [{ itemId: 'i-zz', quantity: 1 }]))).toBe(
      'unknown item id "i-zz": not in this order',
    );
  });

  test("a refund names its line by item id, priced at that line's price", () => {
    const ledger = applyShipment(createLedger(TWINS), value(checkShipment(createLedger(TWINS), undefined)));
    expect(reason(checkRefund(ledger, { items: [{ retailerId: 'sku-mug', quantity: 1 }] }))).toContain(
      'item ids i-p, i-q',
    );
    const plan = value(checkRefund(ledger, { items: [{ itemId: 'i-p', quantity: 1 }] }));
    expect(plan.lines).toEqual([{ itemId: 'i-p', retailerId: 'sku-mug', quantity: 1, amount: usd('15.00') }]);
    expect(applyRefund(ledger, plan).items.map((i) => i.refundedAmount)).toEqual(['15.00', '0.00']);
  });
});

describe('refunds say what they mean', () => {
  const shippedAll = () => ship(newLedger());

  test('nothing named is refused; a full refund must be asked for', () => {
    expect(reason(checkRefund(shippedAll(), {}))).toBe(
      'nothing to refund: name items, shipping, an adjustment, or ask for a full refund',
    );
    expect(reason(checkRefund(shippedAll(), { full: true, items: [{ itemId: 'i-1', quantity: 1 }] }))).toBe(
      'a full refund takes no items (it refunds every shipped unit left)',
    );
  });

  test('shipping only refunds shipping and nothing else', () => {
    const plan = value(checkRefund(shippedAll(), { shipping: usd('4.99') }, usd('4.99')));
    expect(plan).toEqual({ lines: [], shipping: usd('4.99'), total: usd('4.99') });
    const after = applyRefund(shippedAll(), plan);
    expect(after.items.every((i) => i.refundedAmount === '0.00')).toBe(true);
    expect(after.shippingRefunded).toBe('4.99');
  });

  test("deductions and an adjustment change the total; the order's refunds never pass what was paid", () => {
    const ledger = shippedAll(); // paid 30.00 + 0.30 + 1234.56 = 1264.86, shipping 5.00
    const plan = value(
      checkRefund(
        ledger,
        {
          items: [{ itemId: 'i-1', quantity: 1 }],
          adjustment: usd('2.00'),
          deductions: [{ type: 'RETURN_SHIPPING', amount: usd('3.50') }],
        },
        usd('5.00'),
      ),
    );
    expect(plan.total).toEqual(usd('8.50'));
    expect(applyRefund(ledger, plan).totalRefunded).toBe('8.50');
    expect(reason(checkRefund(ledger, { adjustment: usd('1269.87') }, usd('5.00')))).toBe(
      'cannot refund 1269.87 USD: with the 0.00 refunded before it would exceed the 1269.86 the buyer paid',
    );
    expect(
      reason(
        checkRefund(ledger, {
          items: [{ itemId: 'i-1', quantity: 1 }],
          deductions: [{ type: 'RETURN_SHIPPING', amount: usd('11.00') }],
        }),
      ),
    ).toBe('deductions of 11.00 exceed the 10.00 being refunded');
  });
});
