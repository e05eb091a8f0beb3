import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmsIdempotencyConflictError, OmsInvalidInputError, OmsNotFoundError } from '../../../src/api/oms-errors.js';
import { ReferenceOms } from '../../../src/oms/reference/index.js';
import { validatedOmsPort } from '../../../src/oms/validated-oms.js';
import { line, newOrderId, newSku, pendingOrder } from './fixtures.js';

// One in-memory database for the file (opening one costs seconds); every test uses its own order
// ids and SKUs, so tests do not see each other's rows.
let oms: ReferenceOms;
beforeAll(async () => {
  oms = await ReferenceOms.open();
});
afterAll(async () => {
  await oms.close();
});

async function stock(onHand: number, label?: string): Promise<string> {
  const sku = newSku(label);
  await oms.seedProducts([{ retailerId: sku, name: `Name of ${sku}`, onHand }]);
  return sku;
}

async function level(sku: string): Promise<{ onHand: number; reserved: number; available: number }> {
  const found = await oms.inventory(sku);
  if (found === undefined) throw new Error(`no inventory row for ${sku}`);
  return { onHand: found.onHand, reserved: found.reserved, available: found.available };
}

describe('seedProducts and inventory', () => {
  it('creates products and later sets their count and name without touching reservations', async () => {
    const sku = await stock(4);
    await oms.reserveInventory(newOrderId(), [{ retailerId: sku, quantity: 1 }]);
    await oms.seedProducts([{ retailerId: sku, name: 'Renamed', onHand: 9 }]);
    expect(await oms.inventory(sku)).toEqual({
      retailerId: sku,
      name: 'Renamed',
      onHand: 9,
      reserved: 1,
      available: 8,
    });
  });

  it('returns undefined for an unknown SKU and refuses a negative count', async () => {
    expect(await oms.inventory('no-such-sku')).toBeUndefined();
    await expect(oms.seedProducts([{ retailerId: newSku(), name: 'x', onHand: -1 }])).rejects.toBeInstanceOf(
      OmsInvalidInputError,
    );
  });
});

describe('reserveInventory', () => {
  it('reservationCount counts the given orders that asked for a reservation, once each', async () => {
    const sku = await stock(10);
    const [a, b, never] = [newOrderId(), newOrderId(), newOrderId()];
    await oms.reserveInventory(a, [{ retailerId: sku, quantity: 1 }]);
    await oms.reserveInventory(a, [{ retailerId: sku, quantity: 1 }]); // a repeat, not a second one
    await oms.reserveInventory(b, [{ retailerId: sku, quantity: 20 }]); // short, still asked
    expect(await oms.reservationCount([a, b, never])).toBe(2);
    expect(await oms.reservationCount([])).toBe(0);
  });

  it('holds the units when stock suffices', async () => {
    const [a, b] = [await stock(5), await stock(2)];
    const orderId = newOrderId();
    const result = await oms.reserveInventory(orderId, [
      { retailerId: a, quantity: 3 },
      { retailerId: b, quantity: 2 },
    ]);
    expect(result).toEqual({ reserved: true, shortages: [] });
    expect(await level(a)).toEqual({ onHand: 5, reserved: 3, available: 2 });
    expect(await level(b)).toEqual({ onHand: 2, reserved: 2, available: 0 });
  });

  it('reserves once when called twice, and returns the same answer', async () => {
    const sku = await stock(5);
    const orderId = newOrderId();
    const first = await oms.reserveInventory(orderId, [{ retailerId: sku, quantity: 2 }]);
    const second = await oms.reserveInventory(orderId, [{ retailerId: sku, quantity: 2 }]);
    expect(second).toEqual(first);
    expect((await level(sku)).reserved).toBe(2);
  });

  it('reserves once under concurrent identical calls', async () => {
    const sku = await stock(10);
    const orderId = newOrderId();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => oms.reserveInventory(orderId, [{ retailerId: sku, quantity: 3 }])),
    );
    expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1);
    expect((await level(sku)).reserved).toBe(3);
  });

  it('holds what exists and reports the rest as shortages (also for unknown SKUs)', async () => {
    const [short, plenty] = [await stock(1), await stock(9)];
    const orderId = newOrderId();
    const result = await oms.reserveInventory(orderId, [
      { retailerId: short, quantity: 3 },
      { retailerId: plenty, quantity: 2 },
      { retailerId: 'never-seeded', quantity: 1 },
    ]);
    expect(result.reserved).toBe(false);
    expect(result.shortages).toEqual(
      expect.arrayContaining([
        { retailerId: short, quantity: 2 },
        { retailerId: 'never-seeded', quantity: 1 },
      ]),
    );
    expect(result.shortages).toHaveLength(2);
    expect(await level(short)).toEqual({ onHand: 1, reserved: 1, available: 0 });
    expect((await level(plenty)).reserved).toBe(2);
    // The retry reports the same shortages even though stock is now gone: the answer is stored.
    expect(
      await oms.reserveInventory(orderId, [
        { retailerId: short, quantity: 3 },
        { retailerId: plenty, quantity: 2 },
        { retailerId: 'never-seeded', quantity: 1 },
      ]),
    ).toEqual(result);
    const shortageEvents = (await oms.events(orderId)).filter((event) => event.kind === 'inventory.shortage');
    expect(shortageEvents).toHaveLength(1);
  });

  it('sums duplicate SKUs and treats the same lines in another order as the same request', async () => {
    const [a, b] = [await stock(10), await stock(10)];
    const orderId = newOrderId();
    await oms.reserveInventory(orderId, [
      { retailerId: a, quantity: 1 },
      { retailerId: b, quantity: 1 },
      { retailerId: a, quantity: 2 },
    ]);
    await oms.reserveInventory(orderId, [
      { retailerId: b, quantity: 1 },
      { retailerId: a, quantity: 3 },
    ]);
    expect((await level(a)).reserved).toBe(3);
    expect((await level(b)).reserved).toBe(1);
  });

  it('refuses other lines for an order that already has a reservation', async () => {
    const sku = await stock(10);
    const orderId = newOrderId();
    await oms.reserveInventory(orderId, [{ retailerId: sku, quantity: 1 }]);
    const error = await oms
      .reserveInventory(orderId, [{ retailerId: sku, quantity: 2 }])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OmsIdempotencyConflictError);
    expect((error as OmsIdempotencyConflictError).retryable).toBe(false);
    expect((await level(sku)).reserved).toBe(1);
  });

  it('behind the port validation, rejects a non-positive or fractional quantity before touching the database', async () => {
    const sku = await stock(3);
    const checked = validatedOmsPort(oms);
    await expect(checked.reserveInventory(newOrderId(), [{ retailerId: sku, quantity: 0 }])).rejects.toThrow(
      /quantity/,
    );
    await expect(checked.reserveInventory(newOrderId(), [{ retailerId: sku, quantity: 1.5 }])).rejects.toBeInstanceOf(
      OmsInvalidInputError,
    );
    expect((await level(sku)).reserved).toBe(0);
  });
});

describe('releaseInventory', () => {
  it('gives back what is still held, once', async () => {
    const sku = await stock(5);
    const orderId = newOrderId();
    await oms.reserveInventory(orderId, [{ retailerId: sku, quantity: 4 }]);
    await oms.releaseInventory(orderId);
    await oms.releaseInventory(orderId);
    expect(await level(sku)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    const reservation = await oms.reservation(orderId);
    expect(reservation?.releasedAt).toEqual(expect.any(String));
    expect(reservation?.lines).toEqual([
      { retailerId: sku, requested: 4, held: 4, consumed: 0, released: 4, outstanding: 0 },
    ]);
  });

  it('does not hold again when reserveInventory is retried after the release', async () => {
    const sku = await stock(5);
    const orderId = newOrderId();
    await oms.reserveInventory(orderId, [{ retailerId: sku, quantity: 2 }]);
    await oms.releaseInventory(orderId);
    expect(await oms.reserveInventory(orderId, [{ retailerId: sku, quantity: 2 }])).toEqual({
      reserved: true,
      shortages: [],
    });
    expect((await level(sku)).reserved).toBe(0);
  });

  it('is a no-op for an order that never reserved', async () => {
    const orderId = newOrderId();
    await oms.releaseInventory(orderId);
    expect(await oms.reservation(orderId)).toBeUndefined();
  });

  it('gives back only the part a shipment did not consume', async () => {
    const sku = await stock(6);
    const orderId = newOrderId();
    await oms.reserveInventory(orderId, [{ retailerId: sku, quantity: 4 }]);
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 4)]));
    await oms.recordShipment({
      metaOrderId: orderId,
      requestId: 'ship-1',
      items: [{ retailerId: sku, quantity: 1 }],
      carrier: 'DHL',
      trackingNumber: 'T1',
    });
    await oms.releaseInventory(orderId);
    expect(await level(sku)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });
});

describe('createPendingOrder', () => {
  it('with reserveStock holds again the stock of an order whose reservation was released in FB_PROCESSING, once', async () => {
    const sku = await stock(5);
    const stuck = newOrderId();
    await oms.reserveInventory(stuck, [{ retailerId: sku, quantity: 3 }]);
    await oms.releaseInventory(stuck); // Meta kept it in FB_PROCESSING too long
    expect(await level(sku)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    const other = newOrderId();
    await oms.reserveInventory(other, [{ retailerId: sku, quantity: 4 }]); // someone else took most of it meanwhile

    await oms.createPendingOrder({ ...pendingOrder(stuck, [line('i1', sku, 3)]), reserveStock: true });
    expect(await level(sku)).toEqual({ onHand: 5, reserved: 5, available: 0 }); // holds the 1 left
    await oms.createPendingOrder({ ...pendingOrder(stuck, [line('i1', sku, 3)]), reserveStock: true }); // a retry
    expect(await level(sku)).toEqual({ onHand: 5, reserved: 5, available: 0 });
    const again = (await oms.events(stuck)).filter((e) => e.kind === 'inventory.reserved_again');
    expect(again).toHaveLength(1);
    expect(again[0]!.detail).toMatch(/\(short\)/);
  });

  it('with reserveStock reserves an order first seen already released, and leaves an earlier reservation alone', async () => {
    const sku = await stock(5);
    const unreserved = newOrderId();
    await oms.createPendingOrder(pendingOrder(unreserved, [line('i1', sku, 1)]));
    expect(await level(sku)).toEqual({ onHand: 5, reserved: 0, available: 5 }); // not asked to
    const fresh = newOrderId();
    await oms.createPendingOrder({ ...pendingOrder(fresh, [line('i1', sku, 2)]), reserveStock: true });
    expect(await level(sku)).toEqual({ onHand: 5, reserved: 2, available: 3 });
    await oms.createPendingOrder({ ...pendingOrder(fresh, [line('i1', sku, 2)]), reserveStock: true }); // a retry holds nothing more
    expect(await level(sku)).toEqual({ onHand: 5, reserved: 2, available: 3 });

    const reservedEarlier = newOrderId();
    await oms.reserveInventory(reservedEarlier, [{ retailerId: sku, quantity: 1 }]);
    await oms.createPendingOrder({ ...pendingOrder(reservedEarlier, [line('i1', sku, 1)]), reserveStock: true });
    expect(await level(sku)).toEqual({ onHand: 5, reserved: 3, available: 2 });

    // The hold is taken by the shipment, as for an order reserved in FB_PROCESSING.
    await oms.recordShipment({
      metaOrderId: fresh,
      requestId: 's1',
      items: [{ retailerId: sku, quantity: 2 }],
      carrier: 'UPS',
      trackingNumber: '1',
    });
    expect(await level(sku)).toEqual({ onHand: 3, reserved: 1, available: 2 });
  });

  it('processingProgress counts the given orders marked processing and says when the last got there', async () => {
    const sku = await stock(3);
    const [a, b, pending] = [newOrderId(), newOrderId(), newOrderId()];
    for (const id of [a, b, pending]) await oms.createPendingOrder(pendingOrder(id, [line('i1', sku, 1)]));
    expect(await oms.processingProgress([a, b, pending])).toEqual({ processing: 0, lastProcessingAt: undefined });
    await oms.markProcessing(a);
    await oms.markProcessing(b);
    const progress = await oms.processingProgress([a, b, pending]);
    expect(progress.processing).toBe(2);
    expect(progress.lastProcessingAt).toBeInstanceOf(Date);
    expect((await oms.getOrder(b))?.status).toBe('processing');
  });

  it('stores the order as pending, prepaid, with e-mails suppressed and the buyer as written', async () => {
    const sku = await stock(3);
    const orderId = newOrderId();
    const input = pendingOrder(orderId, [line('item-1', sku, 2, '12.50'), line('item-2', sku, 1, '0.99')], {
      buyer: { name: '李小龍 Zoë 😀', email: 'relay@marketplace.example', marketingOptIn: true },
    });
    const { merchantOrderReference } = await oms.createPendingOrder(input);
    expect(merchantOrderReference).toMatch(/^OMS-\d{6,}$/);

    const order = await oms.getOrder(orderId);
    expect(order).toMatchObject({
      metaOrderId: orderId,
      merchantOrderReference,
      channel: 'instagram',
      paymentMethod: 'Paid on Instagram',
      buyer: { name: '李小龍 Zoë 😀', email: 'relay@marketplace.example', marketingOptIn: true },
      suppressCustomerEmails: true,
      shippingAddress: input.shippingAddress,
      shippingMethod: 'Standard',
      totals: input.totals,
      status: 'pending',
      processingAt: undefined,
      shipments: [],
      cancellations: [],
      refunds: [],
    });
    expect(order?.lines).toEqual(input.lines);
    expect(order?.createdAt).toEqual(expect.any(String));
  });

  it('returns the same reference when called again, and issues a new one per order', async () => {
    const sku = await stock(3);
    const orderId = newOrderId();
    const input = pendingOrder(orderId, [line('i1', sku, 1)]);
    const first = await oms.createPendingOrder(input);
    const again = await oms.createPendingOrder(input);
    const other = await oms.createPendingOrder(pendingOrder(newOrderId(), [line('i1', sku, 1)]));
    expect(again).toEqual(first);
    expect(other.merchantOrderReference).not.toBe(first.merchantOrderReference);
  });

  it('issues one reference under concurrent identical calls', async () => {
    const sku = await stock(3);
    const input = pendingOrder(newOrderId(), [line('i1', sku, 1)]);
    const results = await Promise.all(Array.from({ length: 5 }, () => oms.createPendingOrder(input)));
    expect(new Set(results.map((result) => result.merchantOrderReference)).size).toBe(1);
    expect((await oms.listOrders()).filter((order) => order.metaOrderId === input.metaOrderId)).toHaveLength(1);
  });

  it('keeps the first version when repeated with other data, and logs the mismatch once', async () => {
    const sku = await stock(3);
    const orderId = newOrderId();
    const first = await oms.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 1)]));
    const changed = pendingOrder(orderId, [line('i1', sku, 2)], {
      buyer: { name: 'Someone Else', marketingOptIn: false },
    });
    expect(await oms.createPendingOrder(changed)).toEqual(first);
    expect(await oms.createPendingOrder(changed)).toEqual(first);
    const order = await oms.getOrder(orderId);
    expect(order?.buyer.name).toBe('Zoë Ångström-Weiß');
    expect(order?.lines[0]?.quantity).toBe(1);
    expect((await oms.events(orderId)).map((event) => event.kind)).toEqual(['order.create_pending_mismatch']);
  });

  it('behind the port validation, rejects input that breaks the port contract', async () => {
    const sku = await stock(1);
    const orderId = newOrderId();
    const checked = validatedOmsPort(oms);
    const notSuppressed = {
      ...pendingOrder(orderId, [line('i1', sku, 1)]),
      suppressCustomerEmails: false,
    } as unknown as Parameters<ReferenceOms['createPendingOrder']>[0];
    await expect(checked.createPendingOrder(notSuppressed)).rejects.toThrow(/suppressCustomerEmails/);
    await expect(checked.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 1, '12,50')]))).rejects.toThrow(
      /amount/,
    );
    await expect(
      checked.createPendingOrder(pendingOrder(orderId, [line('same', sku, 1), line('same', sku, 1)])),
    ).rejects.toThrow(/unique/);
    expect(await oms.getOrder(orderId)).toBeUndefined();
  });
});

describe('markProcessing and markCompleted', () => {
  it('move the status forward only', async () => {
    const sku = await stock(2);
    const orderId = newOrderId();
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 1)]));
    await oms.markProcessing(orderId);
    await oms.markProcessing(orderId);
    const processing = await oms.getOrder(orderId);
    expect(processing?.status).toBe('processing');
    await oms.markCompleted(orderId);
    await oms.markProcessing(orderId);
    await oms.markCompleted(orderId);
    const completed = await oms.getOrder(orderId);
    expect(completed?.status).toBe('completed');
    expect(completed?.processingAt).toBe(processing?.processingAt);
    expect(completed?.completedAt).toEqual(expect.any(String));
  });

  it('leave a cancelled order cancelled', async () => {
    const sku = await stock(2);
    const orderId = newOrderId();
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 1)]));
    await oms.recordCancellation({
      metaOrderId: orderId,
      requestId: 'c1',
      items: [],
      reasonCode: 'CUSTOMER_REQUESTED',
      restock: true,
      origin: 'external',
    });
    await oms.markProcessing(orderId);
    await oms.markCompleted(orderId);
    expect((await oms.getOrder(orderId))?.status).toBe('cancelled');
  });

  it('fail with a non-retryable not-found error for an unknown order', async () => {
    const error = await oms.markProcessing('does-not-exist').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OmsNotFoundError);
    expect((error as OmsNotFoundError).retryable).toBe(false);
    await expect(oms.markCompleted('does-not-exist')).rejects.toBeInstanceOf(OmsNotFoundError);
  });
});

describe('recordTrackingUpdate', () => {
  it("moves the shipment to its new carrier and tracking, logs it once, and keeps the shipment's own idempotency", async () => {
    const sku = await stock(5);
    const orderId = newOrderId();
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 2)]));
    const shipment = {
      metaOrderId: orderId,
      requestId: 'ship-t',
      items: [{ retailerId: sku, quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: '1Z111',
    };
    await oms.recordShipment(shipment);
    const update = {
      metaOrderId: orderId,
      requestId: 'track-1',
      shipmentRequestId: 'ship-t',
      carrier: 'FEDEX',
      trackingNumber: '7712345',
    };
    await oms.recordTrackingUpdate(update);
    await oms.recordTrackingUpdate(update); // a retried activity
    const order = await oms.getOrder(orderId);
    expect(order?.shipments).toEqual([
      {
        requestId: 'ship-t',
        items: [{ itemId: 'i1', retailerId: sku, quantity: 1 }],
        carrier: 'FEDEX',
        trackingNumber: '7712345',
        origin: 'merchant',
        metaShipmentId: undefined,
        createdAt: expect.any(String),
      },
    ]);
    const logged = (await oms.events(orderId)).filter((e) => e.kind === 'order.tracking_updated');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.detail).toBe('shipment ship-t: tracking UPS 1Z111 -> FEDEX 7712345');
    // A retried recordShipment of the original shipment is still the same request, not a conflict.
    await oms.recordShipment(shipment);
    expect(await level(sku)).toEqual({ onHand: 4, reserved: 0, available: 4 });
  });

  it('refuses an unknown shipment or order', async () => {
    const sku = await stock(1);
    const orderId = newOrderId();
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 1)]));
    const update = {
      metaOrderId: orderId,
      requestId: 'track-x',
      shipmentRequestId: 'never-shipped',
      carrier: 'DHL',
      trackingNumber: 'JD1',
    };
    await expect(oms.recordTrackingUpdate(update)).rejects.toThrow(
      `OMS has no shipment never-shipped on order ${orderId}`,
    );
    await expect(oms.recordTrackingUpdate(update)).rejects.toBeInstanceOf(OmsInvalidInputError);
    await expect(oms.recordTrackingUpdate({ ...update, metaOrderId: 'no-such-order' })).rejects.toBeInstanceOf(
      OmsNotFoundError,
    );
    await expect(validatedOmsPort(oms).recordTrackingUpdate({ ...update, carrier: '' })).rejects.toThrow(
      'invalid tracking update: carrier: ',
    );
  });
});

describe('recordShipment', () => {
  it('consumes the reservation and on_hand, once per request id', async () => {
    const sku = await stock(10);
    const orderId = newOrderId();
    await oms.reserveInventory(orderId, [{ retailerId: sku, quantity: 3 }]);
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 3)]));
    const shipment = {
      metaOrderId: orderId,
      requestId: 'ship-a',
      items: [{ retailerId: sku, quantity: 2 }],
      carrier: 'UPS',
      trackingNumber: '1Z999',
    };
    await oms.recordShipment(shipment);
    await oms.recordShipment(shipment);
    await Promise.all([oms.recordShipment(shipment), oms.recordShipment(shipment)]);
    expect(await level(sku)).toEqual({ onHand: 8, reserved: 1, available: 7 });
    const order = await oms.getOrder(orderId);
    expect(order?.shipments).toEqual([
      {
        requestId: 'ship-a',
        items: [{ itemId: 'i1', retailerId: sku, quantity: 2 }],
        carrier: 'UPS',
        trackingNumber: '1Z999',
        origin: 'merchant',
        metaShipmentId: undefined,
        createdAt: expect.any(String),
      },
    ]);
  });

  it('ships every open unit when items is empty', async () => {
    const [a, b] = [await stock(5), await stock(5)];
    const orderId = newOrderId();
    await oms.reserveInventory(orderId, [
      { retailerId: a, quantity: 2 },
      { retailerId: b, quantity: 1 },
    ]);
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', a, 2), line('i2', b, 1)]));
    await oms.recordShipment({
      metaOrderId: orderId,
      requestId: 's1',
      items: [{ retailerId: a, quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: 'T1',
    });
    await oms.recordShipment({
      metaOrderId: orderId,
      requestId: 's2',
      items: [],
      carrier: 'UPS',
      trackingNumber: 'T2',
    });
    const order = await oms.getOrder(orderId);
    expect(order?.shipments[1]?.items).toEqual([
      { itemId: 'i1', retailerId: a, quantity: 1 },
      { itemId: 'i2', retailerId: b, quantity: 1 },
    ]);
    expect(await level(a)).toEqual({ onHand: 3, reserved: 0, available: 3 });
    expect(await level(b)).toEqual({ onHand: 4, reserved: 0, available: 4 });
  });

  it('refuses a reused request id with other data, over-shipping, and SKUs not on the order', async () => {
    const sku = await stock(5);
    const orderId = newOrderId();
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 2)]));
    await oms.recordShipment({
      metaOrderId: orderId,
      requestId: 's1',
      items: [{ retailerId: sku, quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: 'T1',
    });
    await expect(
      oms.recordShipment({
        metaOrderId: orderId,
        requestId: 's1',
        items: [{ retailerId: sku, quantity: 1 }],
        carrier: 'UPS',
        trackingNumber: 'OTHER',
      }),
    ).rejects.toBeInstanceOf(OmsIdempotencyConflictError);
    await expect(
      oms.recordShipment({
        metaOrderId: orderId,
        requestId: 's2',
        items: [{ retailerId: sku, quantity: 2 }],
        carrier: 'UPS',
        trackingNumber: 'T2',
      }),
    ).rejects.toThrow(/only 1 open/);
    await expect(
      oms.recordShipment({
        metaOrderId: orderId,
        requestId: 's3',
        items: [{ retailerId: 'not-on-order', quantity: 1 }],
        carrier: 'UPS',
        trackingNumber: 'T3',
      }),
    ).rejects.toBeInstanceOf(OmsInvalidInputError);
    await expect(
      oms.recordShipment({
        metaOrderId: 'no-such-order',
        requestId: 's1',
        items: [],
        carrier: 'UPS',
        trackingNumber: 'T',
      }),
    ).rejects.toBeInstanceOf(OmsNotFoundError);
    expect((await level(sku)).onHand).toBe(4);
  });

  it('takes unreserved units from on_hand and logs a count that goes negative', async () => {
    const sku = await stock(1);
    const orderId = newOrderId();
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 2)]));
    await oms.recordShipment({
      metaOrderId: orderId,
      requestId: 's1',
      items: [],
      carrier: 'UPS',
      trackingNumber: 'T1',
    });
    expect(await level(sku)).toEqual({ onHand: -1, reserved: 0, available: 0 });
    const events = await oms.events(orderId);
    expect(events.map((event) => [event.kind, event.severity])).toEqual([['inventory.negative_on_hand', 'warning']]);
  });
});

describe('recordCancellation', () => {
  it('with restock returns the held units, once per request id, and cancels a fully cancelled order', async () => {
    const sku = await stock(5);
    const orderId = newOrderId();
    await oms.reserveInventory(orderId, [{ retailerId: sku, quantity: 3 }]);
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 3)]));
    const cancellation = {
      metaOrderId: orderId,
      requestId: 'c1',
      items: [{ retailerId: sku, quantity: 3 }],
      reasonCode: 'OUT_OF_STOCK',
      restock: true,
      origin: 'merchant' as const,
    };
    await oms.recordCancellation(cancellation);
    await oms.recordCancellation(cancellation);
    expect(await level(sku)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    const order = await oms.getOrder(orderId);
    expect(order?.status).toBe('cancelled');
    expect(order?.cancelledAt).toEqual(expect.any(String));
    expect(order?.cancellations).toHaveLength(1);
    // The hold is gone, so a later release has nothing to give back twice.
    await oms.releaseInventory(orderId);
    expect((await level(sku)).reserved).toBe(0);
    expect((await level(sku)).onHand).toBe(5);
  });

  it('without restock writes the held units off', async () => {
    const sku = await stock(5);
    const orderId = newOrderId();
    await oms.reserveInventory(orderId, [{ retailerId: sku, quantity: 2 }]);
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 2)]));
    await oms.recordCancellation({
      metaOrderId: orderId,
      requestId: 'c1',
      items: [],
      reasonCode: 'SUSPICIOUS_ORDER',
      restock: false,
      origin: 'merchant',
    });
    expect(await level(sku)).toEqual({ onHand: 3, reserved: 0, available: 3 });
    expect((await oms.events(orderId)).map((event) => event.kind)).toEqual(['inventory.written_off']);
  });

  it('of part of an order keeps the rest held and the status unchanged', async () => {
    const [a, b] = [await stock(5), await stock(5)];
    const orderId = newOrderId();
    await oms.reserveInventory(orderId, [
      { retailerId: a, quantity: 2 },
      { retailerId: b, quantity: 2 },
    ]);
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', a, 2), line('i2', b, 2)]));
    await oms.markProcessing(orderId);
    await oms.recordCancellation({
      metaOrderId: orderId,
      requestId: 'c1',
      items: [{ retailerId: a, quantity: 1 }],
      reasonCode: 'OUT_OF_STOCK',
      restock: true,
      origin: 'merchant',
    });
    expect((await oms.getOrder(orderId))?.status).toBe('processing');
    expect((await level(a)).reserved).toBe(1);
    expect((await level(b)).reserved).toBe(2);
    await expect(
      oms.recordCancellation({
        metaOrderId: orderId,
        requestId: 'c2',
        items: [{ retailerId: a, quantity: 2 }],
        reasonCode: 'OUT_OF_STOCK',
        restock: true,
        origin: 'merchant',
      }),
    ).rejects.toThrow(/only 1 open/);
    await expect(
      oms.recordCancellation({
        metaOrderId: orderId,
        requestId: 'c1',
        items: [{ retailerId: a, quantity: 1 }],
        reasonCode: 'CUSTOMER_REQUESTED',
        restock: true,
        origin: 'merchant',
      }),
    ).rejects.toBeInstanceOf(OmsIdempotencyConflictError);
  });

  it('before the order exists applies to the reservation alone', async () => {
    const sku = await stock(5);
    const orderId = newOrderId();
    await oms.reserveInventory(orderId, [{ retailerId: sku, quantity: 2 }]);
    await oms.recordCancellation({
      metaOrderId: orderId,
      requestId: 'meta-cancel-1',
      items: [],
      reasonCode: 'CUSTOMER_REQUESTED',
      restock: true,
      origin: 'external',
    });
    expect(await level(sku)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    expect(await oms.getOrder(orderId)).toBeUndefined();
    expect((await oms.reservation(orderId))?.lines[0]).toMatchObject({ held: 2, released: 2, outstanding: 0 });
  });
});

describe('recordRefund', () => {
  it('is recorded once per request id and shows on the order', async () => {
    const sku = await stock(5);
    const orderId = newOrderId();
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', sku, 2)]));
    await oms.recordShipment({
      metaOrderId: orderId,
      requestId: 's1',
      items: [],
      carrier: 'UPS',
      trackingNumber: 'T1',
    });
    const refund = {
      metaOrderId: orderId,
      requestId: 'r1',
      items: [
        { retailerId: sku, quantity: 1 },
        { retailerId: sku, amount: { amount: '2.00', currency: 'EUR' } },
      ],
      shipping: { amount: '4.90', currency: 'EUR' },
      reasonCode: 'DAMAGED_GOODS',
      origin: 'merchant' as const,
    };
    await oms.recordRefund(refund);
    await oms.recordRefund(refund);
    const order = await oms.getOrder(orderId);
    expect(order?.refunds).toEqual([
      {
        requestId: 'r1',
        // Booked on the order's line of that retailer id.
        items: refund.items.map((item) => ({ ...item, itemId: 'i1' })),
        shipping: refund.shipping,
        deductions: [],
        reasonCode: 'DAMAGED_GOODS',
        origin: 'merchant',
        createdAt: expect.any(String),
      },
    ]);
    await expect(oms.recordRefund({ ...refund, reasonCode: 'WRONG_ITEM' })).rejects.toBeInstanceOf(
      OmsIdempotencyConflictError,
    );
    await expect(
      oms.recordRefund({ ...refund, requestId: 'r2', items: [{ retailerId: 'not-on-order', quantity: 1 }] }),
    ).rejects.toBeInstanceOf(OmsInvalidInputError);
  });
});

describe('notifyExternalChange, notifyOps and events', () => {
  it('log each distinct notification once, filterable by order', async () => {
    const orderId = newOrderId();
    const otherId = newOrderId();
    const change = {
      metaOrderId: orderId,
      kind: 'cancelled_before_release' as const,
      detail: 'buyer cancelled in FB_PROCESSING',
    };
    await oms.notifyExternalChange(change);
    await oms.notifyExternalChange(change);
    await oms.notifyOps({ metaOrderId: orderId, severity: 'critical', reason: 'acknowledgement failed 5 times' });
    await oms.notifyOps({ metaOrderId: orderId, severity: 'critical', reason: 'acknowledgement failed 5 times' });
    await oms.notifyOps({ metaOrderId: otherId, severity: 'warning', reason: 'stuck in FB_PROCESSING' });
    const events = await oms.events(orderId);
    expect(
      events.map((event) => ({
        kind: event.kind,
        severity: event.severity,
        detail: event.detail,
        metaOrderId: event.metaOrderId,
      })),
    ).toEqual([
      {
        kind: 'external.cancelled_before_release',
        severity: 'info',
        detail: 'buyer cancelled in FB_PROCESSING',
        metaOrderId: orderId,
      },
      {
        kind: 'ops.notification',
        severity: 'critical',
        detail: 'acknowledgement failed 5 times',
        metaOrderId: orderId,
      },
    ]);
    const all = await oms.events();
    expect(all.some((event) => event.metaOrderId === otherId && event.kind === 'ops.notification')).toBe(true);
    expect(all.map((event) => event.id)).toEqual([...all.map((event) => event.id)].sort((a, b) => a - b));
  });
});

describe('listOrders', () => {
  it('filters by status', async () => {
    const sku = await stock(5);
    const [pendingId, processingId] = [newOrderId(), newOrderId()];
    await oms.createPendingOrder(pendingOrder(pendingId, [line('i1', sku, 1)]));
    await oms.createPendingOrder(pendingOrder(processingId, [line('i1', sku, 1)]));
    await oms.markProcessing(processingId);
    const pending = (await oms.listOrders({ status: 'pending' })).map((order) => order.metaOrderId);
    const processing = (await oms.listOrders({ status: 'processing' })).map((order) => order.metaOrderId);
    const all = (await oms.listOrders()).map((order) => order.metaOrderId);
    expect(pending).toContain(pendingId);
    expect(pending).not.toContain(processingId);
    expect(processing).toContain(processingId);
    expect(processing).not.toContain(pendingId);
    expect(all).toEqual(expect.arrayContaining([pendingId, processingId]));
  });
});

describe('ReferenceOms.open in memory', () => {
  it('gives each instance its own empty database, with the schema and a fresh reference sequence', async () => {
    const sku = await stock(5);
    await oms.createPendingOrder(pendingOrder(newOrderId(), [line('i1', sku, 1)]));

    // Opened from the process's schema template (src/oms/reference/database.ts): its speed is the
    // benchmark's business, not a test's (a loaded machine made a 2.5 s bound fail in CI).
    const second = await ReferenceOms.open();
    try {
      expect(await second.listOrders()).toEqual([]);
      expect(await second.inventory(sku)).toBeUndefined();
      await second.seedProducts([{ retailerId: sku, name: 'Other', onHand: 1 }]);
      expect(await second.createPendingOrder(pendingOrder(newOrderId(), [line('i1', sku, 1)]))).toEqual({
        merchantOrderReference: 'OMS-000001',
      });
      expect((await oms.inventory(sku))?.name).toBe(`Name of ${sku}`);
    } finally {
      await second.close();
    }
  });
});
