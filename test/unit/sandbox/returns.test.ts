/**
 * A buyer's return on the sandbox, as Meta's returns pages describe it: requested by the buyer,
 * accepted or closed by the seller through `POST /{return-id}/update_return` (or approved and
 * declined in Commerce Manager), and ended by a refund that names it. Every step bumps the order's
 * `last_updated` (so a poller sees it) and shows on the returns edge.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectGraphError, newKey, startTestSandbox, type Json, type TestSandbox } from './helpers.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox();
}, 60_000);
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await t.admin.reset();
});

const post = (path: string, body: Record<string, unknown> = {}) =>
  t.graph.post(path, { idempotency_key: newKey(), ...body });
const returnsOf = async (orderId: string): Promise<Json[]> =>
  (await t.graph.get(`/${orderId}/returns`, { fields: 'id,items,return_status,return_reason,merchant_return_id' })).body
    .data;
const lastUpdated = async (orderId: string): Promise<string> =>
  (await t.graph.get(`/${orderId}`, { fields: 'last_updated' })).body.last_updated;

/** Two SKU-A at 10.00 and one SKU-B at 4.00, acknowledged and shipped in full. */
async function shippedOrder() {
  const order = await t.admin.createOrder({
    items: [
      { retailerId: 'SKU-A', quantity: 2, pricePerUnit: '10.00' },
      { retailerId: 'SKU-B', quantity: 1, pricePerUnit: '4.00' },
    ],
    taxRate: 0,
  });
  expect((await post(`/${order.id}/acknowledge_order`)).status).toBe(200);
  await t.admin.shipExternally(order.id, { carrier: 'UPS', trackingNumber: '1Z' });
  return order;
}

describe('returns', () => {
  it('requested by the buyer, accepted by the seller, refunded against it: each step on the edge and in last_updated', async () => {
    const order = await shippedOrder();
    const requested = await t.admin.createReturn(order.id, {
      items: [{ retailerId: 'SKU-A', quantity: 1 }],
      reasonCode: 'DAMAGED_GOODS',
      reason: 'Arrived cracked',
    });
    const returnId = requested.objectId!;
    expect(await returnsOf(order.id)).toEqual([
      {
        id: returnId,
        items: { data: [expect.objectContaining({ retailer_id: 'SKU-A', quantity: 1 })] },
        return_status: 'REQUESTED',
        return_reason: 'DAMAGED_GOODS',
      },
    ]);

    await t.admin.advanceClock(2_000);
    const before = await lastUpdated(order.id);
    const accepted = await post(`/${returnId}/update_return`, {
      update_event: 'ACCEPT_RETURN',
      merchant_return_id: 'RMA-1',
    });
    expect(accepted.body).toEqual({ success: true });
    expect((await lastUpdated(order.id)) > before).toBe(true);
    expect(await returnsOf(order.id)).toMatchObject([{ return_status: 'APPROVED', merchant_return_id: 'RMA-1' }]);

    const refund = await post(`/${order.id}/refunds`, {
      reason_code: 'DAMAGED_GOODS',
      items: [{ retailer_id: 'SKU-A', item_refund_quantity: 1 }],
      return_id: returnId,
    });
    expect(refund.status).toBe(200);
    expect(await returnsOf(order.id)).toMatchObject([{ return_status: 'REFUNDED' }]);
    // Refunded once: a second refund against the same return is refused.
    const again = await post(`/${order.id}/refunds`, {
      reason_code: 'DAMAGED_GOODS',
      items: [{ retailer_id: 'SKU-A', item_refund_quantity: 1 }],
      return_id: returnId,
    });
    expect(expectGraphError(again, 100).message).toMatch(/REFUNDED/);
    const kinds = (await t.admin.getLedger()).orders[order.id]!.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'return' || k === 'return_update')).toEqual(['return', 'return_update']);
  });

  it('a seller can close a return without a refund; accepting it then is refused, and the key replays', async () => {
    const order = await shippedOrder();
    const returnId = (await t.admin.createReturn(order.id, { items: [{ retailerId: 'SKU-B', quantity: 1 }] }))
      .objectId!;
    const key = newKey();
    const close = () =>
      t.graph.post(`/${returnId}/update_return`, { idempotency_key: key, update_event: 'CLOSE_RETURN' });
    expect((await close()).body).toEqual({ success: true });
    expect((await close()).body).toEqual({ success: true });
    expect(await returnsOf(order.id)).toMatchObject([{ return_status: 'MERCHANT_MARKED_COMPLETED' }]);
    const accept = await post(`/${returnId}/update_return`, { update_event: 'ACCEPT_RETURN' });
    expect(expectGraphError(accept, 100).message).toMatch(/MERCHANT_MARKED_COMPLETED/);
    expect((await t.admin.getLedger()).orders[order.id]!.filter((e) => e.kind === 'return_update')).toHaveLength(1);
  });

  it('Commerce Manager declines a return: its units can be asked for again; an unknown event is refused', async () => {
    const order = await shippedOrder();
    const first = (await t.admin.createReturn(order.id, { items: [{ retailerId: 'SKU-A', quantity: 2 }] })).objectId!;
    await expect(t.admin.createReturn(order.id, { items: [{ retailerId: 'SKU-A', quantity: 1 }] })).rejects.toThrow(
      /only 0 shipped unit/,
    );
    await t.admin.answerReturn(first, 'decline');
    const second = await t.admin.createReturn(order.id, {
      items: [{ retailerId: 'SKU-A', quantity: 1 }],
      approved: true,
    });
    expect(await returnsOf(order.id)).toMatchObject([
      { id: first, return_status: 'DISAPPROVED' },
      { id: second.objectId, return_status: 'APPROVED' },
    ]);
    const bad = await post(`/${second.objectId}/update_return`, { update_event: 'REFUND_RETURN' });
    expectGraphError(bad, 100);
    // A return id is a node of its own: update_return on an order id is an unknown path.
    expect((await post(`/${order.id}/update_return`, { update_event: 'ACCEPT_RETURN' })).status).toBe(400);
  });
});
