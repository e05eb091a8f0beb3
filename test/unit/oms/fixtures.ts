import type { OrderLine, PendingOrderInput } from '../../../src/api/oms-port.js';

let counter = 0;
/** A Meta-like order id unique within the test run, so tests can share one database. */
export function newOrderId(): string {
  counter += 1;
  return `10${String(Date.now()).slice(-8)}${String(counter).padStart(4, '0')}`;
}

let skuCounter = 0;
export function newSku(label = 'SKU'): string {
  skuCounter += 1;
  return `${label}-${skuCounter}-${Math.random().toString(36).slice(2, 7)}`;
}

export function line(itemId: string, retailerId: string, quantity: number, amount = '12.50'): OrderLine {
  return {
    itemId,
    retailerId,
    productName: `Product ${retailerId}`,
    quantity,
    pricePerUnit: { amount, currency: 'EUR' },
  };
}

export function pendingOrder(
  metaOrderId: string,
  lines: OrderLine[],
  overrides: Partial<PendingOrderInput> = {},
): PendingOrderInput {
  return {
    metaOrderId,
    channel: 'instagram',
    paymentMethod: 'Paid on Instagram',
    buyer: { name: 'Zoë Ångström-Weiß', email: 'relay-123@marketplace.example', marketingOptIn: false },
    shippingAddress: {
      name: 'Zoë Ångström-Weiß',
      street1: 'Königstraße 12',
      street2: 'Hinterhaus',
      city: 'Köln',
      postalCode: '50667',
      country: 'DE',
    },
    lines,
    shippingMethod: 'Standard',
    totals: { subtotal: { amount: '25.00', currency: 'EUR' }, total: { amount: '29.90', currency: 'EUR' } },
    suppressCustomerEmails: true,
    ...overrides,
  };
}
