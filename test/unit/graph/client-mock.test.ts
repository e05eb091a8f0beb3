/**
 * GraphClient against undici's MockAgent: only what a well-behaved sandbox cannot produce
 * (malformed bodies, odd headers, odd paging, dropped connections at exact points) plus the
 * exact wire format of requests. Real HTTP behaviour is covered in client-sandbox.test.ts.
 */
import { createHmac } from 'node:crypto';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GraphClient, GraphError, GraphInputError, GraphResponseError } from '../../../src/graph/index.js';

const ORIGIN = 'https://graph.example.test';
const TOKEN = 'EAAtoken-do-not-leak-123';
const SECRET = 'app-secret-do-not-leak-456';

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

let agent: MockAgent;
let seen: Seen[];

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  seen = [];
});
afterEach(async () => {
  await agent.close();
});

function client(extra: { appSecret?: string; timeoutMs?: number } = {}) {
  return new GraphClient({ baseUrl: ORIGIN, apiVersion: 'v22.0', accessToken: TOKEN, dispatcher: agent, ...extra });
}

/** Answers one request whose path starts with `prefix`, recording what was sent. */
function answer(method: string, prefix: string, status: number, body: unknown, headers: Record<string, string> = {}) {
  agent
    .get(ORIGIN)
    .intercept({ method, path: (p: string) => p.startsWith(prefix) })
    .reply(
      status,
      (opts) => {
        seen.push({
          method: opts.method,
          path: opts.path,
          headers: Object.fromEntries(
            Object.entries(opts.headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
          ),
          body: typeof opts.body === 'string' ? JSON.parse(opts.body) : undefined,
        });
        return typeof body === 'string' ? body : JSON.stringify(body);
      },
      { headers: { 'content-type': 'application/json', ...headers } },
    );
}

const order = (id: string, state = 'CREATED') => ({
  id,
  order_status: { state },
  created: '2019-01-14T19:17:31+00:00',
  last_updated: '2019-01-14T19:47:35+00:00',
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('request wire format', () => {
  it('sends the token as a Bearer header, never in the URL, and appsecret_proof when configured', async () => {
    answer('GET', '/v22.0/42', 200, order('42'));
    await client({ appSecret: SECRET }).getOrder('42');
    const [request] = seen;
    expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request!.path).not.toContain(TOKEN);
    const proof = createHmac('sha256', SECRET).update(TOKEN).digest('hex');
    expect(new URL(request!.path, ORIGIN).searchParams.get('appsecret_proof')).toBe(proof);
  });

  it('sends no appsecret_proof without an app secret', async () => {
    answer('GET', '/v22.0/42', 200, order('42'));
    await client().getOrder('42');
    expect(seen[0]!.path).not.toContain('appsecret_proof');
  });

  it('keeps a base URL path prefix', async () => {
    agent
      .get(ORIGIN)
      .intercept({ method: 'GET', path: (p) => p.startsWith('/graph/v22.0/42') })
      .reply(200, order('42'));
    const c = new GraphClient({
      baseUrl: `${ORIGIN}/graph/`,
      apiVersion: 'v22.0',
      accessToken: TOKEN,
      dispatcher: agent,
    });
    await expect(c.getOrder('42')).resolves.toMatchObject({ id: '42' });
  });

  it('sends list filters as Meta parameters', async () => {
    answer('GET', '/v22.0/1000/commerce_orders', 200, { data: [] });
    await client().listOrdersPage('1000', {
      states: ['CREATED', 'IN_PROGRESS'],
      filters: ['no_shipments', 'no_cancellations'],
      updatedAfter: new Date('2024-01-01T00:00:00.900Z'),
      fields: ['orderStatus', 'buyerDetails', 'items'],
      itemFields: ['productName'],
      limit: 50,
      after: 'CURSOR',
    });
    const query = new URL(seen[0]!.path, ORIGIN).searchParams;
    expect(Object.fromEntries(query)).toEqual({
      state: 'CREATED,IN_PROGRESS',
      filters: 'no_shipments,no_cancellations',
      updated_after: '1704067200',
      fields: 'id,order_status,buyer_details,items{id,retailer_id,product_id,quantity,price_per_unit,product_name}',
      limit: '50',
      after: 'CURSOR',
    });
  });

  it('sends snake_case JSON bodies', async () => {
    answer('POST', '/v22.0/42/refunds', 200, { success: true });
    await client().refundOrder('42', {
      idempotencyKey: 'k-1',
      reasonCode: 'DAMAGED_GOODS',
      reasonText: 'broken',
      items: [
        { retailerId: 'SKU-1', quantity: 1 },
        { itemId: '77', amount: { amount: '2.50', currency: 'USD' } },
      ],
      shippingRefund: { amount: '4.00', currency: 'USD' },
      deductions: [{ type: 'RETURN_SHIPPING', amount: { amount: '1.00', currency: 'USD' } }],
      returnId: 'R1',
    });
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.body).toEqual({
      idempotency_key: 'k-1',
      reason_code: 'DAMAGED_GOODS',
      reason_text: 'broken',
      items: [
        { retailer_id: 'SKU-1', item_refund_quantity: 1 },
        { item_id: '77', item_refund_amount: { amount: '2.50', currency: 'USD' } },
      ],
      shipping: { shipping_refund: { amount: '4.00', currency: 'USD' } },
      deductions: [{ deduction_type: 'RETURN_SHIPPING', deduction_amount: { amount: '1.00', currency: 'USD' } }],
      return_id: 'R1',
    });
  });

  it('sends shipment, update and cancel bodies in Meta shape', async () => {
    answer('POST', '/v22.0/42/shipments', 200, { success: true });
    answer('POST', '/v22.0/42/update_shipment', 200, { success: true });
    answer('POST', '/v22.0/42/cancellations', 200, { success: true });
    const c = client();
    await c.createShipment('42', {
      idempotencyKey: 'k1',
      items: [{ retailerId: 'SKU-1', quantity: 2 }],
      trackingInfo: { trackingNumber: '1Z', carrier: 'UPS', shippingMethodName: 'Ground' },
      externalShipmentId: 'ship_1',
    });
    await c.updateShipment('42', {
      idempotencyKey: 'k2',
      externalShipmentId: 'ship_1',
      trackingInfo: { trackingNumber: '2Z', carrier: 'FEDEX' },
    });
    await c.cancelOrder('42', {
      idempotencyKey: 'k3',
      reasonCode: 'OUT_OF_STOCK',
      restockItems: true,
      items: [{ itemId: '9', quantity: 1 }],
    });
    expect(seen.map((s) => s.body)).toEqual([
      {
        idempotency_key: 'k1',
        items: [{ retailer_id: 'SKU-1', quantity: 2 }],
        tracking_info: { tracking_number: '1Z', carrier: 'UPS', shipping_method_name: 'Ground' },
        external_shipment_id: 'ship_1',
      },
      {
        idempotency_key: 'k2',
        tracking_info: { tracking_number: '2Z', carrier: 'FEDEX' },
        external_shipment_id: 'ship_1',
      },
      {
        idempotency_key: 'k3',
        cancel_reason: { reason_code: 'OUT_OF_STOCK' },
        restock_items: true,
        items: [{ item_id: '9', quantity: 1 }],
      },
    ]);
  });
});

describe('arguments refused before sending', () => {
  it.each([
    ['a bad id', (c: GraphClient) => c.getOrder('../me'), /expected a Graph id/],
    ['a missing key', (c: GraphClient) => c.acknowledgeOrder('1', { idempotencyKey: '' }), /idempotencyKey/],
    [
      'a key over 100 chars',
      (c: GraphClient) => c.acknowledgeOrder('1', { idempotencyKey: 'a'.repeat(101) }),
      /idempotencyKey/,
    ],
    [
      'an unknown carrier',
      (c: GraphClient) =>
        c.createShipment('1', { idempotencyKey: 'k', trackingInfo: { trackingNumber: '1', carrier: 'PIGEON' } }),
      /trackingInfo\.carrier: unknown carrier/,
    ],
    [
      '101 orders in a bulk acknowledgement',
      (c: GraphClient) =>
        c.acknowledgeOrders('1', {
          idempotencyKey: 'k',
          orders: Array.from({ length: 101 }, (_, i) => ({ id: String(i + 1) })),
        }),
      /at most 100 orders/,
    ],
    [
      'a duplicate order',
      (c: GraphClient) => c.acknowledgeOrders('1', { idempotencyKey: 'k', orders: [{ id: '1' }, { id: '1' }] }),
      /twice/,
    ],
    ['a page size over 100', (c: GraphClient) => c.listOrdersPage('1', { limit: 101 }), /limit/],
    // @ts-expect-error the type forbids it too
    ['an unknown field', (c: GraphClient) => c.getOrder('1', ['buyer']), /unknown order field "buyer"/],
  ])('%s', async (_label, call, message) => {
    const err = await rejection(call(client()));
    expect(err).toBeInstanceOf(GraphInputError);
    expect(err.message).toMatch(message);
    expect(seen).toHaveLength(0);
  });
});

describe('responses that break the contract', () => {
  it('names the endpoint and the field path', async () => {
    const data = [order('1'), order('2'), order('3'), { ...order('4'), order_status: { state: 7 } }];
    answer('GET', '/v22.0/1000/commerce_orders', 200, { data });
    const err = await rejection(client().listOrdersPage('1000'));
    expect(err).toBeInstanceOf(GraphResponseError);
    expect(err.message).toMatch(/^GET \/\{cms-id\}\/commerce_orders: data\[3\]\.order_status\.state: /);
    expect((err as GraphResponseError).path).toBe('data[3].order_status.state');
  });

  it('refuses a numeric id and a float amount', async () => {
    answer('GET', '/v22.0/42', 200, { ...order('42'), id: 42 });
    expect((await rejection(client().getOrder('42'))).message).toMatch(/GET \/\{order-id\}: id: expected string/);
    answer('GET', '/v22.0/42/items', 200, {
      data: [
        { id: '1', retailer_id: 'r', product_id: '2', quantity: 1, price_per_unit: { amount: 5.5, currency: 'USD' } },
      ],
    });
    expect((await rejection(client().listItems('42'))).message).toMatch(
      /data\[0\]\.price_per_unit\.amount: expected string/,
    );
  });

  it('refuses a requested default field that is missing', async () => {
    answer('GET', '/v22.0/42', 200, { id: '42', order_status: { state: 'CREATED' } });
    expect((await rejection(client().getOrder('42', ['orderStatus', 'created']))).message).toMatch(
      /created: expected string/,
    );
  });

  it('refuses a body that is not JSON, and a write answered without success', async () => {
    answer('GET', '/v22.0/42', 200, '<html>gateway</html>');
    expect((await rejection(client().getOrder('42'))).message).toMatch(/\(body\): expected JSON/);
    answer('POST', '/v22.0/42/acknowledge_order', 200, { success: false });
    const err = await rejection(client().acknowledgeOrder('42', { idempotencyKey: 'k' }));
    expect(err).toBeInstanceOf(GraphResponseError);
    expect(err.message).toMatch(/POST \/\{order-id\}\/acknowledge_order: success: /);
  });

  it('treats an error envelope on HTTP 200 as an error', async () => {
    answer('GET', '/v22.0/42', 200, { error: { message: 'nope', code: 803, type: 'OAuthException' } });
    const err = await rejection(client().getOrder('42'));
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).kind).toBe('notFound');
  });

  it('classifies a 5xx with an HTML body as transient', async () => {
    answer('POST', '/v22.0/42/acknowledge_order', 502, '<html>Bad Gateway</html>');
    const err = (await rejection(client().acknowledgeOrder('42', { idempotencyKey: 'k' }))) as GraphError;
    expect(err).toMatchObject({ kind: 'transient', httpStatus: 502, isTransient: true, mayHaveBeenApplied: true });
  });
});

describe('Meta shapes outside the happy path', () => {
  it('accepts "+0000" offsets, upper-case channels and a status sent as a JSON string', async () => {
    answer('GET', '/v22.0/42', 200, { ...order('42'), created: '2019-01-14T19:17:31+0000', channel: 'Instagram' });
    await expect(client().getOrder('42', ['created', 'channel'])).resolves.toEqual({
      id: '42',
      created: '2019-01-14T19:17:31+0000',
      channel: 'instagram',
    });
    answer('GET', '/v22.0/42/items', 200, {
      data: [
        {
          id: '1',
          retailer_id: 'r',
          product_id: '2',
          quantity: 2,
          price_per_unit: { amount: '5.5', currency: 'USD' },
          status: '{"in_progress":1,"fulfilled":1,"cancelled":0}',
        },
      ],
    });
    const [item] = await client().listItems('42', { includeStatus: true });
    expect(item).toMatchObject({
      retailerId: 'r',
      pricePerUnit: { amount: '5.5', currency: 'USD' },
      status: { inProgress: 1, fulfilled: 1 },
    });
  });

  it('returns camelCase objects, nested objects included', async () => {
    answer('GET', '/v22.0/42', 200, {
      ...order('42'),
      buyer_details: { name: 'Zoë', email: 'x@marketplace.facebook.com', email_remarketing_option: false },
      shipping_address: { name: 'Zoë', street1: '1 Rue', city: 'Paris', postal_code: '75001', country: 'FR' },
      estimated_payment_details: {
        subtotal: { items: { amount: '2.00', currency: 'USD' }, shipping: { amount: '0.00', currency: 'USD' } },
        tax: { amount: '0.19', currency: 'USD' },
        total_amount: { amount: '2.19', currency: 'USD' },
        tax_remitted: true,
      },
      unexpected_new_field: 1,
    });
    const result = await client().getOrder('42', ['buyerDetails', 'shippingAddress', 'estimatedPaymentDetails']);
    expect(result).toEqual({
      id: '42',
      buyerDetails: { name: 'Zoë', email: 'x@marketplace.facebook.com', emailRemarketingOption: false },
      shippingAddress: { name: 'Zoë', street1: '1 Rue', city: 'Paris', postalCode: '75001', country: 'FR' },
      estimatedPaymentDetails: {
        subtotal: { items: { amount: '2.00', currency: 'USD' }, shipping: { amount: '0.00', currency: 'USD' } },
        tax: { amount: '0.19', currency: 'USD' },
        totalAmount: { amount: '2.19', currency: 'USD' },
        taxRemitted: true,
      },
    });
  });
});

describe('paging', () => {
  it('follows next until it is absent, through empty pages, rebuilding the URL without Meta access_token', async () => {
    const next = (after: string) =>
      `https://graph.facebook.com/v22.0/1000/commerce_orders?access_token=LEAKY&limit=2&after=${after}`;
    answer('GET', '/v22.0/1000/commerce_orders', 200, {
      data: [order('1'), order('2')],
      paging: { cursors: { after: 'A' }, next: next('A') },
    });
    answer('GET', '/v22.0/1000/commerce_orders', 200, { data: [], paging: { cursors: {}, next: next('B') } });
    answer('GET', '/v22.0/1000/commerce_orders', 200, { data: [order('3')], paging: { cursors: { after: 'C' } } });
    const pages = [];
    for await (const page of client().listOrders('1000', { limit: 2 })) pages.push(page);
    expect(pages.map((p) => [p.orders.map((o) => o.id), p.after, p.hasNext])).toEqual([
      [['1', '2'], 'A', true],
      [[], 'B', true],
      [['3'], 'C', false],
    ]);
    expect(seen.map((s) => new URL(s.path, ORIGIN).searchParams.get('after'))).toEqual([null, 'A', 'B']);
    expect(seen.every((s) => !s.path.includes('LEAKY') && !s.path.includes('access_token'))).toBe(true);
  });

  it('stops with an error when a cursor does not advance', async () => {
    const stuck = { data: [], paging: { cursors: { after: 'SAME' }, next: 'https://graph.facebook.com/x?after=SAME' } };
    answer('GET', '/v22.0/42/items', 200, stuck);
    answer('GET', '/v22.0/42/items', 200, stuck);
    const err = await rejection(client().listItems('42'));
    expect(err).toBeInstanceOf(GraphResponseError);
    expect(err.message).toMatch(/did not advance/);
  });

  it('refuses a next page without a cursor', async () => {
    answer('GET', '/v22.0/1000/commerce_orders', 200, { data: [], paging: { next: 'https://graph.facebook.com/x' } });
    expect((await rejection(client().listOrdersPage('1000'))).message).toMatch(/without an after cursor/);
  });
});

describe('usage headers', () => {
  it('records them from successes and errors, and ignores malformed ones', async () => {
    const buc = (n: number) =>
      JSON.stringify({ '555': [{ type: 'pages', call_count: n, total_cputime: 1, total_time: 1 }] });
    answer('GET', '/v22.0/42', 200, order('42'), {
      'x-business-use-case-usage': buc(40),
      'x-app-usage': '{"call_count": 7',
    });
    const c = client();
    await c.getOrder('42');
    expect(c.maxUsagePercent()).toBe(40);
    answer('GET', '/v22.0/42', 200, order('42'), {
      'x-business-use-case-usage': 'garbage',
      'x-page-usage': JSON.stringify({ call_count: 'high' }),
    });
    await c.getOrder('42');
    expect(c.maxUsagePercent('555')).toBe(40);
    answer(
      'GET',
      '/v22.0/42',
      400,
      { error: { code: 80001, message: 'too many', type: 'OAuthException' } },
      {
        'x-business-use-case-usage': JSON.stringify({
          '555': [{ type: 'pages', call_count: 104, estimated_time_to_regain_access: 7 }],
        }),
      },
    );
    const err = (await rejection(c.getOrder('42'))) as GraphError;
    expect(err).toMatchObject({ kind: 'throttled', retryAfterMs: 420_000, isTransient: true });
    expect(c.maxUsagePercent()).toBe(104);
    expect(c.usage().businesses['555']?.entries[0]?.estimatedTimeToRegainAccessMs).toBe(420_000);
  });
});

describe('network failures', () => {
  it('reports a dropped POST as transient and possibly applied', async () => {
    agent
      .get(ORIGIN)
      .intercept({ method: 'POST', path: (p) => p.startsWith('/v22.0/42/shipments') })
      .replyWithError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    const err = (await rejection(
      client().createShipment('42', { idempotencyKey: 'k', trackingInfo: { trackingNumber: '1', carrier: 'UPS' } }),
    )) as GraphError;
    expect(err).toMatchObject({
      kind: 'transient',
      mayHaveBeenApplied: true,
      networkCode: 'UND_ERR_SOCKET',
      timedOut: false,
    });
  });

  it('reports a refused connection as not applied', async () => {
    agent
      .get(ORIGIN)
      .intercept({ method: 'POST', path: (p) => p.startsWith('/v22.0/42/acknowledge_order') })
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const err = (await rejection(client().acknowledgeOrder('42', { idempotencyKey: 'k' }))) as GraphError;
    expect(err).toMatchObject({ kind: 'transient', mayHaveBeenApplied: false });
  });

  it('times out a slow answer', async () => {
    agent
      .get(ORIGIN)
      .intercept({ method: 'GET', path: (p) => p.startsWith('/v22.0/42') })
      .reply(200, order('42'))
      .delay(2_000);
    // The answer would come (after 2 s): `timedOut` says the client gave up first.
    const err = (await rejection(client({ timeoutMs: 150 }).getOrder('42'))) as GraphError;
    expect(err).toMatchObject({ kind: 'transient', timedOut: true, mayHaveBeenApplied: false });
  });

  it('redacts secrets an undici error echoes', async () => {
    agent
      .get(ORIGIN)
      .intercept({ method: 'GET', path: (p) => p.startsWith('/v22.0/42') })
      .replyWithError(
        new Error(`failed https://x/?access_token=${TOKEN}&appsecret_proof=abc header Bearer ${TOKEN} ${SECRET}`),
      );
    const err = await rejection(client({ appSecret: SECRET }).getOrder('42'));
    for (const text of [err.message, err.stack ?? '', JSON.stringify(err)]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(SECRET);
    }
    expect(err.message).toContain('[REDACTED]');
  });
});
