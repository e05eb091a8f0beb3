import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmsInvalidInputError } from '../../../src/api/oms-errors.js';
import { parseOmsPortArguments } from '../../../src/api/oms-port-methods.js';
import type { OrderLine, PendingOrderInput } from '../../../src/api/oms-port.js';
import { ReferenceOms } from '../../../src/oms/reference/index.js';
import { validatedOmsPort } from '../../../src/oms/validated-oms.js';
import { line, newOrderId, pendingOrder } from './fixtures.js';

const eur = (amount: string) => ({ amount, currency: 'EUR' });

/** A line with every warehouse fact Meta can report. */
function fullLine(itemId: string, retailerId: string): OrderLine {
  return {
    ...line(itemId, retailerId, 2),
    customization: 'Alles Gute, Oma! ❤',
    shippingOption: { name: 'Express', minDays: 1, maxDays: 2 },
    tax: eur('4.75'),
  };
}

function warehouseOrder(metaOrderId: string, overrides: Partial<PendingOrderInput> = {}): PendingOrderInput {
  return pendingOrder(metaOrderId, [fullLine('i1', 'MUG-1'), line('i2', 'CAP-1', 1)], {
    shipByDate: '2024-05-07',
    totals: {
      subtotal: eur('37.50'),
      shipping: eur('4.90'),
      tax: eur('4.75'),
      total: eur('47.15'),
      taxRemitted: true,
      facebookPaid: eur('5.00'),
      buyerPaid: eur('42.15'),
    },
    ...overrides,
  });
}

describe('the pending order schema: warehouse fields', () => {
  const invalid = (input: PendingOrderInput) => () => parseOmsPortArguments('createPendingOrder', [input]);

  it('accepts them all, and an order without any of them', () => {
    const input = warehouseOrder(newOrderId());
    expect(parseOmsPortArguments('createPendingOrder', [input])[0]).toEqual(input);
    expect(() =>
      parseOmsPortArguments('createPendingOrder', [pendingOrder(newOrderId(), [line('i1', 'A', 1)])]),
    ).not.toThrow();
  });

  it.each([
    ['a negative line tax', { tax: eur('-1.00') }, /lines\.0\.tax\.amount/],
    ['a line tax with three decimals', { tax: eur('1.005') }, /lines\.0\.tax\.amount/],
    ['a line tax in a bad currency', { tax: { amount: '1.00', currency: 'euro' } }, /lines\.0\.tax\.currency/],
    ['a personalisation over 1,000 characters', { customization: 'x'.repeat(1001) }, /lines\.0\.customization/],
    ['a shipping option without a name', { shippingOption: { name: '' } }, /lines\.0\.shippingOption\.name/],
    ['negative shipping days', { shippingOption: { name: 'Std', minDays: -1 } }, /lines\.0\.shippingOption\.minDays/],
  ])('refuses %s', (_what, change, path) => {
    const input = warehouseOrder(newOrderId());
    input.lines[0] = { ...input.lines[0]!, ...change } as OrderLine;
    expect(invalid(input)).toThrow(OmsInvalidInputError);
    expect(invalid(input)).toThrow(path);
  });

  it.each([
    ['a negative amount Meta paid', { facebookPaid: eur('-5.00') }, /totals\.facebookPaid\.amount/],
    ['a buyer-paid amount with three decimals', { buyerPaid: eur('42.155') }, /totals\.buyerPaid\.amount/],
    ['a float as an amount', { buyerPaid: { amount: 42.15, currency: 'EUR' } }, /totals\.buyerPaid\.amount/],
    ['a tax-remitted flag that is not a boolean', { taxRemitted: 'yes' }, /totals\.taxRemitted/],
  ])('refuses %s', (_what, change, path) => {
    const input = warehouseOrder(newOrderId());
    input.totals = { ...input.totals, ...change } as PendingOrderInput['totals'];
    expect(invalid(input)).toThrow(path);
  });

  it('refuses a ship-by date that is not YYYY-MM-DD', () => {
    expect(invalid(warehouseOrder(newOrderId(), { shipByDate: '07/05/2024' }))).toThrow(/shipByDate/);
    expect(invalid(warehouseOrder(newOrderId(), { shipByDate: '2024-02-30' }))).toThrow(/shipByDate/);
  });
});

describe('ReferenceOms: warehouse fields', () => {
  let oms: ReferenceOms;
  beforeAll(async () => {
    oms = await ReferenceOms.open();
  });
  afterAll(async () => {
    await oms.close();
  });

  it('stores the ship-by date, each line’s personalisation, shipping option and tax, and the new totals, exactly', async () => {
    const orderId = newOrderId();
    const input = warehouseOrder(orderId);
    await validatedOmsPort(oms).createPendingOrder(input);
    const order = await oms.getOrder(orderId);
    expect(order?.shipByDate).toBe('2024-05-07');
    expect(order?.totals).toEqual(input.totals);
    expect(order?.lines).toEqual([
      {
        ...line('i1', 'MUG-1', 2),
        customization: 'Alles Gute, Oma! ❤',
        shippingOption: { name: 'Express', minDays: 1, maxDays: 2 },
        tax: eur('4.75'),
      },
      line('i2', 'CAP-1', 1),
    ]);
    expect((await oms.listOrders()).find((o) => o.metaOrderId === orderId)?.shipByDate).toBe('2024-05-07');
  });

  it('keeps a shipping option without days, a tax of "0" as given, and leaves out what the order lacks', async () => {
    const orderId = newOrderId();
    await oms.createPendingOrder(
      pendingOrder(orderId, [{ ...line('i1', 'MUG-2', 1), shippingOption: { name: 'Standard' }, tax: eur('0') }]),
    );
    const order = await oms.getOrder(orderId);
    expect(order?.shipByDate).toBeUndefined();
    expect(order?.lines).toEqual([{ ...line('i1', 'MUG-2', 1), shippingOption: { name: 'Standard' }, tax: eur('0') }]);
  });

  it('a retry with the same warehouse fields is the same order; other fields keep the first and are logged', async () => {
    const orderId = newOrderId();
    const first = await oms.createPendingOrder(warehouseOrder(orderId));
    expect(await oms.createPendingOrder(warehouseOrder(orderId))).toEqual(first);
    expect(await oms.createPendingOrder(warehouseOrder(orderId, { shipByDate: '2024-05-08' }))).toEqual(first);
    expect((await oms.getOrder(orderId))?.shipByDate).toBe('2024-05-07');
    expect((await oms.events(orderId)).map((event) => event.kind)).toEqual(['order.create_pending_mismatch']);
  });
});
