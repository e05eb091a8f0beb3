/**
 * What happens outside the integration (Commerce Manager, the buyer through support, Meta
 * support), through the admin API: each effect must show on the order's history edges exactly as
 * a seller-made one does, bump `last_updated`, and be in the ledger marked external.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SandboxAdminError } from '../../../sandbox/index.js';
import { expectGraphError, newKey, startTestSandbox, TRACKING, type Json, type TestSandbox } from './helpers.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await t.admin.reset();
});

const post = (path: string, body: Record<string, unknown> = {}) =>
  t.graph.post(path, { idempotency_key: newKey(), ...body });
const usd = (amount: string) => ({ amount, currency: 'USD' });
const edge = async (orderId: string, name: string, query: Record<string, string> = {}): Promise<Json[]> =>
  (await t.graph.get(`/${orderId}/${name}`, query)).body.data;
const lastUpdated = async (orderId: string): Promise<string> =>
  (await t.graph.get(`/${orderId}`, { fields: 'last_updated' })).body.last_updated;

/** SKU-A x3 at 10.00, SKU-B x1 at 4.00, shipping 5.00, no tax: the buyer paid 39.00. */
async function createdOrder() {
  return t.admin.createOrder({
    items: [
      { retailerId: 'SKU-A', quantity: 3, pricePerUnit: '10.00' },
      { retailerId: 'SKU-B', quantity: 1, pricePerUnit: '4.00' },
    ],
    shipping: { price: '5.00' },
    taxRate: 0,
  });
}

async function inProgressOrder() {
  const order = await createdOrder();
  expect((await post(`/${order.id}/acknowledge_order`)).status).toBe(200);
  return order;
}

async function adminRefusal(promise: Promise<unknown>): Promise<SandboxAdminError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the admin call to be refused');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SandboxAdminError);
  return error as SandboxAdminError;
}

describe('external ship (Commerce Manager)', () => {
  it('ships by item id or retailer id; the shipment is on the edge, external in the ledger, last_updated bumped', async () => {
    const order = await inProgressOrder();
    const [a, b] = order.items;
    const before = await lastUpdated(order.id);
    await t.admin.advanceClock(2_000);
    const result = await t.admin.shipExternally(order.id, {
      items: [{ itemId: a!.id, quantity: 2 }],
      carrier: 'FEDEX',
      trackingNumber: '7489',
      shippingMethodName: 'Ground',
    });
    expect(result).toEqual({ orderId: order.id, objectId: expect.any(String), state: 'IN_PROGRESS' });
    expect((await lastUpdated(order.id)) > before).toBe(true);
    await t.admin.shipExternally(order.id, { items: [{ retailerId: 'SKU-B', quantity: 1 }] });

    const shipments = await edge(order.id, 'shipments');
    expect(shipments).toHaveLength(2);
    expect(shipments[0]).toEqual({
      id: result.objectId,
      items: { data: [{ item_id: a!.id, retailer_id: 'SKU-A', quantity: 2 }] },
      tracking_info: {
        carrier: 'FEDEX',
        carrier_name: expect.any(String),
        tracking_number: '7489',
        shipping_method_name: 'Ground',
      },
      created: expect.any(String),
      last_updated: expect.any(String),
    });
    expect(shipments[0].external_shipment_id).toBeUndefined();
    expect(shipments[1].items.data).toEqual([{ item_id: b!.id, retailer_id: 'SKU-B', quantity: 1 }]);
    expect(shipments[1].tracking_info.tracking_number).toMatch(/^CM\d{10}$/);

    const effects = (await t.admin.getLedger(order.id)).effects.filter((e) => e.kind === 'shipment');
    expect(effects.map((e) => [e.origin, e.external, e.objectId, e.idempotencyKey])).toEqual([
      ['commerce_manager', true, result.objectId, null],
      ['commerce_manager', true, shipments[1].id, null],
    ]);
    const ack = (await t.admin.getLedger(order.id)).effects.find((e) => e.kind === 'acknowledge');
    expect(ack).toMatchObject({ origin: 'api', external: false });
  });

  it('refuses what Graph refuses: a CREATED order, more units than are open, an unknown carrier', async () => {
    const created = await createdOrder();
    expect((await adminRefusal(t.admin.shipExternally(created.id))).status).toBe(400);
    const order = await inProgressOrder();
    const tooMany = await adminRefusal(
      t.admin.shipExternally(order.id, { items: [{ retailerId: 'SKU-A', quantity: 4 }] }),
    );
    expect(tooMany.message).toMatch(/only 3 unit/);
    expect((await adminRefusal(t.admin.shipExternally(order.id, { carrier: 'NOPE' }))).message).toMatch(/carrier/);
    expect(await edge(order.id, 'shipments')).toEqual([]);
  });
});

describe('external cancel (Commerce Manager or the buyer through support)', () => {
  it('cancels a CREATED order whole: COMPLETED, every unit cancelled, restocked, initiated_by BUYER', async () => {
    const order = await createdOrder();
    const [a, b] = order.items;
    const inventory = async () =>
      (await t.graph.get(`/${a!.productId}`, { fields: 'inventory' })).body.inventory as number;
    const stock = await inventory();
    await t.admin.advanceClock(2_000);
    const before = await lastUpdated(order.id);
    const result = await t.admin.cancelExternally(order.id, {
      initiatedBy: 'BUYER',
      restock: true,
      reasonCode: 'CUSTOMER_REQUESTED',
      reasonDescription: 'Asked support to cancel',
    });
    expect(result.state).toBe('COMPLETED');
    expect((await lastUpdated(order.id)) > before).toBe(true);
    expect(await inventory()).toBe(stock + 3);

    const cancellations = await edge(order.id, 'cancellations');
    expect(cancellations).toEqual([
      {
        id: result.objectId,
        cancel_reason: { reason_code: 'CUSTOMER_REQUESTED', reason_description: 'Asked support to cancel' },
        restock_items: true,
        items: {
          data: [
            { item_id: a!.id, retailer_id: 'SKU-A', quantity: 3 },
            { item_id: b!.id, retailer_id: 'SKU-B', quantity: 1 },
          ],
        },
        initiated_by: 'BUYER',
        created: expect.any(String),
      },
    ]);
    const items = (await t.graph.get(`/${order.id}/items`, { fields: 'status' })).body.data;
    expect(items.map((i: Json) => i.status)).toEqual([
      { in_progress: 0, fulfilled: 0, cancelled: 3 },
      { in_progress: 0, fulfilled: 0, cancelled: 1 },
    ]);
    const effect = (await t.admin.getLedger(order.id)).effects.find((e) => e.kind === 'cancellation');
    expect(effect).toMatchObject({ origin: 'buyer', external: true, objectId: result.objectId, endpoint: null });

    // The integration sees a finished order: acknowledging it, or cancelling it again, is refused.
    expect(expectGraphError(await post(`/${order.id}/acknowledge_order`), 100).message).toMatch(/COMPLETED/);
    expectGraphError(await post(`/${order.id}/cancellations`), 100, 1818048);
    const listed = await t.graph.get(`/${t.cmsId}/commerce_orders`, {
      state: 'COMPLETED',
      filters: 'has_cancellations',
    });
    expect(listed.body.data.map((o: Json) => o.id)).toEqual([order.id]);
  });

  it('a seller (Commerce Manager) may cancel a CREATED order too, without restock; only whole', async () => {
    const order = await createdOrder();
    const stock = (await t.graph.get(`/${order.items[0]!.productId}`, { fields: 'inventory' })).body.inventory;
    const partial = await adminRefusal(
      t.admin.cancelExternally(order.id, { items: [{ retailerId: 'SKU-A', quantity: 1 }] }),
    );
    expect(partial.message).toMatch(/only the whole order/);
    const result = await t.admin.cancelExternally(order.id, { reasonCode: 'OUT_OF_STOCK' });
    expect(result.state).toBe('COMPLETED');
    const [cancellation] = await edge(order.id, 'cancellations', {
      fields: 'restock_items,initiated_by,cancel_reason',
    });
    expect(cancellation).toEqual({
      id: result.objectId,
      restock_items: false,
      initiated_by: 'SELLER',
      cancel_reason: { reason_code: 'OUT_OF_STOCK' },
    });
    expect((await t.graph.get(`/${order.items[0]!.productId}`, { fields: 'inventory' })).body.inventory).toBe(stock);
    expect((await t.admin.getLedger(order.id)).effects.find((e) => e.kind === 'cancellation')).toMatchObject({
      origin: 'commerce_manager',
      external: true,
    });
  });

  it('during FB_PROCESSING: the buyer may cancel, the seller only after 24 hours, as through Graph', async () => {
    const early = await t.admin.createOrder({ releaseDelayMs: 3_600_000 });
    expect((await adminRefusal(t.admin.cancelExternally(early.id))).message).toMatch(/24 hours/);
    const byBuyer = await t.admin.cancelExternally(early.id, { initiatedBy: 'BUYER' });
    expect(byBuyer.state).toBe('COMPLETED');
    expect((await edge(early.id, 'cancellations'))[0].initiated_by).toBe('BUYER');
    await t.admin.advanceClock(3_600_000);
    expect((await t.admin.getOrder(early.id)).state).toBe('COMPLETED'); // never released

    const held = await t.admin.createOrder({ holdForReview: true });
    await t.admin.advanceClock(25 * 3_600_000);
    expect((await t.admin.cancelExternally(held.id, { restock: true })).state).toBe('COMPLETED');
    expect((await edge(held.id, 'cancellations'))[0]).toMatchObject({ initiated_by: 'SELLER', restock_items: true });
  });

  it('cancels units of an IN_PROGRESS order by item id, with the restock flag and initiator on the edge', async () => {
    const order = await inProgressOrder();
    const [a] = order.items;
    await t.admin.cancelExternally(order.id, { items: [{ itemId: a!.id, quantity: 1 }], restock: true });
    await t.admin.cancelExternally(order.id, {
      items: [{ retailerId: 'SKU-B', quantity: 1 }],
      initiatedBy: 'BUYER',
      reasonCode: 'CANCEL_REASON_OTHER',
    });
    const cancellations = await edge(order.id, 'cancellations');
    expect(cancellations.map((c) => [c.restock_items, c.initiated_by, c.items.data[0].quantity])).toEqual([
      [true, 'SELLER', 1],
      [false, 'BUYER', 1],
    ]);
    expect((await t.admin.getOrder(order.id)).state).toBe('IN_PROGRESS');
    // Seller-made ones look the same on the edge.
    await post(`/${order.id}/cancellations`, { items: [{ item_id: a!.id, quantity: 1 }], restock_items: true });
    const [, , viaGraph] = await edge(order.id, 'cancellations');
    expect(Object.keys(viaGraph).sort()).toEqual(Object.keys(cancellations[0]).sort());
    expect(viaGraph).toMatchObject({ restock_items: true, initiated_by: 'SELLER' });
  });
});

describe('external refund (Commerce Manager or Meta support)', () => {
  /** Shipped in full (COMPLETED), with a buyer return of two SKU-A units. */
  async function shippedOrder() {
    const order = await inProgressOrder();
    await t.admin.shipExternally(order.id, { carrier: 'UPS', trackingNumber: '1Z' });
    expect((await t.admin.getOrder(order.id)).state).toBe('COMPLETED');
    return order;
  }

  it('refunds by quantity, by amount, shipping only and in full; each refund is on the edge with Meta’s fields', async () => {
    const order = await shippedOrder();
    const [a, b] = order.items;
    const ret = await t.admin.createReturn(order.id, { items: [{ itemId: a!.id, quantity: 2 }], reason: 'Too big' });

    await t.admin.advanceClock(2_000);
    const before = await lastUpdated(order.id);
    const byQuantity = await t.admin.refundExternally(order.id, {
      reasonCode: 'DAMAGED_GOODS',
      reasonText: 'Cracked',
      items: [{ retailerId: 'SKU-A', quantity: 1 }],
    });
    expect((await lastUpdated(order.id)) > before).toBe(true);
    const byAmount = await t.admin.refundExternally(order.id, { items: [{ itemId: b!.id, amount: '2.50' }] });
    const shippingOnly = await t.admin.refundExternally(order.id, {
      reasonCode: 'REFUND_REASON_OTHER',
      shipping: '5.00',
    });
    const full = await t.admin.refundExternally(order.id, {
      reasonCode: 'REFUND_FOR_RETURN',
      issuedBy: 'META',
      returnId: ret.objectId!,
      deductions: [{ type: 'RETURN_SHIPPING', amount: '1.00' }],
    });

    const refunds = await edge(order.id, 'refunds');
    expect(refunds.map((r) => r.id)).toEqual([
      byQuantity.objectId,
      byAmount.objectId,
      shippingOnly.objectId,
      full.objectId,
    ]);
    const created = expect.any(String);
    expect(refunds[0]).toEqual({
      id: byQuantity.objectId,
      reason_code: 'DAMAGED_GOODS',
      reason_text: 'Cracked',
      items: {
        data: [{ item_id: a!.id, retailer_id: 'SKU-A', item_refund_quantity: 1, item_refund_amount: usd('10.00') }],
      },
      shipping: { shipping_refund: usd('0.00') },
      deductions: [],
      adjustment_amount: usd('0.00'),
      total_refund_amount: usd('10.00'),
      created,
    });
    expect(refunds[1]).toMatchObject({
      reason_code: 'REFUND_REASON_OTHER',
      items: { data: [{ item_id: b!.id, retailer_id: 'SKU-B', item_refund_amount: usd('2.50') }] },
      total_refund_amount: usd('2.50'),
    });
    expect(refunds[1].items.data[0].item_refund_quantity).toBeUndefined();
    expect(refunds[2]).toMatchObject({
      items: { data: [] },
      shipping: { shipping_refund: usd('5.00') },
      total_refund_amount: usd('5.00'),
    });
    // In full: what is left of each line (two SKU-A units, 1.50 of SKU-B), less the deduction.
    expect(refunds[3]).toEqual({
      id: full.objectId,
      reason_code: 'REFUND_FOR_RETURN',
      items: {
        data: [
          { item_id: a!.id, retailer_id: 'SKU-A', item_refund_quantity: 2, item_refund_amount: usd('20.00') },
          { item_id: b!.id, retailer_id: 'SKU-B', item_refund_quantity: 1, item_refund_amount: usd('1.50') },
        ],
      },
      shipping: { shipping_refund: usd('0.00') },
      deductions: [{ deduction_type: 'RETURN_SHIPPING', deduction_amount: usd('1.00') }],
      adjustment_amount: usd('0.00'),
      total_refund_amount: usd('20.50'),
      return_id: ret.objectId,
      created,
    });

    const effects = (await t.admin.getLedger(order.id)).effects.filter((e) => e.kind === 'refund');
    expect(effects.map((e) => [e.origin, e.external, e.objectId])).toEqual([
      ['commerce_manager', true, byQuantity.objectId],
      ['commerce_manager', true, byAmount.objectId],
      ['commerce_manager', true, shippingOnly.objectId],
      ['platform', true, full.objectId],
    ]);
    const listed = await t.graph.get(`/${t.cmsId}/commerce_orders`, { state: 'COMPLETED', filters: 'has_refunds' });
    expect(listed.body.data.map((o: Json) => o.id)).toEqual([order.id]);
  });

  it('never refunds more than was paid, by the same rules and words as the Graph call', async () => {
    const order = await shippedOrder();
    await t.admin.refundExternally(order.id, {}); // everything: 34.00 of items and 5.00 of shipping
    expect((await edge(order.id, 'refunds'))[0].total_refund_amount).toEqual(usd('39.00'));
    const viaAdmin = await adminRefusal(t.admin.refundExternally(order.id, { adjustment: '0.01' }));
    const viaGraph = expectGraphError(
      await post(`/${order.id}/refunds`, { reason_code: 'REFUND_REASON_OTHER', adjustment_amount: usd('0.01') }),
      100,
    );
    expect(viaAdmin.status).toBe(400);
    expect(viaAdmin.message).toBe(viaGraph.message);
    expect(viaAdmin.message).toMatch(/exceed the 39.00 USD the buyer paid/);
    expect((await adminRefusal(t.admin.refundExternally(order.id, {}))).message).toMatch(/Nothing to refund/);
    expect(await edge(order.id, 'refunds')).toHaveLength(1);
  });

  it('applies the item and shipping limits, and refuses unshipped units and cancelled orders', async () => {
    const order = await inProgressOrder();
    await t.admin.shipExternally(order.id, { items: [{ retailerId: 'SKU-A', quantity: 1 }] });
    const unshipped = await adminRefusal(
      t.admin.refundExternally(order.id, { items: [{ retailerId: 'SKU-B', quantity: 1 }] }),
    );
    expect(unshipped.message).toMatch(/no shipped units/);
    const tooMuch = await adminRefusal(
      t.admin.refundExternally(order.id, { items: [{ retailerId: 'SKU-A', amount: '10.01' }] }),
    );
    expect(tooMuch.message).toMatch(/exceeds the 10.00 USD still refundable/);
    expect((await adminRefusal(t.admin.refundExternally(order.id, { shipping: '5.01' }))).message).toMatch(
      /Shipping refund/,
    );
    const cancelled = await createdOrder();
    await t.admin.cancelExternally(cancelled.id);
    expect((await adminRefusal(t.admin.refundExternally(cancelled.id, {}))).message).toMatch(/it was cancelled/);
    expect(
      (await adminRefusal(t.admin.refundExternally(order.id, { reasonCode: 'NOT_A_CODE' as 'WRONG_ITEM' }))).status,
    ).toBe(400);
  });

  it('allows Meta’s reason codes only outside the integration', async () => {
    const order = await shippedOrder();
    const viaGraph = expectGraphError(
      await post(`/${order.id}/refunds`, {
        reason_code: 'FACEBOOK_INITIATED',
        items: [{ retailer_id: 'SKU-A', item_refund_quantity: 1 }],
      }),
      100,
    );
    expect(viaGraph.message).toMatch(/reserved for refunds issued by Meta/);
    const result = await t.admin.refundExternally(order.id, {
      reasonCode: 'FACEBOOK_INITIATED',
      issuedBy: 'META',
      items: [{ retailerId: 'SKU-A', quantity: 1 }],
    });
    const [refund] = await edge(order.id, 'refunds', { fields: 'reason_code,items{data}' });
    expect(refund).toEqual({
      id: result.objectId,
      reason_code: 'FACEBOOK_INITIATED',
      items: {
        data: [
          {
            item_id: order.items[0]!.id,
            retailer_id: 'SKU-A',
            item_refund_quantity: 1,
            item_refund_amount: usd('10.00'),
          },
        ],
      },
    });
  });
});

describe('two lines with one retailer id', () => {
  /** A personalised and a plain mug: MUG x1 at 18.00 ("Ana"), MUG x2 at 12.00. */
  async function mugOrder() {
    const order = await t.admin.createOrder({
      items: [
        { retailerId: 'MUG', quantity: 1, pricePerUnit: '18.00', customization: 'Ana' },
        { retailerId: 'MUG', quantity: 2, pricePerUnit: '12.00' },
      ],
      taxRate: 0,
    });
    expect((await post(`/${order.id}/acknowledge_order`)).status).toBe(200);
    return order;
  }

  it('creates the order with two items, each with its own id', async () => {
    const order = await mugOrder();
    expect(order.items.map((i) => i.retailerId)).toEqual(['MUG', 'MUG']);
    expect(order.items[0]!.id).not.toBe(order.items[1]!.id);
    const items = (await t.graph.get(`/${order.id}/items`, { fields: 'retailer_id,quantity,customization' })).body.data;
    expect(items).toEqual([
      { id: order.items[0]!.id, retailer_id: 'MUG', quantity: 1, customization: 'Ana' },
      { id: order.items[1]!.id, retailer_id: 'MUG', quantity: 2 },
    ]);
  });

  it('refuses Graph writes naming the retailer id (code 100, naming the ambiguity); item ids work', async () => {
    const order = await mugOrder();
    const [personalised, plain] = order.items;
    const byRetailer = [{ retailer_id: 'MUG', quantity: 1 }];
    const ship = expectGraphError(
      await post(`/${order.id}/shipments`, { tracking_info: TRACKING, items: byRetailer }),
      100,
    );
    expect(ship.message).toMatch(/retailer_id 'MUG' is ambiguous: it matches 2 items/);
    expect(ship.message).toContain(personalised!.id);
    expect(ship.error_subcode).toBeUndefined();
    expect(expectGraphError(await post(`/${order.id}/cancellations`, { items: byRetailer }), 100).message).toMatch(
      /ambiguous/,
    );
    expect(await edge(order.id, 'shipments')).toEqual([]);

    expect(
      (await post(`/${order.id}/shipments`, { tracking_info: TRACKING, items: [{ item_id: plain!.id, quantity: 2 }] }))
        .status,
    ).toBe(200);
    expect(
      (await post(`/${order.id}/cancellations`, { items: [{ item_id: personalised!.id, quantity: 1 }] })).status,
    ).toBe(200);
    const refundByRetailer = expectGraphError(
      await post(`/${order.id}/refunds`, {
        reason_code: 'WRONG_ITEM',
        items: [{ retailer_id: 'MUG', item_refund_quantity: 1 }],
      }),
      100,
    );
    expect(refundByRetailer.message).toMatch(/ambiguous/);
    expect(refundByRetailer.error_subcode).toBeUndefined();
    expect(
      (
        await post(`/${order.id}/refunds`, {
          reason_code: 'WRONG_ITEM',
          items: [{ item_id: plain!.id, item_refund_quantity: 1 }],
        })
      ).status,
    ).toBe(200);
    const [refund] = await edge(order.id, 'refunds');
    expect(refund.items.data).toEqual([
      { item_id: plain!.id, retailer_id: 'MUG', item_refund_quantity: 1, item_refund_amount: usd('12.00') },
    ]);
    expect((await t.admin.getOrder(order.id)).state).toBe('COMPLETED');
  });

  it('whole-order writes need no item names; the admin API refuses the ambiguous name too', async () => {
    const order = await mugOrder();
    expect(
      (await adminRefusal(t.admin.shipExternally(order.id, { items: [{ retailerId: 'MUG', quantity: 1 }] }))).message,
    ).toMatch(/ambiguous/);
    expect((await post(`/${order.id}/shipments`, { tracking_info: TRACKING })).status).toBe(200);
    const [shipment] = await edge(order.id, 'shipments');
    expect(shipment.items.data).toEqual([
      { item_id: order.items[0]!.id, retailer_id: 'MUG', quantity: 1 },
      { item_id: order.items[1]!.id, retailer_id: 'MUG', quantity: 2 },
    ]);
    const refund = await t.admin.refundExternally(order.id, { items: [{ itemId: order.items[0]!.id, quantity: 1 }] });
    expect((await edge(order.id, 'refunds'))[0].id).toBe(refund.objectId);
  });
});
