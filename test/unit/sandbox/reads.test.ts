import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

const list = (query: Record<string, string | number> = {}) => t.graph.get(`/${t.cmsId}/commerce_orders`, query);

async function pageThrough(
  query: Record<string, string | number>,
  between?: (page: number) => Promise<void>,
): Promise<string[]> {
  const seen: string[] = [];
  let response = await list(query);
  for (let page = 0; ; page += 1) {
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    seen.push(...response.body.data.map((order: Json) => order.id as string));
    const next: string | undefined = response.body.paging?.next;
    if (!next) break;
    expect(next.startsWith(`${t.sandbox.url}/v22.0/${t.cmsId}/commerce_orders?`)).toBe(true);
    if (between) await between(page);
    response = await t.graph.follow(next);
  }
  return seen;
}

describe('GET /{cms-id}/commerce_orders', () => {
  it('lists CREATED orders by default with the default fields, newest first', async () => {
    const created = await t.admin.createOrders({ count: 3 });
    const processing = await t.admin.createOrder({ releaseDelayMs: 3_600_000 });
    const response = await list();
    expect(response.status).toBe(200);
    const ids = response.body.data.map((o: Json) => o.id);
    expect(ids).toEqual(created.map((o) => o.id).reverse());
    expect(ids).not.toContain(processing.id);
    for (const order of response.body.data) {
      expect(Object.keys(order).sort()).toEqual(['created', 'id', 'last_updated', 'order_status']);
      expect(order.order_status).toEqual({ state: 'CREATED' });
      expect(order.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    }
    expect(response.body.paging.next).toBeUndefined();
  });

  it('filters by several states, and by line-item filters in either case', async () => {
    const [a, b, c] = await t.admin.createOrders({ count: 3, items: [{ retailerId: 'SKU-A', quantity: 2 }] });
    await t.graph.post(`/${a!.id}/acknowledge_order`, { idempotency_key: newKey() });
    await t.graph.post(`/${b!.id}/acknowledge_order`, { idempotency_key: newKey() });
    await t.graph.post(`/${b!.id}/shipments`, {
      idempotency_key: newKey(),
      tracking_info: TRACKING,
      items: [{ retailer_id: 'SKU-A', quantity: 1 }],
    });
    await t.graph.post(`/${b!.id}/cancellations`, {
      idempotency_key: newKey(),
      items: [{ retailer_id: 'SKU-A', quantity: 1 }],
    });
    const ids = async (query: Record<string, string>) => (await list(query)).body.data.map((o: Json) => o.id).sort();

    expect(await ids({ state: 'CREATED,IN_PROGRESS' })).toEqual([a!.id, c!.id].sort());
    expect(await ids({ state: 'completed' })).toEqual([b!.id]);
    expect(await ids({ state: 'IN_PROGRESS,COMPLETED', filters: 'NO_SHIPMENTS' })).toEqual([a!.id]);
    expect(await ids({ state: 'IN_PROGRESS,COMPLETED', filters: 'has_cancellations' })).toEqual([b!.id]);
    expect(await ids({ state: 'IN_PROGRESS,COMPLETED', filters: 'has_fulfillments,has_cancellations' })).toEqual([
      b!.id,
    ]);
    expect(await ids({ state: 'IN_PROGRESS,COMPLETED', filters: 'no_shipments,has_cancellations' })).toEqual([]);
    expect(await ids({ state: '"CREATED"' })).toEqual([c!.id]);
    expectGraphError(await list({ state: 'CANCELLED' }), 100);
    expectGraphError(await list({ filters: 'shipped' }), 100);
  });

  it('pages through 250 orders seeing each exactly once, with cursors and full next links', async () => {
    const created = await t.admin.createOrders({ count: 250 });
    const seen = await pageThrough({ limit: 40 });
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(new Set(seen)).toEqual(new Set(created.map((o) => o.id)));
  });

  it('keeps paging stable while orders are updated and created between pages', async () => {
    await t.admin.createOrders({ count: 250 });
    const before = new Set((await t.admin.listOrders('CREATED')).map((o) => o.id));
    const query = { state: 'CREATED,IN_PROGRESS', limit: 25 };
    const seen = await pageThrough(query, async (page) => {
      // Acknowledge (bumps last_updated, changes state) some orders on pages not read yet and some read already.
      const all = [...before];
      for (const id of [all[page * 7], all[249 - page * 9], all[100 + page]]) {
        if (id) await t.graph.post(`/${id}/acknowledge_order`, { idempotency_key: newKey() });
      }
      await t.admin.createOrders({ count: 2 });
    });
    expect(seen).toHaveLength(250);
    expect(new Set(seen)).toEqual(before);
  });

  it('pages backwards with before cursors and previous links', async () => {
    await t.admin.createOrders({ count: 30 });
    const first = await list({ limit: 10 });
    const second = await t.graph.follow(first.body.paging.next);
    expect(second.body.paging.previous).toBeDefined();
    const back = await t.graph.follow(second.body.paging.previous);
    expect(back.body.data.map((o: Json) => o.id)).toEqual(first.body.data.map((o: Json) => o.id));
    const byCursor = await list({ limit: 10, before: second.body.paging.cursors.before });
    expect(byCursor.body.data.map((o: Json) => o.id)).toEqual(first.body.data.map((o: Json) => o.id));
  });

  it('clamps limit to 100, defaults to 25, and rejects bad limits and foreign cursors', async () => {
    await t.admin.createOrders({ count: 120 });
    expect((await list()).body.data).toHaveLength(25);
    expect((await list({ limit: 500 })).body.data).toHaveLength(100);
    expectGraphError(await list({ limit: 0 }), 100);
    expectGraphError(await list({ limit: 'ten' }), 100);
    expectGraphError(await list({ after: 'not-a-cursor' }), 100);
    const [order] = await t.admin.createOrders({ count: 1 });
    const items = await t.graph.get(`/${order!.id}/items`);
    expectGraphError(await list({ after: items.body.paging.cursors.after }), 100);
  });

  it('selects fields, including nested braces and struct sub-fields', async () => {
    await t.admin.createOrder({
      channel: 'instagram',
      buyer: { name: 'Zoë Ångström 李', email: 'z@marketplace.facebook.com', emailRemarketingOption: true },
      items: [
        { retailerId: 'SKU-1', quantity: 2, pricePerUnit: '10.00', productName: 'Mug' },
        { retailerId: 'SKU-2', quantity: 1, pricePerUnit: '5.50', productName: 'Tote' },
      ],
      shipping: { price: '4.00' },
      taxRate: 0.1,
    });
    const response = await list({
      fields:
        'channel,buyer_details{name},items{id,retailer_id,quantity,product_name},estimated_payment_details{total_amount,subtotal{items}}',
    });
    const [order] = response.body.data;
    expect(Object.keys(order).sort()).toEqual(['buyer_details', 'channel', 'estimated_payment_details', 'id', 'items']);
    expect(order.channel).toBe('instagram');
    expect(order.buyer_details).toEqual({ name: 'Zoë Ångström 李' });
    expect(order.items.data.map((i: Json) => [i.retailer_id, i.quantity, i.product_name])).toEqual([
      ['SKU-1', 2, 'Mug'],
      ['SKU-2', 1, 'Tote'],
    ]);
    expect(Object.keys(order.items.data[0]).sort()).toEqual(['id', 'product_name', 'quantity', 'retailer_id']);
    expect(order.items.paging.cursors.after).toEqual(expect.any(String));
    // items 25.50 + shipping 4.00 + 10% tax 2.95 (2.55 + 0.40)
    expect(order.estimated_payment_details).toEqual({
      total_amount: { amount: '32.45', currency: 'USD' },
      subtotal: { items: { amount: '25.50', currency: 'USD' } },
    });

    expectGraphError(await list({ fields: 'id,nope' }), 100);
    expectGraphError(await list({ fields: 'buyer_details{phone}' }), 100);
    expectGraphError(await list({ fields: 'items{id' }), 100);
    expectGraphError(await list({ fields: 'channel{x}' }), 100);
  });

  it('pages a nested items edge with .limit() and a next link', async () => {
    await t.admin.createOrder({ items: [1, 2, 3].map((n) => ({ retailerId: `SKU-${n}`, quantity: 1 })) });
    const [order] = (await list({ fields: 'items.limit(2){retailer_id}' })).body.data;
    expect(order.items.data.map((i: Json) => i.retailer_id)).toEqual(['SKU-1', 'SKU-2']);
    const rest = await t.graph.follow(order.items.paging.next);
    expect(rest.status).toBe(200);
    expect(rest.body.data.map((i: Json) => i.retailer_id)).toEqual(['SKU-3']);
    expect(rest.body.paging.next).toBeUndefined();
  });

  it('filters by updated_after (inclusive) and updated_before (exclusive), in unix seconds', async () => {
    const [a, b] = await t.admin.createOrders({ count: 2 });
    await t.admin.advanceClock(120_000);
    await t.graph.post(`/${a!.id}/acknowledge_order`, { idempotency_key: newKey() });
    const ack = await t.graph.get(`/${a!.id}`, { fields: 'last_updated' });
    const ackSeconds = Math.floor(Date.parse(ack.body.last_updated) / 1000);
    const ids = async (query: Record<string, string | number>) =>
      (await list({ state: 'CREATED,IN_PROGRESS', ...query })).body.data.map((o: Json) => o.id);
    expect(await ids({ updated_after: ackSeconds })).toEqual([a!.id]);
    expect(await ids({ updated_after: ackSeconds + 1 })).toEqual([]);
    expect(await ids({ updated_before: ackSeconds })).toEqual([b!.id]);
    expect(await ids({ updated_after: ackSeconds - 30, updated_before: ackSeconds + 1 })).toEqual([a!.id]);
    expectGraphError(await list({ updated_after: 'yesterday' }), 100);
  });
});

describe('FB_PROCESSING and the release', () => {
  it('hides buyer and address until released; product fields are there from the start', async () => {
    const order = await t.admin.createOrder({ releaseDelayMs: 60_000, buyer: { name: 'Søren Kierkegård' } });
    const fields = { fields: 'order_status,buyer_details,shipping_address,items{retailer_id,quantity}' };
    const before = await t.graph.get(`/${order.id}`, fields);
    expect(before.body.order_status.state).toBe('FB_PROCESSING');
    expect(before.body.buyer_details).toBeUndefined();
    expect(before.body.shipping_address).toBeUndefined();
    expect(before.body.items.data).toHaveLength(1);
    expect((await list({ state: 'FB_PROCESSING' })).body.data.map((o: Json) => o.id)).toEqual([order.id]);

    await t.admin.advanceClock(60_000);
    const after = await t.graph.get(`/${order.id}`, fields);
    expect(after.body.order_status.state).toBe('CREATED');
    expect(after.body.buyer_details.name).toBe('Søren Kierkegård');
    expect(after.body.shipping_address.name).toBe('Søren Kierkegård');
  });

  it('releases lazily but stamps last_updated with the release time, so updated_after polling sees it', async () => {
    const order = await t.admin.createOrder({ releaseDelayMs: 30 * 60_000 });
    const snapshot = await t.admin.getOrder(order.id);
    const releaseAt = Date.parse(order.releaseAt!);
    await t.admin.advanceClock(2 * 3_600_000); // read long after the due time
    const read = await t.graph.get(`/${order.id}`, { fields: 'order_status,last_updated,created' });
    expect(read.body.order_status.state).toBe('CREATED');
    expect(Math.floor(Date.parse(read.body.last_updated) / 1000)).toBe(Math.floor(releaseAt / 1000));
    expect(Date.parse(snapshot.createdAt)).toBeLessThan(releaseAt);
    const polled = await list({
      updated_after: Math.floor(releaseAt / 1000),
      updated_before: Math.floor(releaseAt / 1000) + 1,
    });
    expect(polled.body.data.map((o: Json) => o.id)).toEqual([order.id]);
  });

  it('never releases a buyer-cancelled order: it ends COMPLETED with every unit cancelled', async () => {
    const order = await t.admin.createOrder({ releaseDelayMs: 60_000, items: [{ retailerId: 'SKU-X', quantity: 3 }] });
    await t.admin.buyerCancel(order.id);
    await t.admin.advanceClock(120_000);
    const read = await t.graph.get(`/${order.id}`, { fields: 'order_status,buyer_details,items{status}' });
    expect(read.body.order_status.state).toBe('COMPLETED');
    expect(read.body.buyer_details).toBeUndefined();
    expect(read.body.items.data[0].status).toEqual({ in_progress: 0, fulfilled: 0, cancelled: 3 });
    const cancellations = await t.graph.get(`/${order.id}/cancellations`);
    expect(cancellations.body.data).toHaveLength(1);
    expect(cancellations.body.data[0].initiated_by).toBe('BUYER');
    expect(cancellations.body.data[0].cancel_reason.reason_code).toBe('CUSTOMER_REQUESTED');
    expect((await list({ state: 'COMPLETED', filters: 'has_cancellations' })).body.data).toHaveLength(1);
  });

  it('auto-acknowledges on release when no order-management app is connected', async () => {
    await t.admin.setConnected(false);
    const order = await t.admin.createOrder();
    const read = await t.graph.get(`/${order.id}`, { fields: 'order_status' });
    expect(read.body.order_status.state).toBe('IN_PROGRESS');
    const kinds = (await t.admin.getLedger(order.id)).effects.map((e) => e.kind);
    expect(kinds).toEqual(['release', 'auto_acknowledge']);
  });
});

describe('order, items, product and history edges', () => {
  it('returns the default order fields, and merchant_order_id after an ack with a reference', async () => {
    const order = await t.admin.createOrder();
    const plain = await t.graph.get(`/${order.id}`);
    expect(Object.keys(plain.body).sort()).toEqual(['created', 'id', 'last_updated', 'order_status']);
    expect((await t.graph.get(`/${order.id}`, { fields: 'merchant_order_id' })).body).toEqual({ id: order.id });
    await t.graph.post(`/${order.id}/acknowledge_order`, {
      idempotency_key: newKey(),
      merchant_order_reference: 'OMS-77',
    });
    const after = await t.graph.get(`/${order.id}`, {
      fields: 'merchant_order_id,order_status,ship_by_date,selected_shipping_option',
    });
    expect(after.body.merchant_order_id).toBe('OMS-77');
    expect(after.body.order_status.state).toBe('IN_PROGRESS');
    expect(after.body.ship_by_date).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(after.body.selected_shipping_option.estimated_shipping_time).toEqual({ min_days: 3, max_days: 7 });
  });

  it('serves the items edge with defaults, status and tax details, paged', async () => {
    const order = await t.admin.createOrder({
      items: [
        { retailerId: 'SKU-1', quantity: 4, pricePerUnit: '2.50', productName: 'Pen' },
        { retailerId: 'SKU-2', quantity: 1 },
      ],
      taxRate: 0.1,
    });
    const items = await t.graph.get(`/${order.id}/items`);
    expect(items.body.data).toHaveLength(2);
    expect(Object.keys(items.body.data[0]).sort()).toEqual([
      'id',
      'price_per_unit',
      'product_id',
      'quantity',
      'retailer_id',
    ]);
    expect(items.body.data[0].price_per_unit).toEqual({ amount: '2.50', currency: 'USD' });

    await t.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: newKey() });
    await t.graph.post(`/${order.id}/shipments`, {
      idempotency_key: newKey(),
      tracking_info: TRACKING,
      items: [{ retailer_id: 'SKU-1', quantity: 2 }],
    });
    await t.graph.post(`/${order.id}/cancellations`, {
      idempotency_key: newKey(),
      items: [{ retailer_id: 'SKU-1', quantity: 1 }],
    });
    const page = await t.graph.get(`/${order.id}/items`, {
      fields: 'retailer_id,status,tax_details,product_name',
      limit: 1,
    });
    expect(page.body.data).toEqual([
      {
        id: order.items[0]!.id,
        retailer_id: 'SKU-1',
        status: { in_progress: 1, fulfilled: 2, cancelled: 1 },
        tax_details: {
          estimated_tax: { amount: '1.00', currency: 'USD' },
          captured_tax: { total_tax: { amount: '0.50', currency: 'USD' } },
        },
        product_name: 'Pen',
      },
    ]);
    const next = await t.graph.follow(page.body.paging.next);
    expect(next.body.data.map((i: Json) => i.retailer_id)).toEqual(['SKU-2']);
  });

  it('serves products by id with defaults and requested fields', async () => {
    const order = await t.admin.createOrder({
      items: [{ retailerId: 'SKU-P', quantity: 1, productName: 'Çay bardağı' }],
    });
    const productId = order.items[0]!.productId;
    const product = await t.graph.get(`/${productId}`);
    expect(product.body).toEqual({ id: productId, retailer_id: 'SKU-P', name: 'Çay bardağı' });
    const more = await t.graph.get(`/${productId}`, { fields: 'inventory,availability,brand' });
    expect(more.body).toMatchObject({ id: productId, inventory: 100, availability: 'in stock' });
    expectGraphError(await t.graph.get(`/${productId}`, { fields: 'order_status' }), 100);
  });

  it('serves shipments, cancellations, refunds and returns edges', async () => {
    const order = await t.admin.createOrder({ items: [{ retailerId: 'SKU-1', quantity: 3, pricePerUnit: '10.00' }] });
    await t.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: newKey() });
    await t.graph.post(`/${order.id}/shipments`, {
      idempotency_key: newKey(),
      tracking_info: TRACKING,
      items: [{ retailer_id: 'SKU-1', quantity: 2 }],
      external_shipment_id: 'box_1',
    });
    await t.graph.post(`/${order.id}/cancellations`, {
      idempotency_key: newKey(),
      cancel_reason: { reason_code: 'OUT_OF_STOCK' },
      restock_items: true,
      items: [{ retailer_id: 'SKU-1', quantity: 1 }],
    });
    await t.admin.createReturn(order.id, { items: [{ retailerId: 'SKU-1', quantity: 1 }], reason: 'Too small' });
    const returns = await t.graph.get(`/${order.id}/returns`);
    expect(returns.body.data).toHaveLength(1);
    await t.graph.post(`/${order.id}/refunds`, {
      idempotency_key: newKey(),
      reason_code: 'BUYERS_REMORSE',
      items: [{ retailer_id: 'SKU-1', item_refund_quantity: 1 }],
      return_id: returns.body.data[0].id,
    });
    const shipments = (await t.graph.get(`/${order.id}/shipments`)).body.data;
    expect(shipments).toHaveLength(1);
    expect(shipments[0]).toMatchObject({
      external_shipment_id: 'box_1',
      tracking_info: { carrier: 'UPS', tracking_number: TRACKING.tracking_number },
    });
    expect(shipments[0].items.data).toEqual([{ item_id: order.items[0]!.id, retailer_id: 'SKU-1', quantity: 2 }]);
    const cancellations = (await t.graph.get(`/${order.id}/cancellations`)).body.data;
    expect(cancellations[0]).toMatchObject({
      cancel_reason: { reason_code: 'OUT_OF_STOCK' },
      restock_items: true,
      initiated_by: 'SELLER',
    });
    expect(cancellations[0].items.data[0].quantity).toBe(1);
    const refunds = (await t.graph.get(`/${order.id}/refunds`, { fields: 'reason_code,total_refund_amount,return_id' }))
      .body.data;
    expect(refunds).toEqual([
      {
        id: expect.any(String),
        reason_code: 'BUYERS_REMORSE',
        total_refund_amount: { amount: '10.00', currency: 'USD' },
        return_id: returns.body.data[0].id,
      },
    ]);
    const product = await t.graph.get(`/${order.items[0]!.productId}`, { fields: 'inventory' });
    expect(product.body.inventory).toBe(101);
  });
});

describe('paths and versions', () => {
  it('accepts v13.0 to v30.0 and refuses others', async () => {
    const order = await t.admin.createOrder();
    expect((await t.graph.raw('GET', `/v13.0/${order.id}`, { authorization: 'Bearer sandbox-token' })).status).toBe(
      200,
    );
    expect((await t.graph.raw('GET', `/v30.0/${order.id}`, { authorization: 'Bearer sandbox-token' })).status).toBe(
      200,
    );
    expectGraphError(await t.graph.raw('GET', `/v12.0/${order.id}`, { authorization: 'Bearer sandbox-token' }), 2635);
    expectGraphError(await t.graph.raw('GET', `/v31.0/${order.id}`, { authorization: 'Bearer sandbox-token' }), 2500);
    expectGraphError(await t.graph.raw('GET', `/${order.id}`, { authorization: 'Bearer sandbox-token' }), 2500);
  });

  it('answers unknown ids with 100/33 (numeric) or 803 (alias), and unknown edges with 2500', async () => {
    const order = await t.admin.createOrder();
    expectGraphError(await t.graph.get('/999999999'), 100, 33);
    expectGraphError(await t.graph.post('/999999999/acknowledge_order', { idempotency_key: newKey() }), 100, 33);
    expectGraphError(await t.graph.get('/my-shop'), 803);
    expectGraphError(await t.graph.get(`/${order.id}/payments`), 2500);
    expectGraphError(await t.graph.delete(`/${order.id}`), 100, 33);
    expectGraphError(await t.graph.get(`/${t.cmsId}/commerce_orders/extra`), 2500);
  });
});
