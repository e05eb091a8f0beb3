import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectGraphError, newKey, startTestSandbox, TRACKING, type TestSandbox } from './helpers.js';

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

async function acknowledged() {
  const order = await t.admin.createOrder({ items: [{ retailerId: 'SKU-A', quantity: 2, pricePerUnit: '10.00' }] });
  expect((await t.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: newKey() })).status).toBe(200);
  return order;
}

const effectsOf = async (orderId: string, kind: string) =>
  (await t.admin.getLedger(orderId)).effects.filter((e) => e.kind === kind);

describe('idempotency keys', () => {
  it('requires a key on every POST, in the documented format', async () => {
    const order = await t.admin.createOrder();
    const path = `/${order.id}/acknowledge_order`;
    expect(expectGraphError(await t.graph.post(path, {}), 100).message).toMatch(/idempotency_key/);
    expectGraphError(await t.graph.post(path, { idempotency_key: '' }), 100);
    expectGraphError(await t.graph.post(path, { idempotency_key: 'a'.repeat(101) }), 100);
    expectGraphError(await t.graph.post(path, { idempotency_key: 'has space' }), 100);
    expectGraphError(await t.graph.post(path, { idempotency_key: 'dots.not.allowed' }), 100);
    expectGraphError(await t.graph.post(path, { idempotency_key: 12345 }), 100);
    expectGraphError(await t.graph.post(`/${t.cmsId}/order_management_apps`, {}), 100);
    expect((await t.graph.post(path, { idempotency_key: randomUUID() })).status).toBe(200);
    const other = await t.admin.createOrder();
    expect((await t.graph.post(`/${other.id}/acknowledge_order`, { idempotency_key: 'k'.repeat(100) })).status).toBe(
      200,
    );
    expect((await effectsOf(order.id, 'acknowledge')).length).toBe(1);
  });

  it('replays the same key + same request: first answer again, one effect, counted as a replay', async () => {
    const order = await acknowledged();
    const key = newKey();
    const request = { idempotency_key: key, tracking_info: TRACKING, items: [{ retailer_id: 'SKU-A', quantity: 1 }] };
    const first = await t.graph.post(`/${order.id}/shipments`, request);
    const second = await t.graph.post(`/${order.id}/shipments`, request);
    const third = await t.graph.post(`/${order.id}/shipments`, request, { encoding: 'form' });
    for (const response of [first, second, third]) {
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ success: true });
    }
    const shipments = await effectsOf(order.id, 'shipment');
    expect(shipments).toHaveLength(1);
    expect(shipments[0]).toMatchObject({ idempotencyKey: key, endpoint: 'POST shipments', origin: 'api' });
    expect(shipments[0]!.request).toEqual({ items: [{ quantity: 1, retailer_id: 'SKU-A' }], tracking_info: TRACKING });
    const ledger = await t.admin.getLedger();
    expect(ledger.replays.byEndpoint['POST shipments']).toBe(2);
    expect(ledger.rejectedDuplicates.total).toBe(0);
    const items = (await t.graph.get(`/${order.id}/items`, { fields: 'status' })).body.data[0].status;
    expect(items).toEqual({ in_progress: 1, fulfilled: 1, cancelled: 0 });
  });

  it('compares a canonical form: key order, "5.5" vs "5.50", JSON vs form fields', async () => {
    const order = await acknowledged();
    await t.graph.post(`/${order.id}/shipments`, { idempotency_key: newKey(), tracking_info: TRACKING });
    const key = newKey();
    const first = await t.graph.post(`/${order.id}/refunds`, {
      idempotency_key: key,
      reason_code: 'WRONG_ITEM',
      items: [{ retailer_id: 'SKU-A', item_refund_amount: { amount: '5.5', currency: 'USD' } }],
    });
    expect(first.status).toBe(200);
    const again = await t.graph.post(
      `/${order.id}/refunds`,
      {
        items: [{ item_refund_amount: { currency: 'USD', amount: 5.5 }, retailer_id: 'SKU-A' }],
        reason_code: 'WRONG_ITEM',
        idempotency_key: key,
      },
      { encoding: 'form' },
    );
    expect(again.status).toBe(200);
    expect(await effectsOf(order.id, 'refund')).toHaveLength(1);
    expect((await t.admin.getLedger()).replays.byEndpoint['POST refunds']).toBe(1);
  });

  it('refuses the same key with a different request, on any endpoint or object, and counts it', async () => {
    const order = await t.admin.createOrder();
    const other = await t.admin.createOrder();
    const key = newKey();
    expect(
      (await t.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: key, merchant_order_reference: 'A-1' }))
        .status,
    ).toBe(200);
    const differentBody = await t.graph.post(`/${order.id}/acknowledge_order`, {
      idempotency_key: key,
      merchant_order_reference: 'A-2',
    });
    const error = expectGraphError(differentBody, 100, 2388049);
    expect(error.message).toMatch(/idempotency_key was already used for a different request/);
    expectGraphError(
      await t.graph.post(`/${other.id}/acknowledge_order`, { idempotency_key: key, merchant_order_reference: 'A-1' }),
      100,
      2388049,
    );
    expectGraphError(await t.graph.post(`/${order.id}/cancellations`, { idempotency_key: key }), 100, 2388049);
    const ledger = await t.admin.getLedger();
    expect(ledger.rejectedDuplicates.total).toBe(3);
    expect(ledger.rejectedDuplicates.byEndpoint).toEqual({ 'POST acknowledge_order': 2, 'POST cancellations': 1 });
    expect(ledger.effects.filter((e) => e.kind === 'acknowledge')).toHaveLength(1);
    expect((await t.graph.get(`/${other.id}`)).body.order_status.state).toBe('CREATED');
    expect((await t.graph.get(`/${order.id}`, { fields: 'merchant_order_id' })).body.merchant_order_id).toBe('A-1');
  });

  it('replays a bulk acknowledgement byte for byte', async () => {
    const orders = await t.admin.createOrders({ count: 3 });
    const body = { idempotency_key: newKey(), orders: orders.map((o) => ({ id: o.id })) };
    const first = await t.graph.post(`/${t.cmsId}/acknowledge_orders`, body);
    const second = await t.graph.post(`/${t.cmsId}/acknowledge_orders`, body);
    expect(second.body).toEqual(first.body);
    expect(first.body.orders.every((o: { state: string }) => o.state === 'IN_PROGRESS')).toBe(true);
    expect((await t.admin.getLedger()).effects.filter((e) => e.kind === 'acknowledge')).toHaveLength(3);
  });
});

describe('refusals keep their key (Meta: identical requests return exactly the same response)', () => {
  it('replays a commerce refusal byte for byte, even once the cause is gone, with no effect', async () => {
    const order = await t.admin.createOrder();
    const key = newKey();
    const request = { idempotency_key: key, tracking_info: TRACKING };
    const first = await t.graph.post(`/${order.id}/shipments`, request);
    expect(expectGraphError(first, 100).message).toMatch(/must be acknowledged/);
    expect(first.headers['x-fb-trace-id']).toBe(first.body.error.fbtrace_id);
    await t.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: newKey() });
    const again = await t.graph.post(`/${order.id}/shipments`, request, { encoding: 'form' });
    expect(again.status).toBe(400);
    expect(again.body).toEqual(first.body);
    expect(await effectsOf(order.id, 'shipment')).toHaveLength(0);
    const ledger = await t.admin.getLedger();
    expect(ledger.replays.byEndpoint['POST shipments']).toBe(1);
    expect(ledger.errors.byCode['100']).toBe(2);
    // A new key is a new request.
    expect((await t.graph.post(`/${order.id}/shipments`, { ...request, idempotency_key: newKey() })).status).toBe(200);
  });

  it('refuses a corrected request under the key of a refused one as a conflict', async () => {
    const order = await t.admin.createOrder({ items: [{ retailerId: 'SKU-A', quantity: 2, pricePerUnit: '10.00' }] });
    await t.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: newKey() });
    const key = newKey();
    const tooMany = { idempotency_key: key, tracking_info: TRACKING, items: [{ retailer_id: 'SKU-A', quantity: 3 }] };
    expect(expectGraphError(await t.graph.post(`/${order.id}/shipments`, tooMany), 100).message).toMatch(/only 2 unit/);
    const corrected = { ...tooMany, items: [{ retailer_id: 'SKU-A', quantity: 2 }] };
    const conflict = expectGraphError(await t.graph.post(`/${order.id}/shipments`, corrected), 100, 2388049);
    expect(conflict.message).toMatch(/already used for a different request/);
    expect(await effectsOf(order.id, 'shipment')).toHaveLength(0);
    expect((await t.admin.getLedger()).rejectedDuplicates.byEndpoint['POST shipments']).toBe(1);
    expect((await t.graph.post(`/${order.id}/shipments`, { ...corrected, idempotency_key: newKey() })).status).toBe(
      200,
    );
  });

  it('stores validation refusals as sent: the same body replays, a fixed one conflicts', async () => {
    const order = await t.admin.createOrder();
    const key = newKey();
    const path = `/${order.id}/acknowledge_order`;
    const invalid = await t.graph.post(path, { idempotency_key: key, merchant_order_reference: '' });
    expectGraphError(invalid, 100);
    const replay = await t.graph.post(
      path,
      { idempotency_key: key, merchant_order_reference: '' },
      { encoding: 'form' },
    );
    expect(replay.body).toEqual(invalid.body);
    expectGraphError(await t.graph.post(path, { idempotency_key: key, merchant_order_reference: 'R-1' }), 100, 2388049);
    // An unknown parameter is a validation refusal too; the refusal belongs to its endpoint and object.
    const bulkKey = newKey();
    const unknown = await t.graph.post(`/${t.cmsId}/acknowledge_orders`, { idempotency_key: bulkKey, order: [] });
    expectGraphError(unknown, 100);
    expectGraphError(await t.graph.post(path, { idempotency_key: bulkKey }), 100, 2388049);
    expect((await t.admin.getOrder(order.id)).state).toBe('CREATED');
    expect((await t.admin.getLedger()).replays.total).toBe(1);
  });

  it('keeps no key for refusals that say nothing about the request (disconnected account, token, faults)', async () => {
    await t.admin.setConnected(false);
    const early = await t.admin.createOrder();
    const bulkKey = newKey();
    const bulk = `/${t.cmsId}/acknowledge_orders`;
    expectGraphError(await t.graph.post(bulk, { idempotency_key: bulkKey, orders: [{ id: early.id }] }), 200);
    await t.admin.setConnected(true);
    const order = await t.admin.createOrder();
    expect((await t.graph.post(bulk, { idempotency_key: bulkKey, orders: [{ id: order.id }] })).status).toBe(200);
    const other = await t.admin.createOrder();
    const key = newKey();
    const path = `/${other.id}/acknowledge_order`;
    expectGraphError(await t.graph.post(path, { idempotency_key: key }, { token: 'wrong-token' }), 190);
    await t.admin.addFaultRule({ endpoint: 'acknowledge_order', fault: 'server_error', times: 1 });
    expect((await t.graph.post(path, { idempotency_key: key })).status).toBeGreaterThanOrEqual(500);
    expect((await t.graph.post(path, { idempotency_key: key })).status).toBe(200);
    expect((await t.admin.getSettings()).idempotencyKeys).toBe(2);
    expect((await t.admin.getLedger()).rejectedDuplicates.total).toBe(0);
  });
});

describe('lost responses and timeouts', () => {
  it('lost response: the effect is applied, the client sees a reset, the retry with the same key replays', async () => {
    const order = await t.admin.createOrder();
    await t.admin.addFaultRule({ endpoint: 'acknowledge_order', fault: 'lost_response', times: 1 });
    const key = newKey();
    await expect(
      t.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: key, merchant_order_reference: 'L-1' }),
    ).rejects.toThrow();
    expect((await t.admin.getOrder(order.id)).state).toBe('IN_PROGRESS');
    const retry = await t.graph.post(`/${order.id}/acknowledge_order`, {
      idempotency_key: key,
      merchant_order_reference: 'L-1',
    });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ success: true });
    const ledger = await t.admin.getLedger();
    expect(ledger.orders[order.id]!.filter((e) => e.kind === 'acknowledge')).toHaveLength(1);
    expect(ledger.replays.byEndpoint['POST acknowledge_order']).toBe(1);
    expect(ledger.faultsInjected.byKind.lost_response).toBe(1);
    expect(ledger.calls.byEndpoint['POST acknowledge_order']).toBe(2);
    // A client that retried with a new key would be told the order is no longer CREATED.
    expectGraphError(
      await t.graph.post(`/${order.id}/acknowledge_order`, {
        idempotency_key: newKey(),
        merchant_order_reference: 'L-1',
      }),
      100,
    );
  });

  it('lost response on shipments: one shipment after the retry', async () => {
    const order = await acknowledged();
    await t.admin.addFaultRule({ endpoint: 'shipments', fault: 'lost_response', objectId: order.id });
    // A GET of the shipments edge is not a write: the rule leaves it alone.
    expect((await t.graph.get(`/${order.id}/shipments`)).status).toBe(200);
    const request = {
      idempotency_key: newKey(),
      tracking_info: TRACKING,
      items: [{ retailer_id: 'SKU-A', quantity: 2 }],
    };
    await expect(t.graph.post(`/${order.id}/shipments`, request)).rejects.toThrow();
    expect((await t.graph.post(`/${order.id}/shipments`, request)).status).toBe(200);
    expect(await effectsOf(order.id, 'shipment')).toHaveLength(1);
    expect((await t.graph.get(`/${order.id}`)).body.order_status.state).toBe('COMPLETED');
  });

  it('lost response on bulk acknowledgement, then retry', async () => {
    const orders = await t.admin.createOrders({ count: 2 });
    await t.admin.addFaultRule({ endpoint: 'acknowledge_orders', fault: 'lost_response' });
    const body = { idempotency_key: newKey(), orders: orders.map((o) => ({ id: o.id })) };
    await expect(t.graph.post(`/${t.cmsId}/acknowledge_orders`, body)).rejects.toThrow();
    const retry = await t.graph.post(`/${t.cmsId}/acknowledge_orders`, body);
    expect(retry.body.orders).toEqual(orders.map((o) => ({ id: o.id, state: 'IN_PROGRESS' })));
    expect((await t.admin.getLedger()).effects.filter((e) => e.kind === 'acknowledge')).toHaveLength(2);
  });

  it('timeout: the call hangs past the client timeout without effect; with afterEffect it is applied', async () => {
    const order = await t.admin.createOrder();
    await t.admin.addFaultRule({ endpoint: 'acknowledge_order', fault: 'timeout' });
    const key = newKey();
    await expect(
      t.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: key }, { headersTimeout: 300 }),
    ).rejects.toThrow();
    expect((await t.admin.getOrder(order.id)).state).toBe('CREATED');
    expect((await t.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: key })).status).toBe(200);
    expect((await t.admin.getLedger()).replays.total).toBe(0);

    const second = await t.admin.createOrder();
    await t.admin.addFaultRule({ endpoint: 'acknowledge_order', fault: 'timeout', afterEffect: true });
    const key2 = newKey();
    await expect(
      t.graph.post(`/${second.id}/acknowledge_order`, { idempotency_key: key2 }, { headersTimeout: 300 }),
    ).rejects.toThrow();
    expect((await t.admin.getOrder(second.id)).state).toBe('IN_PROGRESS');
    expect((await t.graph.post(`/${second.id}/acknowledge_order`, { idempotency_key: key2 })).status).toBe(200);
    const ledger = await t.admin.getLedger();
    expect(ledger.replays.total).toBe(1);
    expect(ledger.faultsInjected.byKind.timeout).toBe(2);
    expect(ledger.effects.filter((e) => e.kind === 'acknowledge')).toHaveLength(2);
  });
});
