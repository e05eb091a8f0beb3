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

const post = (path: string, body: Record<string, unknown> = {}) =>
  t.graph.post(path, { idempotency_key: newKey(), ...body });
const state = async (id: string): Promise<string> =>
  (await t.graph.get(`/${id}`, { fields: 'order_status' })).body.order_status.state;

/** An acknowledged order with two lines: SKU-A x3 at 10.00, SKU-B x1 at 4.00; shipping 5.00. */
async function inProgressOrder(reference?: string) {
  const order = await t.admin.createOrder({
    items: [
      { retailerId: 'SKU-A', quantity: 3, pricePerUnit: '10.00' },
      { retailerId: 'SKU-B', quantity: 1, pricePerUnit: '4.00' },
    ],
    shipping: { price: '5.00' },
    taxRate: 0,
  });
  const ack = await post(`/${order.id}/acknowledge_order`, reference ? { merchant_order_reference: reference } : {});
  expect(ack.status).toBe(200);
  return order;
}

describe('acknowledgement', () => {
  it('moves CREATED to IN_PROGRESS and answers { success: true }', async () => {
    const order = await t.admin.createOrder();
    const response = await post(`/${order.id}/acknowledge_order`, { merchant_order_reference: 'OMS-1' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ success: true });
    expect(await state(order.id)).toBe('IN_PROGRESS');
    const again = await post(`/${order.id}/acknowledge_order`);
    expect(expectGraphError(again, 100).message).toMatch(/IN_PROGRESS/);
  });

  it('refuses FB_PROCESSING orders and a disconnected account', async () => {
    const processing = await t.admin.createOrder({ releaseDelayMs: 60_000 });
    expect(expectGraphError(await post(`/${processing.id}/acknowledge_order`), 100).message).toMatch(/FB_PROCESSING/);
    const order = await t.admin.createOrder();
    await t.graph.get(`/${order.id}`); // released (CREATED)
    const disconnect = await t.graph.delete(`/${t.cmsId}/order_management_apps`, { idempotency_key: newKey() });
    expect(disconnect.body).toEqual({ success: true });
    expect(await state(order.id)).toBe('IN_PROGRESS'); // Commerce Manager took it over
    const other = await t.admin.createOrder();
    expectGraphError(await post(`/${other.id}/acknowledge_order`), 200);
    expectGraphError(await post(`/${t.cmsId}/acknowledge_orders`, { orders: [{ id: other.id }] }), 200);
    expect((await post(`/${t.cmsId}/order_management_apps`)).body).toEqual({ success: true });
    const fresh = await t.admin.createOrder();
    expect(await state(fresh.id)).toBe('CREATED');
  });

  it('bulk-acknowledges up to 100 orders with a result per order', async () => {
    const orders = await t.admin.createOrders({ count: 3 });
    const processing = await t.admin.createOrder({ releaseDelayMs: 60_000 });
    await post(`/${orders[2]!.id}/acknowledge_order`);
    const response = await post(`/${t.cmsId}/acknowledge_orders`, {
      orders: [
        { id: orders[0]!.id, merchant_order_reference: 'R-0' },
        { id: orders[1]!.id },
        { id: orders[2]!.id },
        { id: processing.id },
        { id: '999999999' },
      ],
    });
    expect(response.status).toBe(200);
    const results = response.body.orders;
    expect(results[0]).toEqual({ id: orders[0]!.id, state: 'IN_PROGRESS' });
    expect(results[1]).toEqual({ id: orders[1]!.id, state: 'IN_PROGRESS' });
    expect(results[2]).toMatchObject({ id: orders[2]!.id, state: 'IN_PROGRESS', error: { code: 100 } });
    expect(results[3]).toMatchObject({ id: processing.id, state: 'FB_PROCESSING', error: { code: 100 } });
    expect(results[4]).toMatchObject({ id: '999999999', error: { code: 100, error_subcode: 33 } });
    expect((await t.graph.get(`/${orders[0]!.id}`, { fields: 'merchant_order_id' })).body.merchant_order_id).toBe(
      'R-0',
    );
    const ledger = await t.admin.getLedger();
    expect(
      ledger.effects.filter((e) => e.kind === 'acknowledge' && e.endpoint === 'POST acknowledge_orders'),
    ).toHaveLength(2);

    const tooMany = Array.from({ length: 101 }, (_, i) => ({ id: String(1000 + i) }));
    expectGraphError(await post(`/${t.cmsId}/acknowledge_orders`, { orders: tooMany }), 100);
    expectGraphError(await post(`/${t.cmsId}/acknowledge_orders`, { orders: [] }), 100);
    expectGraphError(
      await post(`/${t.cmsId}/acknowledge_orders`, { orders: [{ id: orders[0]!.id }, { id: orders[0]!.id }] }),
      100,
    );
  });
});

describe('shipments', () => {
  it('ships partially, then the rest, and completes the order', async () => {
    const order = await inProgressOrder();
    const first = await post(`/${order.id}/shipments`, {
      tracking_info: TRACKING,
      items: [{ retailer_id: 'SKU-A', quantity: 2 }],
    });
    expect(first.body).toEqual({ success: true });
    expect(await state(order.id)).toBe('IN_PROGRESS');
    const rest = await post(`/${order.id}/shipments`, { tracking_info: { carrier: 'FEDEX', tracking_number: '7777' } });
    expect(rest.status).toBe(200);
    expect(await state(order.id)).toBe('COMPLETED');
    const items = (await t.graph.get(`/${order.id}/items`, { fields: 'status' })).body.data.map((i: Json) => i.status);
    expect(items).toEqual([
      { in_progress: 0, fulfilled: 3, cancelled: 0 },
      { in_progress: 0, fulfilled: 1, cancelled: 0 },
    ]);
    expectGraphError(await post(`/${order.id}/shipments`, { tracking_info: TRACKING }), 100, 1818214);
  });

  it('checks state, carrier, quantities, item ids and external ids', async () => {
    const created = await t.admin.createOrder();
    expect(expectGraphError(await post(`/${created.id}/shipments`, { tracking_info: TRACKING }), 100).message).toMatch(
      /acknowledged/,
    );
    const order = await inProgressOrder();
    expectGraphError(
      await post(`/${order.id}/shipments`, { tracking_info: { carrier: 'PONY_EXPRESS', tracking_number: '1' } }),
      100,
    );
    expectGraphError(
      await post(`/${order.id}/shipments`, { tracking_info: TRACKING, items: [{ retailer_id: 'SKU-A', quantity: 4 }] }),
      100,
    );
    expectGraphError(
      await post(`/${order.id}/shipments`, {
        tracking_info: TRACKING,
        items: [
          { retailer_id: 'SKU-A', quantity: 2 },
          { retailer_id: 'SKU-A', quantity: 2 },
        ],
      }),
      100,
    );
    expectGraphError(
      await post(`/${order.id}/shipments`, { tracking_info: TRACKING, items: [{ retailer_id: 'NOPE', quantity: 1 }] }),
      100,
    );
    expectGraphError(await post(`/${order.id}/shipments`, { tracking_info: TRACKING, items: [{ quantity: 1 }] }), 100);
    expectGraphError(
      await post(`/${order.id}/shipments`, { tracking_info: TRACKING, external_shipment_id: 'has-hyphen' }),
      100,
    );
    const byItemId = await post(`/${order.id}/shipments`, {
      tracking_info: TRACKING,
      items: [{ item_id: order.items[1]!.id, quantity: 1 }],
      external_shipment_id: 'box_1',
    });
    expect(byItemId.status).toBe(200);
    expectGraphError(
      await post(`/${order.id}/shipments`, { tracking_info: TRACKING, items: [{ retailer_id: 'SKU-B', quantity: 1 }] }),
      100,
      1818215,
    );
    expectGraphError(
      await post(`/${order.id}/shipments`, {
        tracking_info: TRACKING,
        items: [{ retailer_id: 'SKU-A', quantity: 1 }],
        external_shipment_id: 'box_1',
      }),
      100,
    );
    const ledger = await t.admin.getLedger(order.id);
    expect(ledger.effects.filter((e) => e.kind === 'shipment')).toHaveLength(1);
  });

  it('keeps merchant_order_reference immutable: set at ship if absent, a different one is an error', async () => {
    const order = await inProgressOrder();
    expect(
      (
        await post(`/${order.id}/shipments`, {
          tracking_info: TRACKING,
          items: [{ retailer_id: 'SKU-A', quantity: 1 }],
          merchant_order_reference: 'OMS-9',
        })
      ).status,
    ).toBe(200);
    expect((await t.graph.get(`/${order.id}`, { fields: 'merchant_order_id' })).body.merchant_order_id).toBe('OMS-9');
    expect(
      (
        await post(`/${order.id}/shipments`, {
          tracking_info: TRACKING,
          items: [{ retailer_id: 'SKU-A', quantity: 1 }],
          merchant_order_reference: 'OMS-9',
        })
      ).status,
    ).toBe(200);
    const other = await post(`/${order.id}/shipments`, {
      tracking_info: TRACKING,
      items: [{ retailer_id: 'SKU-A', quantity: 1 }],
      merchant_order_reference: 'OMS-10',
    });
    expect(expectGraphError(other, 100).message).toMatch(/immutable/);
  });

  it('updates tracking by shipment id, fulfillment id or external id', async () => {
    const order = await inProgressOrder();
    await post(`/${order.id}/shipments`, {
      tracking_info: TRACKING,
      items: [{ retailer_id: 'SKU-A', quantity: 1 }],
      external_shipment_id: 'ext_1',
    });
    const shipmentId = (await t.graph.get(`/${order.id}/shipments`)).body.data[0].id;
    const before = (await t.graph.get(`/${order.id}`, { fields: 'last_updated' })).body.last_updated;
    await t.admin.advanceClock(5_000);
    expect(
      (
        await post(`/${order.id}/update_shipment`, {
          shipment_id: shipmentId,
          tracking_info: { carrier: 'DHL', tracking_number: 'D1' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await post(`/${order.id}/update_shipment`, {
          fulfillment_id: shipmentId,
          tracking_info: { carrier: 'DHL', tracking_number: 'D2' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await post(`/${order.id}/update_shipment`, {
          external_shipment_id: 'ext_1',
          tracking_info: { carrier: 'USPS', tracking_number: 'U3' },
        })
      ).status,
    ).toBe(200);
    const shipment = (await t.graph.get(`/${order.id}/shipments`)).body.data[0];
    expect(shipment.tracking_info).toMatchObject({ carrier: 'USPS', tracking_number: 'U3' });
    expect((await t.graph.get(`/${order.id}`, { fields: 'last_updated' })).body.last_updated > before).toBe(true);
    expectGraphError(
      await post(`/${order.id}/update_shipment`, { shipment_id: '12345', tracking_info: TRACKING }),
      100,
    );
    expectGraphError(await post(`/${order.id}/update_shipment`, { tracking_info: TRACKING }), 100);
    expectGraphError(
      await post(`/${order.id}/update_shipment`, {
        shipment_id: shipmentId,
        tracking_info: { carrier: 'BOGUS', tracking_number: 'x' },
      }),
      100,
    );
    expect((await t.admin.getLedger(order.id)).effects.filter((e) => e.kind === 'shipment_update')).toHaveLength(3);
  });
});

describe('cancellations', () => {
  it('cancels unshipped units only, partially then fully, ending COMPLETED', async () => {
    const order = await inProgressOrder();
    await post(`/${order.id}/shipments`, { tracking_info: TRACKING, items: [{ retailer_id: 'SKU-B', quantity: 1 }] });
    expectGraphError(
      await post(`/${order.id}/cancellations`, { items: [{ retailer_id: 'SKU-B', quantity: 1 }] }),
      100,
      1818050,
    );
    expectGraphError(await post(`/${order.id}/cancellations`, { items: [{ retailer_id: 'SKU-A', quantity: 4 }] }), 100);
    expectGraphError(await post(`/${order.id}/cancellations`, { cancel_reason: { reason_code: 'BORED' } }), 100);
    const partial = await post(`/${order.id}/cancellations`, {
      cancel_reason: { reason_code: 'OUT_OF_STOCK', reason_description: 'Sold out' },
      items: [{ retailer_id: 'SKU-A', quantity: 1 }],
    });
    expect(partial.body).toEqual({ success: true });
    expect(await state(order.id)).toBe('IN_PROGRESS');
    // Partly shipped: the whole order cannot be cancelled any more, only its unshipped units by name.
    expectGraphError(
      await post(`/${order.id}/cancellations`, { cancel_reason: { reason_code: 'CUSTOMER_REQUESTED' } }),
      100,
      1818050,
    );
    expect(
      (
        await post(`/${order.id}/cancellations`, {
          cancel_reason: { reason_code: 'CUSTOMER_REQUESTED' },
          items: [{ retailer_id: 'SKU-A', quantity: 2 }],
        })
      ).status,
    ).toBe(200);
    expect(await state(order.id)).toBe('COMPLETED');
    const status = (await t.graph.get(`/${order.id}/items`, { fields: 'status' })).body.data.map((i: Json) => i.status);
    expect(status).toEqual([
      { in_progress: 0, fulfilled: 0, cancelled: 3 },
      { in_progress: 0, fulfilled: 1, cancelled: 0 },
    ]);
    expectGraphError(await post(`/${order.id}/cancellations`), 100, 1818214);
  });

  it('uses the already-cancelled subcodes, and 1818111 for shipping a cancelled order', async () => {
    const order = await inProgressOrder();
    expect((await post(`/${order.id}/cancellations`, { items: [{ retailer_id: 'SKU-B', quantity: 1 }] })).status).toBe(
      200,
    );
    expectGraphError(
      await post(`/${order.id}/cancellations`, { items: [{ retailer_id: 'SKU-B', quantity: 1 }] }),
      100,
      1818049,
    );
    expect((await post(`/${order.id}/cancellations`)).status).toBe(200);
    expectGraphError(await post(`/${order.id}/cancellations`), 100, 1818048);
    expectGraphError(await post(`/${order.id}/shipments`, { tracking_info: TRACKING }), 100, 1818111);
    expectGraphError(await post(`/${order.id}/refunds`, { reason_code: 'WRONG_ITEM' }), 100, 1818105);
  });

  it('refuses CREATED orders, and FB_PROCESSING orders unless stuck for more than 24 hours', async () => {
    const created = await t.admin.createOrder();
    expect(expectGraphError(await post(`/${created.id}/cancellations`), 100).message).toMatch(/acknowledged/);
    const stuck = await t.admin.createOrder({ holdForReview: true, items: [{ retailerId: 'SKU-S', quantity: 2 }] });
    expect(expectGraphError(await post(`/${stuck.id}/cancellations`), 100).message).toMatch(/24 hours/);
    await t.admin.advanceClock(24 * 3_600_000 + 1_000);
    expectGraphError(await post(`/${stuck.id}/cancellations`, { items: [{ retailer_id: 'SKU-S', quantity: 1 }] }), 100);
    expect(
      (await post(`/${stuck.id}/cancellations`, { cancel_reason: { reason_code: 'SUSPICIOUS_ORDER' } })).status,
    ).toBe(200);
    expect(await state(stuck.id)).toBe('COMPLETED');
    expect((await t.admin.release([stuck.id])).length).toBe(0);
  });
});

describe('refunds', () => {
  it('refunds shipped units by quantity and by amount, never above what was paid', async () => {
    const order = await inProgressOrder();
    expectGraphError(
      await post(`/${order.id}/refunds`, {
        reason_code: 'DAMAGED_GOODS',
        items: [{ retailer_id: 'SKU-A', item_refund_quantity: 1 }],
      }),
      100,
    );
    await post(`/${order.id}/shipments`, { tracking_info: TRACKING, items: [{ retailer_id: 'SKU-A', quantity: 2 }] });
    expectGraphError(
      await post(`/${order.id}/refunds`, {
        reason_code: 'DAMAGED_GOODS',
        items: [{ retailer_id: 'SKU-A', item_refund_quantity: 3 }],
      }),
      100,
    );
    expect(
      (
        await post(`/${order.id}/refunds`, {
          reason_code: 'DAMAGED_GOODS',
          items: [{ retailer_id: 'SKU-A', item_refund_quantity: 1 }],
        })
      ).status,
    ).toBe(200);
    expectGraphError(
      await post(`/${order.id}/refunds`, {
        reason_code: 'QUALITY_ISSUE',
        items: [{ retailer_id: 'SKU-A', item_refund_amount: { amount: '10.01', currency: 'USD' } }],
      }),
      100,
    );
    expect(
      (
        await post(`/${order.id}/refunds`, {
          reason_code: 'QUALITY_ISSUE',
          items: [{ retailer_id: 'SKU-A', item_refund_amount: { amount: '7.5', currency: 'USD' } }],
        })
      ).status,
    ).toBe(200);
    expectGraphError(
      await post(`/${order.id}/refunds`, {
        reason_code: 'QUALITY_ISSUE',
        items: [{ retailer_id: 'SKU-A', item_refund_amount: { amount: '1.00', currency: 'EUR' } }],
      }),
      100,
    );
    expectGraphError(
      await post(`/${order.id}/refunds`, {
        reason_code: 'QUALITY_ISSUE',
        items: [{ retailer_id: 'SKU-B', item_refund_quantity: 1 }],
      }),
      100,
    );
    expectGraphError(
      await post(`/${order.id}/refunds`, {
        reason_code: 'QUALITY_ISSUE',
        items: [{ retailer_id: 'SKU-Z', item_refund_quantity: 1 }],
      }),
      100,
      2382021,
    );
    expectGraphError(await post(`/${order.id}/refunds`, { reason_code: 'REFUND_SFI_FAKE' }), 100);
    expectGraphError(await post(`/${order.id}/refunds`, { reason_code: 'BECAUSE' }), 100);
    expectGraphError(
      await post(`/${order.id}/refunds`, {
        reason_code: 'WRONG_ITEM',
        shipping: { shipping_refund: { amount: '5.01', currency: 'USD' } },
      }),
      100,
    );
    expect(
      (
        await post(`/${order.id}/refunds`, {
          reason_code: 'WRONG_ITEM',
          shipping: { shipping_refund: { amount: '5.00', currency: 'USD' } },
        })
      ).status,
    ).toBe(200);

    // Full refund: what is left of the shipped units (20.00 - 10.00 - 7.50).
    const full = await post(`/${order.id}/refunds`, { reason_code: 'NOT_AS_DESCRIBED' });
    expect(full.status, JSON.stringify(full.body)).toBe(200);
    expectGraphError(await post(`/${order.id}/refunds`, { reason_code: 'NOT_AS_DESCRIBED' }), 100, 1818107);
    const refunds = (await t.graph.get(`/${order.id}/refunds`, { fields: 'total_refund_amount' })).body.data.map(
      (r: Json) => r.total_refund_amount.amount,
    );
    expect(refunds).toEqual(['10.00', '7.50', '5.00', '2.50']);
    const snapshot = await t.admin.getOrder(order.id);
    expect(snapshot.items[0]).toMatchObject({ shipped: 2, refundedAmount: { amount: '20.00', currency: 'USD' } });
    expect(await state(order.id)).toBe('IN_PROGRESS');
  });

  it('applies deductions and refuses ones larger than the refund', async () => {
    const order = await inProgressOrder();
    await post(`/${order.id}/shipments`, { tracking_info: TRACKING });
    expectGraphError(
      await post(`/${order.id}/refunds`, {
        reason_code: 'BUYERS_REMORSE',
        items: [{ retailer_id: 'SKU-B', item_refund_quantity: 1 }],
        deductions: [{ deduction_type: 'RETURN_SHIPPING', deduction_amount: { amount: '4.01', currency: 'USD' } }],
      }),
      100,
    );
    const ok = await post(`/${order.id}/refunds`, {
      reason_code: 'BUYERS_REMORSE',
      items: [{ retailer_id: 'SKU-B', item_refund_quantity: 1 }],
      deductions: [{ deduction_type: 'RETURN_SHIPPING', deduction_amount: { amount: '1.50', currency: 'USD' } }],
    });
    expect(ok.status).toBe(200);
    const [refund] = (await t.graph.get(`/${order.id}/refunds`)).body.data;
    expect(refund.total_refund_amount.amount).toBe('2.50');
    expect(await state(order.id)).toBe('COMPLETED');
  });
});

describe('every change bumps last_updated', () => {
  it('on ack, shipment, cancellation and refund', async () => {
    const order = await t.admin.createOrder({ items: [{ retailerId: 'SKU-A', quantity: 3 }] });
    const stamps: string[] = [(await t.graph.get(`/${order.id}`)).body.last_updated];
    const steps: [string, Record<string, unknown>][] = [
      ['acknowledge_order', {}],
      ['shipments', { tracking_info: TRACKING, items: [{ retailer_id: 'SKU-A', quantity: 1 }] }],
      ['cancellations', { items: [{ retailer_id: 'SKU-A', quantity: 1 }] }],
      ['refunds', { reason_code: 'WRONG_ITEM', items: [{ retailer_id: 'SKU-A', item_refund_quantity: 1 }] }],
    ];
    for (const [edge, body] of steps) {
      await t.admin.advanceClock(2_000);
      expect((await post(`/${order.id}/${edge}`, body)).status).toBe(200);
      stamps.push((await t.graph.get(`/${order.id}`)).body.last_updated);
    }
    for (let i = 1; i < stamps.length; i += 1) expect(stamps[i]! > stamps[i - 1]!).toBe(true);
  });
});

describe('Commerce Manager actions through the admin API', () => {
  it('ships and cancels IN_PROGRESS orders, recorded with their origin', async () => {
    const order = await inProgressOrder();
    await t.admin.shipExternally(order.id, {
      items: [{ retailerId: 'SKU-A', quantity: 1 }],
      carrier: 'USPS',
      trackingNumber: '9400',
    });
    // Partly shipped: Commerce Manager too cancels the rest by naming it.
    await expect(t.admin.cancelExternally(order.id, { restock: true })).rejects.toMatchObject({ status: 400 });
    const result = await t.admin.cancelExternally(order.id, {
      restock: true,
      items: [
        { retailerId: 'SKU-A', quantity: 2 },
        { retailerId: 'SKU-B', quantity: 1 },
      ],
    });
    expect(result.state).toBe('COMPLETED');
    const effects = (await t.admin.getLedger(order.id)).effects.filter((e) => e.origin === 'commerce_manager');
    expect(effects.map((e) => e.kind)).toEqual(['shipment', 'cancellation']);
    const created = await t.admin.createOrder();
    await expect(t.admin.shipExternally(created.id)).rejects.toMatchObject({ status: 400 });
    await expect(t.admin.buyerCancel(created.id)).rejects.toMatchObject({ status: 400 });
  });
});
