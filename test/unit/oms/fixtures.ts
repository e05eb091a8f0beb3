import type { OmsPort, OrderLine, PendingOrderInput } from '../../../src/api/oms-port.js';

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

/**
 * Every port call that follows an order's creation, in a lifecycle's order (one unit of `retailerId`
 * shipped, re-tracked, cancelled, refunded and returned; then completion, release and the two notices).
 */
export async function recordOrderLife(oms: OmsPort, orderId: string, retailerId: string): Promise<void> {
  await oms.markProcessing(orderId);
  await oms.recordShipment({
    metaOrderId: orderId,
    requestId: 's1',
    items: [{ retailerId, quantity: 1 }],
    carrier: 'UPS',
    trackingNumber: '1Z',
  });
  await oms.recordTrackingUpdate({
    metaOrderId: orderId,
    requestId: 't1',
    shipmentRequestId: 's1',
    carrier: 'DHL',
    trackingNumber: 'JD0123',
  });
  await oms.recordCancellation({
    metaOrderId: orderId,
    requestId: 'c1',
    items: [{ retailerId, quantity: 1 }],
    reasonCode: 'OUT_OF_STOCK',
    restock: true,
    origin: 'merchant',
  });
  await oms.recordRefund({
    metaOrderId: orderId,
    requestId: 'r1',
    items: [{ retailerId, quantity: 1 }],
    reasonCode: 'DAMAGED_GOODS',
    origin: 'merchant',
  });
  await oms.recordReturn({
    metaOrderId: orderId,
    metaReturnId: 'ret-1',
    status: 'REQUESTED',
    items: [{ retailerId, quantity: 1 }],
  });
  await oms.markCompleted(orderId);
  await oms.releaseInventory(orderId);
  await oms.notifyExternalChange({ metaOrderId: orderId, kind: 'refunded', detail: 'refund seen on Meta' });
  await oms.notifyOps({ metaOrderId: orderId, severity: 'critical', reason: 'stuck' });
}
