/**
 * Shipments, cancellations and refunds as structured records: made outside the integration
 * (origin external, Meta's object id), on order lines named by Meta's item id, refunds with Meta's
 * amounts, and the books that add them up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmsIdempotencyConflictError, OmsInvalidInputError } from '../../../src/api/oms-errors.js';
import type { CancellationRecord, RefundRecord, ShipmentRecord } from '../../../src/api/oms-port.js';
import { ReferenceOms } from '../../../src/oms/reference/index.js';
import { validatedOmsPort } from '../../../src/oms/validated-oms.js';
import { line, newOrderId, newSku, pendingOrder } from './fixtures.js';

let oms: ReferenceOms;
beforeAll(async () => {
  oms = await ReferenceOms.open();
});
afterAll(async () => {
  await oms.close();
});

async function stock(onHand: number): Promise<string> {
  const sku = newSku();
  await oms.seedProducts([{ retailerId: sku, name: `Name of ${sku}`, onHand }]);
  return sku;
}

async function level(sku: string): Promise<{ onHand: number; reserved: number; available: number }> {
  const found = await oms.inventory(sku);
  if (found === undefined) throw new Error(`no inventory row for ${sku}`);
  return { onHand: found.onHand, reserved: found.reserved, available: found.available };
}

const eur = (amount: string) => ({ amount, currency: 'EUR' });

describe('an external shipment', () => {
  it('is recorded like a merchant one (carrier, tracking, stock out, lines shipped), marked external, once', async () => {
    const sku = await stock(10);
    const orderId = newOrderId();
    await oms.reserveInventory(orderId, [{ retailerId: sku, quantity: 3 }]);
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 3)]));
    await oms.markProcessing(orderId);
    const shipment: ShipmentRecord = {
      metaOrderId: orderId,
      requestId: 'meta-shipment-9001',
      items: [{ itemId: 'i1', retailerId: sku, quantity: 2 }],
      carrier: 'DHL',
      trackingNumber: 'JD014600006',
      origin: 'external',
      metaShipmentId: '9001',
    };
    await validatedOmsPort(oms).recordShipment(shipment);
    await oms.recordShipment(shipment); // the same report again
    expect(await level(sku)).toEqual({ onHand: 8, reserved: 1, available: 7 });
    expect((await oms.getOrder(orderId))?.shipments).toEqual([
      {
        requestId: 'meta-shipment-9001',
        items: [{ itemId: 'i1', retailerId: sku, quantity: 2 }],
        carrier: 'DHL',
        trackingNumber: 'JD014600006',
        origin: 'external',
        metaShipmentId: '9001',
        createdAt: expect.any(String),
      },
    ]);
    expect((await oms.orderBooks(orderId))?.items).toEqual([
      expect.objectContaining({ itemId: 'i1', ordered: 3, shipped: 2, cancelled: 0 }),
    ]);

    // The same Meta shipment under another key, or other data under the same key: conflicts.
    await expect(oms.recordShipment({ ...shipment, requestId: 'meta-shipment-9001-again' })).rejects.toBeInstanceOf(
      OmsIdempotencyConflictError,
    );
    await expect(oms.recordShipment({ ...shipment, trackingNumber: 'OTHER' })).rejects.toBeInstanceOf(
      OmsIdempotencyConflictError,
    );
    await expect(oms.recordShipment({ ...shipment, origin: undefined })).rejects.toBeInstanceOf(
      OmsIdempotencyConflictError,
    );
    expect(await level(sku)).toEqual({ onHand: 8, reserved: 1, available: 7 });
  });

  it("keeps origin 'merchant' and no origin the same shipment, so a retry with either is no conflict", async () => {
    const sku = await stock(5);
    const orderId = newOrderId();
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 2)]));
    const shipment: ShipmentRecord = {
      metaOrderId: orderId,
      requestId: 'ship-1',
      items: [{ retailerId: sku, quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: '1Z1',
    };
    await oms.recordShipment(shipment);
    await oms.recordShipment({ ...shipment, origin: 'merchant' });
    const order = await oms.getOrder(orderId);
    expect(order?.shipments.map((recorded) => recorded.origin)).toEqual(['merchant']);
    expect((await level(sku)).onHand).toBe(4);
  });
});

describe('an external cancellation', () => {
  async function cancelledOrder(restock: boolean) {
    const sku = await stock(10);
    const orderId = newOrderId();
    await oms.reserveInventory(orderId, [{ retailerId: sku, quantity: 2 }]);
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 2)]));
    await oms.markProcessing(orderId);
    expect(await level(sku)).toEqual({ onHand: 10, reserved: 2, available: 8 });
    const cancellation: CancellationRecord = {
      metaOrderId: orderId,
      requestId: `meta-cancellation-${orderId}`,
      items: [{ itemId: 'i1', retailerId: sku, quantity: 2 }],
      reasonCode: 'CUSTOMER_REQUESTED',
      restock,
      origin: 'external',
      initiatedBy: 'BUYER',
      reasonDescription: 'Ordered the wrong size, sorry',
      metaCancellationId: `7${orderId}`,
    };
    await validatedOmsPort(oms).recordCancellation(cancellation);
    await oms.recordCancellation(cancellation); // reported again: nothing more happens
    return { sku, orderId, cancellation };
  }

  it("with Meta's restock flag true puts the held units back on sale", async () => {
    const { sku, orderId, cancellation } = await cancelledOrder(true);
    expect(await level(sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    const order = await oms.getOrder(orderId);
    expect(order?.status).toBe('cancelled');
    expect(order?.cancellations).toEqual([
      {
        requestId: cancellation.requestId,
        items: [{ itemId: 'i1', retailerId: sku, quantity: 2 }],
        reasonCode: 'CUSTOMER_REQUESTED',
        restock: true,
        origin: 'external',
        initiatedBy: 'BUYER',
        reasonDescription: 'Ordered the wrong size, sorry',
        metaCancellationId: cancellation.metaCancellationId,
        createdAt: expect.any(String),
      },
    ]);
    expect((await oms.events(orderId)).map((event) => event.kind)).toEqual([]);
  });

  it('with restock false does not: the held units are written off', async () => {
    const { sku, orderId, cancellation } = await cancelledOrder(false);
    expect(await level(sku)).toEqual({ onHand: 8, reserved: 0, available: 8 });
    expect((await oms.events(orderId)).map((event) => event.kind)).toEqual(['inventory.written_off']);
    expect((await oms.orderBooks(orderId))?.items).toEqual([
      expect.objectContaining({ itemId: 'i1', ordered: 2, shipped: 0, cancelled: 2 }),
    ]);
    await expect(oms.recordCancellation({ ...cancellation, initiatedBy: 'SELLER' })).rejects.toBeInstanceOf(
      OmsIdempotencyConflictError,
    );
    await expect(
      oms.recordCancellation({ ...cancellation, requestId: 'another-key', items: [] }),
    ).rejects.toBeInstanceOf(OmsIdempotencyConflictError);
    expect(await level(sku)).toEqual({ onHand: 8, reserved: 0, available: 8 });
  });
});

describe('item ids', () => {
  it('keep two lines with one retailer id apart, in shipments, cancellations, refunds and the books', async () => {
    const sku = await stock(10);
    const orderId = newOrderId();
    await oms.reserveInventory(orderId, [{ retailerId: sku, quantity: 5 }]);
    await oms.createPendingOrder(pendingOrder(orderId, [line('gift', sku, 2, '0.00'), line('paid', sku, 3, '9.99')]));
    await oms.recordShipment({
      metaOrderId: orderId,
      requestId: 's1',
      items: [{ itemId: 'paid', retailerId: sku, quantity: 3 }],
      carrier: 'UPS',
      trackingNumber: '1Z1',
    });
    await oms.recordCancellation({
      metaOrderId: orderId,
      requestId: 'c1',
      items: [{ itemId: 'gift', retailerId: sku, quantity: 1 }],
      reasonCode: 'OUT_OF_STOCK',
      restock: true,
      origin: 'merchant',
    });
    // The line is full: no more units of "paid", whatever the SKU still has open.
    await expect(
      oms.recordShipment({
        metaOrderId: orderId,
        requestId: 's2',
        items: [{ itemId: 'paid', retailerId: sku, quantity: 1 }],
        carrier: 'UPS',
        trackingNumber: '1Z2',
      }),
    ).rejects.toThrow(/only 0 open/);
    await expect(
      oms.recordShipment({
        metaOrderId: orderId,
        requestId: 's2',
        items: [{ itemId: 'gift', retailerId: 'OTHER-SKU', quantity: 1 }],
        carrier: 'UPS',
        trackingNumber: '1Z2',
      }),
    ).rejects.toThrow(/is .*, not OTHER-SKU/);
    await expect(
      oms.recordShipment({
        metaOrderId: orderId,
        requestId: 's2',
        items: [{ itemId: 'no-such-item', retailerId: sku, quantity: 1 }],
        carrier: 'UPS',
        trackingNumber: '1Z2',
      }),
    ).rejects.toBeInstanceOf(OmsInvalidInputError);
    // By retailer id alone: the only open unit, on "gift".
    await oms.recordShipment({
      metaOrderId: orderId,
      requestId: 's2',
      items: [{ retailerId: sku, quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: '1Z2',
    });
    await oms.recordRefund({
      metaOrderId: orderId,
      requestId: 'r1',
      items: [{ itemId: 'paid', retailerId: sku, quantity: 2, amount: eur('19.98') }],
      reasonCode: 'DAMAGED_GOODS',
      origin: 'merchant',
    });
    // By retailer id alone: the first line with room for the unit.
    await oms.recordRefund({
      metaOrderId: orderId,
      requestId: 'r2',
      items: [{ retailerId: sku, quantity: 1, amount: eur('0.00') }],
      reasonCode: 'DAMAGED_GOODS',
      origin: 'merchant',
    });

    const order = await oms.getOrder(orderId);
    expect(order?.shipments.map((shipment) => shipment.items)).toEqual([
      [{ itemId: 'paid', retailerId: sku, quantity: 3 }],
      [{ itemId: 'gift', retailerId: sku, quantity: 1 }],
    ]);
    expect(order?.refunds.map((refund) => refund.items)).toEqual([
      [{ itemId: 'paid', retailerId: sku, quantity: 2, amount: eur('19.98') }],
      [{ itemId: 'gift', retailerId: sku, quantity: 1, amount: eur('0.00') }],
    ]);
    expect(await oms.orderBooks(orderId)).toEqual({
      metaOrderId: orderId,
      currency: 'EUR',
      items: [
        {
          itemId: 'gift',
          retailerId: sku,
          ordered: 2,
          shipped: 1,
          cancelled: 1,
          refunded: 1,
          refundedAmount: eur('0.00'),
        },
        {
          itemId: 'paid',
          retailerId: sku,
          ordered: 3,
          shipped: 3,
          cancelled: 0,
          refunded: 2,
          refundedAmount: eur('19.98'),
        },
      ],
      shippingRefunded: eur('0.00'),
      deducted: eur('0.00'),
      adjusted: eur('0.00'),
      totalRefunded: eur('19.98'),
      unpricedRefundLines: 0,
    });
    expect(await level(sku)).toEqual({ onHand: 6, reserved: 0, available: 6 });
  });

  it('an empty shipment takes every open unit, line by line', async () => {
    const sku = await stock(10);
    const orderId = newOrderId();
    await oms.createPendingOrder(pendingOrder(orderId, [line('a', sku, 1), line('b', sku, 2)]));
    await oms.recordShipment({
      metaOrderId: orderId,
      requestId: 's1',
      items: [{ itemId: 'b', retailerId: sku, quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: '1Z1',
    });
    await oms.recordShipment({
      metaOrderId: orderId,
      requestId: 's2',
      items: [],
      carrier: 'UPS',
      trackingNumber: '1Z2',
    });
    expect((await oms.getOrder(orderId))?.shipments[1]?.items).toEqual([
      { itemId: 'a', retailerId: sku, quantity: 1 },
      { itemId: 'b', retailerId: sku, quantity: 1 },
    ]);
  });
});

describe("a refund with Meta's amounts", () => {
  async function shippedOrder() {
    const [mug, cap] = [await stock(10), await stock(10)];
    const orderId = newOrderId();
    await oms.createPendingOrder(pendingOrder(orderId, [line('m', mug, 2, '12.50'), line('c', cap, 1, '5.00')]));
    await oms.recordShipment({
      metaOrderId: orderId,
      requestId: 's1',
      items: [],
      carrier: 'UPS',
      trackingNumber: 'T1',
    });
    return { mug, cap, orderId };
  }

  it('keeps the lines, shipping, deductions, adjustment and total as Meta computed them, and the books add them up exactly', async () => {
    const { mug, cap, orderId } = await shippedOrder();
    const external: RefundRecord = {
      metaOrderId: orderId,
      requestId: 'meta-refund-5551',
      items: [{ itemId: 'm', retailerId: mug, quantity: 1, amount: eur('12.50') }],
      shipping: eur('4.90'),
      deductions: [{ type: 'RETURN_SHIPPING', amount: eur('3.00') }],
      adjustment: eur('1.10'),
      total: eur('15.50'),
      reasonCode: 'REFUND_FOR_RETURN',
      reasonText: 'Returned: the handle was cracked',
      returnId: '88001',
      origin: 'external',
      metaRefundId: '5551',
    };
    await validatedOmsPort(oms).recordRefund(external);
    await oms.recordRefund(external);
    // Ours, without Meta's total: 0.10 + 0.20 must come out as 0.30, not 0.30000000000000004.
    await oms.recordRefund({
      metaOrderId: orderId,
      requestId: 'r2',
      items: [
        { itemId: 'c', retailerId: cap, amount: eur('0.10') },
        { itemId: 'm', retailerId: mug, quantity: 1, amount: eur('0.20') },
      ],
      reasonCode: 'QUALITY_ISSUE',
      origin: 'merchant',
    });
    // By quantity only: Meta priced it, the OMS cannot.
    await oms.recordRefund({
      metaOrderId: orderId,
      requestId: 'r3',
      items: [{ itemId: 'c', retailerId: cap, quantity: 1 }],
      reasonCode: 'QUALITY_ISSUE',
      origin: 'merchant',
    });

    const refunds = (await oms.getOrder(orderId))?.refunds;
    expect(refunds?.[0]).toEqual({
      requestId: 'meta-refund-5551',
      items: [{ itemId: 'm', retailerId: mug, quantity: 1, amount: eur('12.50') }],
      shipping: eur('4.90'),
      deductions: [{ type: 'RETURN_SHIPPING', amount: eur('3.00') }],
      adjustment: eur('1.10'),
      total: eur('15.50'),
      reasonCode: 'REFUND_FOR_RETURN',
      reasonText: 'Returned: the handle was cracked',
      returnId: '88001',
      origin: 'external',
      metaRefundId: '5551',
      createdAt: expect.any(String),
    });
    expect(refunds).toHaveLength(3);
    expect(await oms.orderBooks(orderId)).toEqual({
      metaOrderId: orderId,
      currency: 'EUR',
      items: [
        {
          itemId: 'm',
          retailerId: mug,
          ordered: 2,
          shipped: 2,
          cancelled: 0,
          refunded: 2,
          refundedAmount: eur('12.70'),
        },
        {
          itemId: 'c',
          retailerId: cap,
          ordered: 1,
          shipped: 1,
          cancelled: 0,
          refunded: 1,
          refundedAmount: eur('0.10'),
        },
      ],
      shippingRefunded: eur('4.90'),
      deducted: eur('3.00'),
      adjusted: eur('1.10'),
      totalRefunded: eur('15.80'),
      unpricedRefundLines: 1,
    });
  });

  it('is applied once per request id and once per Meta refund id', async () => {
    const { mug, orderId } = await shippedOrder();
    const refund: RefundRecord = {
      metaOrderId: orderId,
      requestId: 'meta-refund-6001',
      items: [{ itemId: 'm', retailerId: mug, amount: eur('2.00') }],
      total: eur('2.00'),
      reasonCode: 'REFUND_REASON_OTHER',
      origin: 'external',
      metaRefundId: '6001',
    };
    await oms.recordRefund(refund);
    await oms.recordRefund(refund);
    await expect(oms.recordRefund({ ...refund, total: eur('2.01') })).rejects.toBeInstanceOf(
      OmsIdempotencyConflictError,
    );
    await expect(oms.recordRefund({ ...refund, requestId: 'r-other' })).rejects.toBeInstanceOf(
      OmsIdempotencyConflictError,
    );
    expect((await oms.getOrder(orderId))?.refunds).toHaveLength(1);
    expect((await oms.orderBooks(orderId))?.totalRefunded).toEqual(eur('2.00'));
  });

  it("refuses amounts in another currency than the order's, or in several", async () => {
    const { mug, orderId } = await shippedOrder();
    const refund: RefundRecord = {
      metaOrderId: orderId,
      requestId: 'r1',
      items: [{ itemId: 'm', retailerId: mug, amount: { amount: '2.00', currency: 'USD' } }],
      reasonCode: 'DAMAGED_GOODS',
      origin: 'merchant',
    };
    await expect(oms.recordRefund(refund)).rejects.toThrow(/is in USD, the order in EUR/);
    await expect(validatedOmsPort(oms).recordRefund({ ...refund, shipping: eur('1.00') })).rejects.toThrow(
      /one currency/,
    );
    expect((await oms.getOrder(orderId))?.refunds).toEqual([]);
  });
});

describe('orderBooks', () => {
  it('is undefined for an order the OMS does not hold, and all zero for one with no records', async () => {
    expect(await oms.orderBooks('no-such-order')).toBeUndefined();
    const sku = await stock(1);
    const orderId = newOrderId();
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 1)]));
    expect(await oms.orderBooks(orderId)).toEqual({
      metaOrderId: orderId,
      currency: 'EUR',
      items: [
        {
          itemId: 'i1',
          retailerId: sku,
          ordered: 1,
          shipped: 0,
          cancelled: 0,
          refunded: 0,
          refundedAmount: eur('0.00'),
        },
      ],
      shippingRefunded: eur('0.00'),
      deducted: eur('0.00'),
      adjusted: eur('0.00'),
      totalRefunded: eur('0.00'),
      unpricedRefundLines: 0,
    });
  });
});
