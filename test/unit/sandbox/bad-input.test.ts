/**
 * Whatever arrives, the sandbox answers with Meta's error envelope and a 4xx, never a 500 or a
 * dropped connection: hand-picked nasty requests first, then a seeded fuzz over every endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectGraphError, newKey, startTestSandbox, type GraphResponse, type TestSandbox } from './helpers.js';

let t: TestSandbox;
let orderId: string;
let productId: string;
beforeAll(async () => {
  t = await startTestSandbox();
  const order = await t.admin.createOrder({ items: [{ retailerId: 'SKU-A', quantity: 2 }] });
  orderId = order.id;
  productId = order.items[0]!.productId;
  await t.graph.post(`/${orderId}/acknowledge_order`, { idempotency_key: newKey() });
});
afterAll(async () => {
  await t.close();
});

function expectClientError(response: GraphResponse): void {
  expect(response.status, JSON.stringify(response.body)).toBeGreaterThanOrEqual(400);
  expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
  expect(response.body?.error?.fbtrace_id, JSON.stringify(response.body)).toEqual(expect.any(String));
  expect(response.body.error.code).toEqual(expect.any(Number));
}

const auth = { authorization: 'Bearer sandbox-token' };
const json = { ...auth, 'content-type': 'application/json' };

describe('malformed requests', () => {
  it('answers broken bodies with (#100)', async () => {
    const path = `/v22.0/${orderId}/shipments`;
    const cases: [Record<string, string>, string | Buffer][] = [
      [json, '{"idempotency_key": "k1", '],
      [json, '[1,2,3]'],
      [json, 'null'],
      [json, '"just a string"'],
      [json, Buffer.from([0xff, 0xfe, 0x00, 0x7b])],
      [
        { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
        'idempotency_key=k2&items=[{broken&tracking_info={"carrier":"UPS"',
      ],
      [{ ...auth, 'content-type': 'application/x-www-form-urlencoded' }, 'idempotency_key=k3&tracking_info=%E0%A4%A'],
      [{ ...auth, 'content-type': 'application/xml' }, '<shipment/>'],
      [{ ...auth, 'content-type': 'multipart/form-data' }, '--x\r\n'],
      [
        { ...auth, 'content-type': 'multipart/form-data; boundary=x' },
        '--x\r\ncontent-disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhello\r\n--x--',
      ],
    ];
    for (const [headers, body] of cases) expectClientError(await t.graph.raw('POST', path, headers, body));
  });

  it('answers unknown fields, wrong types and out-of-range values with (#100)', async () => {
    const bodies: Record<string, unknown>[] = [
      { idempotency_key: newKey(), tracking_info: { carrier: 'UPS', tracking_number: '1' }, surprise: true },
      { idempotency_key: newKey(), tracking_info: { carrier: 'UPS', tracking_number: '1', colour: 'red' } },
      { idempotency_key: newKey(), tracking_info: 'UPS' },
      { idempotency_key: newKey(), tracking_info: { carrier: 42, tracking_number: '1' } },
      { idempotency_key: newKey(), tracking_info: { carrier: 'UPS', tracking_number: '1' }, items: 'all' },
      {
        idempotency_key: newKey(),
        tracking_info: { carrier: 'UPS', tracking_number: '1' },
        items: [{ retailer_id: 'SKU-A', quantity: -1 }],
      },
      {
        idempotency_key: newKey(),
        tracking_info: { carrier: 'UPS', tracking_number: '1' },
        items: [{ retailer_id: 'SKU-A', quantity: 1.5 }],
      },
      {
        idempotency_key: newKey(),
        tracking_info: { carrier: 'UPS', tracking_number: '1' },
        items: [{ retailer_id: 'SKU-A', item_id: '1', quantity: 1 }],
      },
      { idempotency_key: newKey(), tracking_info: { carrier: 'UPS', tracking_number: 'x'.repeat(5000) } },
      { idempotency_key: ['k'], tracking_info: { carrier: 'UPS', tracking_number: '1' } },
      { idempotency_key: 'x'.repeat(10_000), tracking_info: { carrier: 'UPS', tracking_number: '1' } },
      {
        idempotency_key: newKey(),
        tracking_info: { carrier: 'UPS', tracking_number: '1' },
        items: [{ retailer_id: 'SKU-A', quantity: 1e308 }],
      },
    ];
    for (const body of bodies) expectClientError(await t.graph.post(`/${orderId}/shipments`, body));
    expectClientError(
      await t.graph.post(`/${orderId}/refunds`, {
        idempotency_key: newKey(),
        reason_code: 'WRONG_ITEM',
        items: [{ retailer_id: 'SKU-A', item_refund_amount: { amount: '-1', currency: 'USD' } }],
      }),
    );
    expectClientError(
      await t.graph.post(`/${orderId}/refunds`, {
        idempotency_key: newKey(),
        reason_code: 'WRONG_ITEM',
        items: [{ retailer_id: 'SKU-A', item_refund_amount: { amount: '1.001', currency: 'usd' } }],
      }),
    );
    expectClientError(
      await t.graph.post(`/${orderId}/cancellations`, { idempotency_key: newKey(), restock_items: 'maybe' }),
    );
    expectClientError(
      await t.graph.post(`/${t.cmsId}/acknowledge_orders`, { idempotency_key: newKey(), orders: [{ id: 123 }] }),
    );
    expectClientError(
      await t.graph.post(
        `/${t.cmsId}/acknowledge_orders`,
        { idempotency_key: newKey(), orders: 'not json' },
        { encoding: 'form' },
      ),
    );
  });

  it('answers odd paths, methods, queries and oversized bodies without a 500', async () => {
    const requests: [string, string, string?][] = [
      ['GET', '/v22.0/'],
      ['GET', '/v22.0//commerce_orders'],
      ['GET', `/v22.0/${orderId}/items/extra/deeper`],
      ['GET', '/v22.0/%ff%fe'],
      ['GET', `/v22.0/${'9'.repeat(400)}`],
      ['GET', '/v22.0/../../etc/passwd'],
      ['GET', '/vX.0/123'],
      ['GET', '/'],
      ['PUT', `/v22.0/${orderId}`],
      ['PATCH', `/v22.0/${orderId}/shipments`],
      ['GET', `/v22.0/${orderId}?fields=${'a{'.repeat(2000)}`],
      ['GET', `/v22.0/${orderId}?fields=items.limit(0)`],
      ['GET', `/v22.0/${orderId}?fields=items.limit(999999)`],
      ['GET', `/v22.0/${orderId}?fields=%E0%A4%A`],
      ['GET', `/v22.0/${orderId}?surprise=1`],
      ['GET', `/v22.0/${t.cmsId}/commerce_orders?limit=99999999999999`],
      ['GET', `/v22.0/${t.cmsId}/commerce_orders?after=${Buffer.from('sbx1|orders|1e999').toString('base64url')}`],
      ['GET', `/v22.0/${t.cmsId}/commerce_orders?before=%00%01`],
      ['GET', `/v22.0/${t.cmsId}/commerce_orders?updated_after=-5`],
      ['GET', `/v22.0/${t.cmsId}/commerce_orders?state=`],
      ['GET', `/v22.0/${productId}/items`],
      ['POST', `/v22.0/${productId}`],
      ['DELETE', `/v22.0/${t.cmsId}/order_management_apps?unexpected=1`],
    ];
    for (const [method, path] of requests) expectClientError(await t.graph.raw(method, path, auth));
    const huge = JSON.stringify({ idempotency_key: newKey(), pad: 'x'.repeat(1_100_000) });
    const tooLarge = await t.graph.raw('POST', `/v22.0/${orderId}/shipments`, json, huge);
    expect(tooLarge.status).toBe(413);
    expectGraphError(tooLarge, 100);
  });

  it('answers admin nonsense with an error envelope', async () => {
    const admin = (method: string, path: string, body?: string) =>
      t.graph.raw(method, path, { 'content-type': 'application/json' }, body);
    for (const [method, path, body] of [
      ['POST', '/_admin/orders', '{not json'],
      ['POST', '/_admin/orders', '{"count": -1}'],
      ['POST', '/_admin/orders', '{"items": [{"retailerId": "X", "quantity": 1, "pricePerUnit": "1.234"}]}'],
      ['POST', '/_admin/orders/123/buyer-cancel', '{}'],
      ['GET', '/_admin/nothing-here', undefined],
      ['DELETE', '/_admin/orders', undefined],
      ['POST', '/_admin/clock', '{"offsetMs": 1, "advanceMs": 2}'],
      ['POST', '/_admin/settings', '{"rateLimit": {"callsPerWindow": 0, "windowMs": 1}}'],
      ['PUT', '/_admin/faults', '{"rules": [{"endpoint": "order", "fault": "explode"}]}'],
    ] as const) {
      const response = await admin(method, path, body);
      expect(response.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.body.error.message).toEqual(expect.any(String));
    }
  });

  it('survives a seeded fuzz over every endpoint without a single 5xx', async () => {
    let seed = 1234;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const values: unknown[] = [
      null,
      true,
      0,
      -1,
      1.5,
      1e21,
      '',
      ' ',
      '1',
      'SKU-A',
      'UPS',
      '{',
      '[{}]',
      '{"a":1}',
      [],
      [{}],
      {},
      { amount: '1.00', currency: 'USD' },
      [{ retailer_id: 'SKU-A', quantity: 1 }],
      [{ item_id: orderId, quantity: 1 }],
      'ü李🌻',
      'x'.repeat(300),
      { carrier: 'UPS', tracking_number: '1' },
      { reason_code: 'OUT_OF_STOCK' },
      [{ id: orderId }],
      [{ retailer_id: 'SKU-A', item_refund_quantity: 1 }],
    ];
    const names = [
      'items',
      'tracking_info',
      'external_shipment_id',
      'merchant_order_reference',
      'cancel_reason',
      'restock_items',
      'reason_code',
      'reason_text',
      'shipping',
      'deductions',
      'adjustment_amount',
      'return_id',
      'orders',
      'shipment_id',
      'fields',
      'limit',
      'after',
      'x',
    ];
    const targets = [
      `/${orderId}/shipments`,
      `/${orderId}/cancellations`,
      `/${orderId}/refunds`,
      `/${orderId}/update_shipment`,
      `/${orderId}/acknowledge_order`,
      `/${t.cmsId}/acknowledge_orders`,
      `/${t.cmsId}/order_management_apps`,
    ];
    let statuses = 0;
    for (let i = 0; i < 300; i += 1) {
      const body: Record<string, unknown> = { idempotency_key: random() < 0.9 ? newKey() : pick(values) };
      const fields = Math.floor(random() * 4);
      for (let f = 0; f < fields; f += 1) body[pick(names)] = pick(values);
      const response = await t.graph.post(pick(targets), body, { encoding: random() < 0.5 ? 'json' : 'form' });
      expect(response.status, JSON.stringify({ body, answer: response.body })).toBeLessThan(500);
      if (response.status >= 400) expect(response.body.error.fbtrace_id).toEqual(expect.any(String));
      statuses += 1;
    }
    for (let i = 0; i < 100; i += 1) {
      const query: Record<string, string> = {};
      for (let f = 0; f < 3; f += 1)
        query[pick(['fields', 'limit', 'after', 'before', 'state', 'filters', 'updated_after', 'updated_before'])] =
          String(pick(values));
      const path = pick([
        `/${t.cmsId}/commerce_orders`,
        `/${orderId}`,
        `/${orderId}/items`,
        `/${orderId}/refunds`,
        `/${productId}`,
      ]);
      const response = await t.graph.get(path, query);
      expect(response.status, JSON.stringify({ path, query, answer: response.body })).toBeLessThan(500);
      statuses += 1;
    }
    expect(statuses).toBe(400);
    expect((await t.admin.getLedger()).errors.byCode['1']).toBeUndefined();
  });
});
