import { describe, expect, it } from 'vitest';
import { parseOmsPortArguments } from '../../../src/api/oms-port-methods.js';
import { BUYER_FIELDS, BUYER_ITEM_FIELDS, toPendingOrderInput } from '../../../src/activities/order-mapping.js';
import { selectOrderFields } from '../../../src/graph/fields.js';

const usd = (amount: string) => ({ amount, currency: 'USD' });

/** An order as Meta sends it (snake_case) for the buyer read, parsed by the client's own schema. */
function graphOrder(overrides: Record<string, unknown> = {}, items?: unknown[]) {
  const wire = {
    id: '10001',
    order_status: { state: 'CREATED' },
    channel: 'Instagram',
    ship_by_date: '2024-05-07',
    buyer_details: { name: 'Ana Lima', email: 'relay@marketplace.example', email_remarketing_option: true },
    shipping_address: {
      name: 'Ana Lima',
      street1: '1 Main St',
      city: 'Springfield',
      state: 'IL',
      postal_code: '62701',
      country: 'US',
    },
    selected_shipping_option: {
      name: 'Standard',
      price: usd('4.99'),
      calculated_tax: usd('0.40'),
      estimated_shipping_time: { min_days: 3, max_days: 5 },
    },
    estimated_payment_details: {
      subtotal: { items: usd('40.00'), shipping: usd('4.99') },
      tax: usd('3.60'),
      total_amount: usd('48.59'),
      tax_remitted: true,
      facebook_paid_amount: usd('5.00'),
      buyer_paid_amount: usd('43.59'),
    },
    items: {
      data: items ?? [
        {
          id: 'item_1',
          retailer_id: 'MUG',
          product_id: '501',
          quantity: 2,
          price_per_unit: usd('15.00'),
          product_name: 'Mug',
          selected_shipping_option: {
            name: 'Express',
            price: usd('9.99'),
            estimated_shipping_time: { min_days: 1, max_days: 2 },
          },
          tax_details: { estimated_tax: usd('2.70'), captured_tax: { total_tax: usd('0.00') } },
          customization: 'For Grandma — love, Ana',
        },
        { id: 'item_2', retailer_id: 'CAP', product_id: '502', quantity: 1, price_per_unit: usd('10.00') },
      ],
    },
    ...overrides,
  };
  return selectOrderFields(BUYER_FIELDS, BUYER_ITEM_FIELDS).schema.parse(wire);
}

describe('the buyer read', () => {
  it("asks Meta for the ship-by date and the items' shipping option, tax and personalisation", () => {
    const { param } = selectOrderFields(BUYER_FIELDS, BUYER_ITEM_FIELDS);
    expect(param).toContain('ship_by_date');
    expect(param).toContain('selected_shipping_option');
    expect(param).toMatch(/items\{[^}]*selected_shipping_option,tax_details,customization/);
  });
});

describe('toPendingOrderInput', () => {
  it('maps the ship-by date, per-line personalisation, shipping option and tax, and the totals Meta reports', () => {
    const order = graphOrder();
    const input = toPendingOrderInput(order, order.items?.data ?? [], 'facebook');
    expect(input).toMatchObject({
      metaOrderId: '10001',
      channel: 'instagram',
      shipByDate: '2024-05-07',
      shippingMethod: 'Standard',
      totals: {
        subtotal: usd('40.00'),
        shipping: usd('4.99'),
        tax: usd('3.60'),
        total: usd('48.59'),
        taxRemitted: true,
        facebookPaid: usd('5.00'),
        buyerPaid: usd('43.59'),
      },
    });
    expect(input.lines).toEqual([
      {
        itemId: 'item_1',
        retailerId: 'MUG',
        productName: 'Mug',
        quantity: 2,
        pricePerUnit: usd('15.00'),
        customization: 'For Grandma — love, Ana',
        shippingOption: { name: 'Express', minDays: 1, maxDays: 2 },
        tax: usd('2.70'),
      },
      {
        itemId: 'item_2',
        retailerId: 'CAP',
        productName: undefined,
        quantity: 1,
        pricePerUnit: usd('10.00'),
        customization: undefined,
        shippingOption: undefined,
        tax: undefined,
      },
    ]);
    // What the activity sends passes the port's validation as it is.
    expect(parseOmsPortArguments('createPendingOrder', [input])[0]).toEqual(JSON.parse(JSON.stringify(input)));
  });

  it('leaves the new fields out when Meta does not report them (and a shipping option without a name)', () => {
    const order = graphOrder(
      {
        ship_by_date: undefined,
        estimated_payment_details: { subtotal: { items: usd('15.00'), shipping: usd('0.00') } },
      },
      [
        {
          id: 'item_1',
          retailer_id: 'MUG',
          product_id: '501',
          quantity: 1,
          price_per_unit: usd('15.00'),
          selected_shipping_option: { estimated_shipping_time: { min_days: 1, max_days: 2 } },
          tax_details: {},
        },
      ],
    );
    const input = toPendingOrderInput(order, order.items?.data ?? [], 'facebook');
    expect(input.shipByDate).toBeUndefined();
    expect(input.totals).toEqual({
      subtotal: usd('15.00'),
      shipping: usd('0.00'),
      tax: undefined,
      total: undefined,
      taxRemitted: undefined,
      facebookPaid: undefined,
      buyerPaid: undefined,
    });
    expect(input.lines[0]).toMatchObject({ shippingOption: undefined, tax: undefined, customization: undefined });
  });
});
