/**
 * Where the sandbox used to differ from Meta's documented behaviour (found by driving it with
 * Meta's own Node.js SDK and by black-box probes). Each test here failed on the old behaviour:
 * more lenient than Meta (refusals not replayed, DELETE without a key, `no_shipments` dropping
 * partly shipped orders, whole-order cancellation of a partly shipped order) or stricter than
 * Meta (Graph's generic parameters, paging links without the caller's token, a long request line
 * answered without the error envelope, the node's own `id` that Meta's SDK sends with writes).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SandboxAdminClient, startSandbox } from '../../../sandbox/index.js';
import {
  expectGraphError,
  GraphCaller,
  newKey,
  startTestSandbox,
  TRACKING,
  VERSION,
  type Json,
  type TestSandbox,
} from './helpers.js';

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

/** IN_PROGRESS, SKU-A x2 and SKU-B x1, with one SKU-A shipped. */
async function partlyShipped() {
  const order = await t.admin.createOrder({
    items: [
      { retailerId: 'SKU-A', quantity: 2, pricePerUnit: '10.00' },
      { retailerId: 'SKU-B', quantity: 1, pricePerUnit: '4.00' },
    ],
  });
  expect((await post(`/${order.id}/acknowledge_order`)).status).toBe(200);
  const shipped = await post(`/${order.id}/shipments`, {
    tracking_info: TRACKING,
    items: [{ retailer_id: 'SKU-A', quantity: 1 }],
  });
  expect(shipped.status).toBe(200);
  return order;
}

describe('idempotency: a key is bound to its first answer, refusals included', () => {
  it('replays a refusal to the identical request, even with its cause gone, on a sandbox with no options', async () => {
    const plain = await startSandbox({ port: 0, releaseDelayMs: 0 });
    try {
      const admin = new SandboxAdminClient(plain.url);
      const graph = new GraphCaller(plain.url, plain.options.accessToken);
      const order = await admin.createOrder();
      const request = { idempotency_key: newKey(), tracking_info: TRACKING };
      const refused = await graph.post(`/${order.id}/shipments`, request);
      expect(expectGraphError(refused, 100).message).toMatch(/must be acknowledged/);
      await graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: newKey() });
      // Before: only successes were stored by default, and this retry shipped the order.
      const again = await graph.post(`/${order.id}/shipments`, request);
      expect(again.status).toBe(400);
      expect(again.body).toEqual(refused.body);
      expect((await admin.getOrder(order.id)).shipments).toBe(0);
      // A corrected request under the refused key is a different request: refused, as Meta does.
      const corrected = await graph.post(`/${order.id}/shipments`, { ...request, external_shipment_id: 'box_1' });
      expect(expectGraphError(corrected, 100, 2388049).message).toMatch(/already used for a different request/);
      const ledger = await admin.getLedger();
      expect(ledger.replays.byEndpoint['POST shipments']).toBe(1);
      expect(ledger.rejectedDuplicates.byEndpoint['POST shipments']).toBe(1);
      // One implementation: there is no switch back to the lenient mode.
      await expect(startSandbox({ port: 0, strictIdempotency: false } as never)).rejects.toThrow(/strictIdempotency/);
    } finally {
      await plain.close();
    }
  });

  it('DELETE /{cms-id}/order_management_apps needs a key and honours it', async () => {
    const path = `/${t.cmsId}/order_management_apps`;
    // Before: the key was ignored and a DELETE without one disconnected the account.
    expect(expectGraphError(await t.graph.delete(path), 100).message).toMatch(/idempotency_key/);
    expect((await t.admin.getSettings()).connected).toBe(true);

    const key = newKey();
    const first = await t.graph.delete(path, { idempotency_key: key });
    expect(first.body).toEqual({ success: true });
    await t.admin.setConnected(true);
    // The same request again is a replay: no second effect, so the account stays connected.
    expect((await t.graph.delete(path, { idempotency_key: key })).body).toEqual({ success: true });
    expect((await t.admin.getSettings()).connected).toBe(true);
    // Connecting under the disconnect's key is another request.
    expectGraphError(await t.graph.post(path, { idempotency_key: key }), 100, 2388049);

    const ledger = await t.admin.getLedger();
    const disconnects = ledger.effects.filter((e) => e.kind === 'disconnect' && e.origin === 'api');
    expect(disconnects).toEqual([
      expect.objectContaining({ endpoint: 'DELETE order_management_apps', idempotencyKey: key, request: {} }),
    ]);
    expect(ledger.replays.byEndpoint['DELETE order_management_apps']).toBe(1);
  });
});

describe('order rules', () => {
  it('filters=no_shipments keeps an order with line items not shipped yet', async () => {
    const partly = await partlyShipped();
    const untouched = await t.admin.createOrder();
    await post(`/${untouched.id}/acknowledge_order`);
    const whole = await t.admin.createOrder();
    await post(`/${whole.id}/acknowledge_order`);
    await post(`/${whole.id}/shipments`, { tracking_info: TRACKING });
    const listed = async (filters: string) =>
      (await t.graph.get(`/${t.cmsId}/commerce_orders`, { state: 'IN_PROGRESS,COMPLETED', filters })).body.data
        .map((o: Json) => o.id)
        .sort();
    // Before: only orders without any shipment matched, so the partly shipped one was dropped.
    expect(await listed('no_shipments')).toEqual([partly.id, untouched.id].sort());
    expect(await listed('has_fulfillments')).toEqual([partly.id, whole.id].sort());
  });

  it('refuses a whole-order cancellation of a partly shipped order (shipped orders are refunded)', async () => {
    const order = await partlyShipped();
    const refused = await post(`/${order.id}/cancellations`, { cancel_reason: { reason_code: 'CUSTOMER_REQUESTED' } });
    expect(expectGraphError(refused, 100, 1818050).message).toMatch(/partly shipped/);
    expect(await t.admin.getOrder(order.id)).toMatchObject({ state: 'IN_PROGRESS', cancellations: 0 });
    // Its unshipped units can still be cancelled by name.
    const named = await post(`/${order.id}/cancellations`, {
      items: [
        { retailer_id: 'SKU-A', quantity: 1 },
        { retailer_id: 'SKU-B', quantity: 1 },
      ],
    });
    expect(named.status).toBe(200);
    expect((await t.admin.getOrder(order.id)).state).toBe('COMPLETED');
  });
});

describe("Graph's generic parameters", () => {
  it('accepts pretty, suppress_http_code, method, debug, _ and summary on reads and writes', async () => {
    const order = await t.admin.createOrder();
    const generic = { pretty: 0, suppress_http_code: 0, debug: 'all', _: 1733480000000, summary: 'true' };
    expect((await t.graph.get(`/${t.cmsId}/commerce_orders`, generic)).status).toBe(200);
    expect((await t.graph.get(`/${order.id}`, generic)).status).toBe(200);
    expect((await t.graph.get(`/${order.id}/items`, generic)).status).toBe(200);
    const ack = await post(`/${order.id}/acknowledge_order`, { ...generic, method: 'post' });
    expect(ack.body).toEqual({ success: true });
    // They are not part of the request: the same key without them is a replay, not a conflict.
    expect((await t.admin.getLedger()).effects.filter((e) => e.kind === 'acknowledge')).toEqual([
      expect.objectContaining({ request: {} }),
    ]);
  });

  it('summary=true answers summary.total_count: every match, on every page', async () => {
    await t.admin.createOrders({ count: 7 });
    const first = await t.graph.get(`/${t.cmsId}/commerce_orders`, { limit: 3, summary: 'true' });
    expect(first.body.summary).toEqual({ total_count: 7 });
    const second = await t.graph.follow(first.body.paging.next);
    expect(second.body.data).toHaveLength(3);
    expect(second.body.summary).toEqual({ total_count: 7 });
    const none = await t.graph.get(`/${t.cmsId}/commerce_orders`, { state: 'COMPLETED', summary: 'total_count' });
    expect(none.body).toEqual({ data: [], summary: { total_count: 0 } });
    const plain = await t.graph.get(`/${t.cmsId}/commerce_orders`, { limit: 3, summary: 'false' });
    expect(plain.body.summary).toBeUndefined();
    expectGraphError(await t.graph.get(`/${t.cmsId}/commerce_orders`, { summary: 'likes' }), 100);
    // Judged after the token, like any parameter; suppress_http_code still applies to the refusal.
    const wrongToken = await t.graph.get(`/${t.cmsId}/commerce_orders`, { summary: 'likes' }, { token: 'nope' });
    expect(wrongToken.body.error.code).toBe(190);
    const suppressed = await t.graph.get(`/${t.cmsId}/commerce_orders`, { summary: 'likes', suppress_http_code: 1 });
    expect(suppressed.status).toBe(200);
    expect(suppressed.body.error.code).toBe(100);

    const order = await partlyShipped();
    const shipments = await t.graph.get(`/${order.id}/shipments`, { summary: 1 });
    expect(shipments.body.summary).toEqual({ total_count: 1 });
    expect((await t.graph.get(`/${order.id}/items`, { summary: 'true', limit: 1 })).body.summary).toEqual({
      total_count: 2,
    });
  });

  it('method= overrides the HTTP method: a read sent as a POST body, a disconnect sent as a POST', async () => {
    await t.admin.createOrders({ count: 2 });
    const read = await t.graph.post(`/${t.cmsId}/commerce_orders`, { method: 'GET', fields: 'id,channel', limit: 1 });
    expect(read.status).toBe(200);
    expect(Object.keys(read.body.data[0]).sort()).toEqual(['channel', 'id']);
    expect(new URL(read.body.paging.next as string).searchParams.get('fields')).toBe('id,channel');
    const disconnect = await post(`/${t.cmsId}/order_management_apps`, { method: 'delete' });
    expect(disconnect.body).toEqual({ success: true });
    expect((await t.admin.getSettings()).connected).toBe(false);
    expect((await t.admin.getLedger()).calls.byEndpoint['DELETE order_management_apps']).toBe(1);
    expectGraphError(await t.graph.get(`/${t.cmsId}/commerce_orders`, { method: 'patch' }), 100);
  });

  it('pretty=1 indents the answer', async () => {
    const response = await t.graph.raw('GET', `/${VERSION}/${t.cmsId}/commerce_orders?pretty=1`, {
      authorization: `Bearer ${t.graph.token}`,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: [] });
    const text = await (
      await fetch(`${t.sandbox.url}/${VERSION}/${t.cmsId}/commerce_orders?pretty=1&summary=true`, {
        headers: { authorization: `Bearer ${t.graph.token}` },
      })
    ).text();
    expect(text).toBe(JSON.stringify({ data: [], summary: { total_count: 0 } }, null, 2));
  });
});

describe('answers shaped like Meta', () => {
  it("paging.next carries the caller's access_token, also when it came as a Bearer header", async () => {
    await t.admin.createOrders({ count: 3 });
    const page = await t.graph.get(`/${t.cmsId}/commerce_orders`, { limit: 1 });
    const next = new URL(page.body.paging.next as string);
    expect(next.searchParams.get('access_token')).toBe(t.graph.token);
    // Followed without any header, as Meta's SDK follows it.
    const followed = await t.graph.follow(next.toString(), { token: null });
    expect(followed.status).toBe(200);
    expect(followed.body.data).toHaveLength(1);
  });

  it("answers a request line over 16 KB with Graph's error envelope", async () => {
    const long = `/${VERSION}/${t.cmsId}/commerce_orders?fields=${'id,'.repeat(6_000)}id`;
    const response = await t.graph.raw('GET', long, { authorization: `Bearer ${t.graph.token}` });
    expect(response.status).toBe(414);
    expect(expectGraphError(response, 100).message).toMatch(/POST body/);
    const huge = `/${VERSION}/${t.cmsId}/commerce_orders?fields=${'id,'.repeat(30_000)}id`;
    const tooHuge = await t.graph.raw('GET', huge, { authorization: `Bearer ${t.graph.token}` });
    expect(tooHuge.status).toBe(431);
    expectGraphError(tooHuge, 100);
    // The same read fits in a POST body.
    const asBody = await t.graph.post(`/${t.cmsId}/commerce_orders`, {
      method: 'GET',
      fields: 'id,'.repeat(6_000) + 'id',
    });
    expect(asBody.status).toBe(200);
  });

  it("accepts the node's own id among a write's parameters, as Meta's Node SDK sends it", async () => {
    const order = await t.admin.createOrder();
    expectGraphError(await post(`/${order.id}/acknowledge_order`, { id: '123' }), 100);
    expect((await post(`/${order.id}/acknowledge_order`, { id: order.id })).body).toEqual({ success: true });
  });
});
