/**
 * GraphClient over real HTTP against the local sandbox (sandbox/): every method, every error
 * class, usage headers, paging, and that no credential ever shows in an error.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  batchIdempotencyKey,
  GraphClient,
  GraphError,
  idempotencyKey,
  type GraphClientOptions,
} from '../../../src/graph/index.js';
import { BUYER_FIELDS, BUYER_ITEM_FIELDS, toPendingOrderInput } from '../../../src/activities/order-mapping.js';
import { SandboxAdminClient, startSandbox, type RunningSandbox } from '../../../sandbox/index.js';

const TOKEN = 'EAAsandbox-token-must-not-leak-7f3a';
const SECRET = 'app-secret-must-not-leak-91c2';

let sandbox: RunningSandbox;
let admin: SandboxAdminClient;
let graph: GraphClient;
let cmsId: string;
const extraClients: GraphClient[] = [];

function client(overrides: Partial<GraphClientOptions> = {}): GraphClient {
  const c = new GraphClient({
    baseUrl: sandbox.url,
    apiVersion: 'v22.0',
    accessToken: TOKEN,
    appSecret: SECRET,
    timeoutMs: 5_000,
    ...overrides,
  });
  extraClients.push(c);
  return c;
}

async function rejection(promise: Promise<unknown>): Promise<GraphError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GraphError) return err;
    throw err;
  }
  throw new Error('expected a GraphError');
}

/** A released order (CREATED) with the given lines. */
async function createdOrder(
  items = [
    { retailerId: 'SKU-A', quantity: 2 },
    { retailerId: 'SKU-B', quantity: 1 },
  ],
) {
  return admin.createOrder({ items, releaseDelayMs: 0 });
}

async function acknowledged(items?: { retailerId: string; quantity: number }[]) {
  const order = await createdOrder(items);
  await graph.acknowledgeOrder(order.id, { idempotencyKey: idempotencyKey(order.id, 'acknowledge') });
  return order;
}

const UPS = { trackingNumber: '1Z999AA10123456784', carrier: 'UPS', shippingMethodName: 'Ground' };

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    accessToken: TOKEN,
    appSecret: SECRET,
    releaseDelayMs: 0,
  });
  admin = new SandboxAdminClient(sandbox.url);
  cmsId = sandbox.options.cmsId;
  graph = client();
});

afterAll(async () => {
  await Promise.all(extraClients.map((c) => c.close()));
  await sandbox.close();
});

beforeEach(async () => {
  await admin.reset();
});

describe('reads', () => {
  it('pages through orders across several pages, and resumes from a saved cursor', async () => {
    const created = await admin.createOrders({ count: 7, releaseDelayMs: 0 });
    const pages = [];
    for await (const page of graph.listOrders(cmsId, { states: ['CREATED'], limit: 3 })) pages.push(page);
    expect(pages.map((p) => p.orders.length)).toEqual([3, 3, 1]);
    expect(pages.map((p) => p.hasNext)).toEqual([true, true, false]);
    const seen = pages.flatMap((p) => p.orders.map((o) => o.id));
    expect(new Set(seen)).toEqual(new Set(created.map((o) => o.id)));
    expect(seen).toHaveLength(7);
    for (const order of pages.flatMap((p) => p.orders)) expect(order.orderStatus.state).toBe('CREATED');

    // A poller persists page.after and resumes there later.
    const first = await graph.listOrdersPage(cmsId, { states: ['CREATED'], limit: 3 });
    const resumed = [];
    for await (const page of graph.listOrders(cmsId, { states: ['CREATED'], limit: 3, after: first.after }))
      resumed.push(...page.orders);
    expect(resumed.map((o) => o.id)).toEqual(seen.slice(3));
  });

  it('filters by state and update time', async () => {
    const [a, b] = await admin.createOrders({ count: 2, releaseDelayMs: 0 });
    await graph.acknowledgeOrder(a!.id, { idempotencyKey: idempotencyKey(a!.id, 'acknowledge') });
    const inProgress = await graph.listOrdersPage(cmsId, { states: ['IN_PROGRESS'] });
    expect(inProgress.orders.map((o) => o.id)).toEqual([a!.id]);
    const both = await graph.listOrdersPage(cmsId, { states: ['CREATED', 'IN_PROGRESS'] });
    expect(new Set(both.orders.map((o) => o.id))).toEqual(new Set([a!.id, b!.id]));
    const future = await graph.listOrdersPage(cmsId, {
      states: ['CREATED', 'IN_PROGRESS'],
      updatedAfter: new Date(Date.now() + 3_600_000),
    });
    expect(future).toEqual({ orders: [], after: undefined, hasNext: false });
  });

  it('gets an order with the requested fields only, camelCase, amounts as strings', async () => {
    const created = await createdOrder();
    const order = await graph.getOrder(
      created.id,
      [
        'orderStatus',
        'channel',
        'buyerDetails',
        'shippingAddress',
        'estimatedPaymentDetails',
        'selectedShippingOption',
        'shipByDate',
        'items',
      ],
      { itemFields: ['productName'] },
    );
    const snapshot = await admin.getOrder(created.id);
    expect(order.id).toBe(created.id);
    expect(order.orderStatus.state).toBe('CREATED');
    expect(order.channel).toBe(created.channel);
    expect(order.buyerDetails?.name).toBe(snapshot.buyer.name);
    expect(order.shippingAddress?.postalCode).toEqual(expect.any(String));
    expect(order.estimatedPaymentDetails?.totalAmount?.amount).toMatch(/^\d+\.\d{2}$/);
    expect(order.selectedShippingOption?.estimatedShippingTime?.minDays).toEqual(expect.any(Number));
    expect(order.shipByDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(order.items?.data.map((i) => [i.retailerId, i.quantity, i.productName])).toEqual(
      snapshot.items.map((i) => [i.retailerId, i.quantity, i.productName]),
    );
    expect(order).not.toHaveProperty('created');
    const defaults = await graph.getOrder(created.id);
    expect(Object.keys(defaults).sort()).toEqual(['created', 'id', 'lastUpdated', 'orderStatus']);
  });

  it("reads the warehouse fields and a promotion Meta funds, and maps them to the OMS's pending order", async () => {
    const created = await admin.createOrder({
      items: [
        { retailerId: 'MUG-P', quantity: 2, pricePerUnit: '10.00', customization: 'Für Oma' },
        { retailerId: 'CAP-P', quantity: 1, pricePerUnit: '5.00' },
      ],
      shipping: { name: 'Express', price: '5.00', minDays: 1, maxDays: 2 },
      taxRate: 0.1,
      taxRemitted: false,
      facebookPaid: '4.00',
      releaseDelayMs: 0,
    });
    const order = await graph.getOrder(created.id, BUYER_FIELDS, { itemFields: BUYER_ITEM_FIELDS });
    const input = toPendingOrderInput(order, order.items?.data ?? [], 'facebook');
    expect(input.shipByDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(input.totals).toEqual({
      subtotal: { amount: '25.00', currency: 'USD' },
      shipping: { amount: '5.00', currency: 'USD' },
      tax: { amount: '3.00', currency: 'USD' },
      total: { amount: '33.00', currency: 'USD' },
      taxRemitted: false,
      facebookPaid: { amount: '4.00', currency: 'USD' },
      buyerPaid: { amount: '29.00', currency: 'USD' },
    });
    expect(
      input.lines.map(({ retailerId, customization, shippingOption, tax }) => ({
        retailerId,
        customization,
        shippingOption,
        tax,
      })),
    ).toEqual([
      {
        retailerId: 'MUG-P',
        customization: 'Für Oma',
        shippingOption: { name: 'Express', minDays: 1, maxDays: 2 },
        tax: { amount: '2.00', currency: 'USD' },
      },
      {
        retailerId: 'CAP-P',
        customization: undefined,
        shippingOption: { name: 'Express', minDays: 1, maxDays: 2 },
        tax: { amount: '0.50', currency: 'USD' },
      },
    ]);
    // Without a promotion: Meta pays nothing, the buyer the total, and Meta remits the tax.
    const plain = await createdOrder();
    const plainOrder = await graph.getOrder(plain.id, ['estimatedPaymentDetails']);
    expect(plainOrder.estimatedPaymentDetails).toMatchObject({
      taxRemitted: true,
      facebookPaidAmount: { amount: '0.00' },
      buyerPaidAmount: plainOrder.estimatedPaymentDetails?.totalAmount,
    });
  });

  it('shows no buyer while the order is FB_PROCESSING', async () => {
    const held = await admin.createOrder({ holdForReview: true });
    const order = await graph.getOrder(held.id, ['orderStatus', 'buyerDetails', 'shippingAddress', 'items']);
    expect(order.orderStatus.state).toBe('FB_PROCESSING');
    expect(order.buyerDetails).toBeUndefined();
    expect(order.shippingAddress).toBeUndefined();
    expect(order.items?.data.length).toBeGreaterThan(0);
  });

  it('lists every item across pages, with status', async () => {
    const items = Array.from({ length: 30 }, (_, i) => ({ retailerId: `SKU-${i}`, quantity: 1 + (i % 3) }));
    const order = await createdOrder(items);
    const listed = await graph.listItems(order.id, { includeStatus: true, extraFields: ['taxDetails'] });
    expect(listed.map((i) => i.retailerId)).toEqual(items.map((i) => i.retailerId));
    expect(listed[1]).toMatchObject({ quantity: 2, status: { inProgress: 2, fulfilled: 0, cancelled: 0 } });
    expect(listed[0]!.taxDetails?.estimatedTax?.amount).toMatch(/^\d+\.\d{2}$/);
    const ledger = await admin.getLedger();
    expect(ledger.calls.byEndpoint['GET items']).toBe(2);
  });

  it('gets a product', async () => {
    const order = await createdOrder([{ retailerId: 'SKU-P', quantity: 1 }]);
    const product = await graph.getProduct(order.items[0]!.productId, ['inventory', 'description']);
    expect(product).toMatchObject({
      id: order.items[0]!.productId,
      retailerId: 'SKU-P',
      inventory: expect.any(Number),
    });
    expect(product.name.length).toBeGreaterThan(0);
  });
});

describe('writes', () => {
  it('acknowledges once, and a retry with the same key is a replay with no second effect', async () => {
    const order = await createdOrder();
    const key = idempotencyKey(order.id, 'acknowledge');
    await graph.acknowledgeOrder(order.id, { idempotencyKey: key, merchantOrderReference: 'OMS-1' });
    await graph.acknowledgeOrder(order.id, { idempotencyKey: key, merchantOrderReference: 'OMS-1' });
    const fetched = await graph.getOrder(order.id, ['orderStatus', 'merchantOrderId']);
    expect(fetched).toEqual({ id: order.id, orderStatus: { state: 'IN_PROGRESS' }, merchantOrderId: 'OMS-1' });
    const ledger = await admin.getLedger(order.id);
    expect(ledger.effects.filter((e) => e.kind === 'acknowledge')).toHaveLength(1);
    expect(ledger.replays.total).toBe(1);
  });

  it('acknowledges in bulk with one result per order', async () => {
    const [a, b] = await admin.createOrders({ count: 2, releaseDelayMs: 0 });
    const held = await admin.createOrder({ holdForReview: true });
    const orders = [
      { id: a!.id, merchantOrderReference: 'OMS-A' },
      { id: b!.id },
      { id: held.id },
      { id: '999999999999' },
    ];
    const results = await graph.acknowledgeOrders(cmsId, { idempotencyKey: batchIdempotencyKey(orders), orders });
    expect(results.map((r) => [r.id, r.acknowledged, r.state, r.reported])).toEqual([
      [a!.id, true, 'IN_PROGRESS', true],
      [b!.id, true, 'IN_PROGRESS', true],
      [held.id, false, 'FB_PROCESSING', true],
      ['999999999999', false, undefined, true],
    ]);
    expect(results[2]!.error?.code).toEqual(expect.any(Number));
    expect(results[3]!.error).toMatchObject({ code: 100, subcode: 33 });
  });

  it('ships, updates tracking, and lists the shipment', async () => {
    const order = await acknowledged();
    await graph.createShipment(order.id, {
      idempotencyKey: idempotencyKey(order.id, 'ship', 'box-1'),
      items: [{ retailerId: 'SKU-A', quantity: 2 }],
      trackingInfo: UPS,
      externalShipmentId: 'box_1',
    });
    await graph.updateShipment(order.id, {
      idempotencyKey: idempotencyKey(order.id, 'updateShipment', 'box-1-v2'),
      externalShipmentId: 'box_1',
      trackingInfo: { trackingNumber: '9400100000000000000000', carrier: 'USPS' },
    });
    const [shipment, ...others] = await graph.listShipments(order.id);
    expect(others).toHaveLength(0);
    expect(shipment).toMatchObject({
      externalShipmentId: 'box_1',
      trackingInfo: { trackingNumber: '9400100000000000000000', carrier: 'USPS' },
      items: [{ retailerId: 'SKU-A', quantity: 2 }],
    });
    // Ship the rest (items omitted = every unfulfilled unit): the order completes.
    await graph.createShipment(order.id, {
      idempotencyKey: idempotencyKey(order.id, 'ship', 'box-2'),
      trackingInfo: UPS,
    });
    expect((await graph.getOrder(order.id, ['orderStatus'])).orderStatus.state).toBe('COMPLETED');
  });

  it('cancels part of an order and lists the cancellation', async () => {
    const order = await acknowledged();
    await graph.cancelOrder(order.id, {
      idempotencyKey: idempotencyKey(order.id, 'cancel', 'line-b'),
      reasonCode: 'OUT_OF_STOCK',
      reasonDescription: 'gone',
      restockItems: false,
      items: [{ itemId: order.items[1]!.id, quantity: 1 }],
    });
    const cancellations = await graph.listCancellations(order.id);
    expect(cancellations).toHaveLength(1);
    expect(cancellations[0]).toMatchObject({
      cancelReason: { reasonCode: 'OUT_OF_STOCK', reasonDescription: 'gone' },
      restockItems: false,
    });
    expect(cancellations[0]!.items).toEqual([expect.objectContaining({ itemId: order.items[1]!.id, quantity: 1 })]);
    expect((await graph.getOrder(order.id, ['orderStatus'])).orderStatus.state).toBe('IN_PROGRESS');
  });

  it('refunds shipped units and lists refunds and returns', async () => {
    const order = await acknowledged([{ retailerId: 'SKU-R', quantity: 2 }]);
    await graph.createShipment(order.id, { idempotencyKey: idempotencyKey(order.id, 'ship'), trackingInfo: UPS });
    await admin.createReturn(order.id, { items: [{ retailerId: 'SKU-R', quantity: 1 }], reason: 'too small' });
    const [ret] = await graph.listReturns(order.id);
    expect(ret).toMatchObject({ items: [expect.objectContaining({ retailerId: 'SKU-R', quantity: 1 })] });
    await graph.refundOrder(order.id, {
      idempotencyKey: idempotencyKey(order.id, 'refund', 'return-1'),
      reasonCode: 'QUALITY_ISSUE',
      reasonText: 'returned',
      items: [{ retailerId: 'SKU-R', quantity: 1 }],
      returnId: ret!.id,
    });
    const refunds = await graph.listRefunds(order.id);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ reasonCode: 'QUALITY_ISSUE', returnId: ret!.id });
    expect(refunds[0]!.totalRefundAmount?.amount).toMatch(/^\d+\.\d{2}$/);
    expect(refunds[0]!.items?.[0]).toMatchObject({ retailerId: 'SKU-R', itemRefundQuantity: 1 });
  });

  it('disconnects and reconnects the order-management app', async () => {
    const disconnectKey = idempotencyKey(cmsId, 'disconnectApp', 'disconnect-1');
    await graph.disconnectOrderManagementApp(cmsId, { idempotencyKey: disconnectKey });
    expect((await admin.getSettings()).connected).toBe(false);
    const disconnects = (await admin.getLedger()).effects.filter((e) => e.kind === 'disconnect');
    expect(disconnects).toEqual([expect.objectContaining({ idempotencyKey: disconnectKey })]);
    const order = await createdOrder();
    const refused = await rejection(
      graph.acknowledgeOrder(order.id, { idempotencyKey: idempotencyKey(order.id, 'acknowledge') }),
    );
    expect(refused).toMatchObject({ kind: 'permission', code: 200, isTransient: false });
    await graph.connectOrderManagementApp(cmsId, {
      idempotencyKey: idempotencyKey(cmsId, 'connectApp', 'reconnect-1'),
    });
    expect((await admin.getSettings()).connected).toBe(true);
  });
});

describe('errors', () => {
  it('throttled: code 80001, wait from the usage header in ms', async () => {
    await admin.updateSettings({ rateLimit: { callsPerWindow: 2, windowMs: 600_000 } });
    const order = await createdOrder();
    await graph.getOrder(order.id);
    await graph.getOrder(order.id);
    const err = await rejection(graph.getOrder(order.id));
    expect(err).toMatchObject({ kind: 'throttled', code: 80001, isTransient: true, retryAfterMs: 540_000 });
    expect(graph.maxUsagePercent()).toBeGreaterThanOrEqual(100);
  });

  it('throttled by a burst: retryAfterMs may be 0 (Meta rounds minutes down)', async () => {
    await admin.throttle({ calls: 1 });
    const err = await rejection(graph.listOrdersPage(cmsId));
    expect(err).toMatchObject({ kind: 'throttled', code: 80001, retryAfterMs: 0 });
    await expect(graph.listOrdersPage(cmsId)).resolves.toMatchObject({ orders: [] });
  });

  it('transient: injected 503 with code 2', async () => {
    const order = await createdOrder();
    await admin.addFaultRule({ endpoint: 'order', fault: 'server_error', status: 503 });
    const err = await rejection(graph.getOrder(order.id));
    expect(err).toMatchObject({
      kind: 'transient',
      httpStatus: 503,
      code: 2,
      isTransient: true,
      mayHaveBeenApplied: false,
    });
    expect(err.fbtraceId).toMatch(/^[A-Za-z0-9_-]{10,}$/);
    await expect(graph.getOrder(order.id)).resolves.toMatchObject({ id: order.id });
  });

  it('transient: a 500 on a write may have been applied', async () => {
    const order = await createdOrder();
    await admin.addFaultRule({ endpoint: 'acknowledge_order', fault: 'server_error' });
    const err = await rejection(
      graph.acknowledgeOrder(order.id, { idempotencyKey: idempotencyKey(order.id, 'acknowledge') }),
    );
    expect(err).toMatchObject({ kind: 'transient', httpStatus: 500, mayHaveBeenApplied: true });
  });

  it('auth: wrong token, expired token, missing appsecret_proof', async () => {
    const wrong = await rejection(client({ accessToken: 'EAAwrong-token-0000' }).listOrdersPage(cmsId));
    expect(wrong).toMatchObject({ kind: 'auth', code: 190, httpStatus: 401, isTransient: false });

    await admin.setAccessToken('EAArotated-token-1111');
    const expired = await rejection(graph.listOrdersPage(cmsId));
    expect(expired).toMatchObject({ kind: 'auth', code: 190, subcode: 463 });
    await admin.reset();

    const noProof = await rejection(client({ appSecret: undefined }).listOrdersPage(cmsId));
    expect(noProof).toMatchObject({ kind: 'auth', code: 100 });
  });

  it('validation: commerce rules come back with their subcode named', async () => {
    const order = await acknowledged();
    await graph.cancelOrder(order.id, {
      idempotencyKey: idempotencyKey(order.id, 'cancel'),
      reasonCode: 'CUSTOMER_REQUESTED',
    });
    const err = await rejection(
      graph.createShipment(order.id, { idempotencyKey: idempotencyKey(order.id, 'ship'), trackingInfo: UPS }),
    );
    expect(err).toMatchObject({ kind: 'validation', code: 100, isTransient: false, mayHaveBeenApplied: false });
    expect(err.commerceReason).toEqual(expect.any(String));
    expect(err.message).toMatch(/^POST \/\{order-id\}\/shipments: validation: /);
  });

  it('notFound: unknown numeric id and unknown alias', async () => {
    expect(await rejection(graph.getOrder('999999999999'))).toMatchObject({ kind: 'notFound', code: 100, subcode: 33 });
    expect(await rejection(graph.getOrder('not_an_order'))).toMatchObject({ kind: 'notFound', code: 803 });
  });

  it('conflict: the same key for a different request', async () => {
    const order = await createdOrder();
    const key = idempotencyKey(order.id, 'acknowledge');
    await graph.acknowledgeOrder(order.id, { idempotencyKey: key, merchantOrderReference: 'OMS-1' });
    const err = await rejection(
      graph.acknowledgeOrder(order.id, { idempotencyKey: key, merchantOrderReference: 'OMS-2' }),
    );
    expect(err).toMatchObject({ kind: 'conflict', code: 100, isTransient: false });
    expect((await admin.getLedger()).rejectedDuplicates.total).toBe(1);
  });

  it('lost response: applied, reported as maybe applied, and a retry with the same key does not apply it twice', async () => {
    const order = await createdOrder();
    const key = idempotencyKey(order.id, 'acknowledge');
    await admin.addFaultRule({ endpoint: 'acknowledge_order', fault: 'lost_response' });
    const err = await rejection(graph.acknowledgeOrder(order.id, { idempotencyKey: key }));
    expect(err).toMatchObject({ kind: 'transient', mayHaveBeenApplied: true, timedOut: false, isTransient: true });
    expect((await admin.getOrder(order.id)).state).toBe('IN_PROGRESS');
    await graph.acknowledgeOrder(order.id, { idempotencyKey: key });
    const ledger = await admin.getLedger(order.id);
    expect(ledger.effects.filter((e) => e.kind === 'acknowledge')).toHaveLength(1);
    expect(ledger.replays.total).toBe(1);
  });

  it('timeout: a hung write is reported as timed out and maybe applied; a hung read is not', async () => {
    const fast = client({ timeoutMs: 300 });
    const order = await acknowledged();
    await admin.addFaultRule({ endpoint: 'shipments', fault: 'timeout', afterEffect: true });
    const key = idempotencyKey(order.id, 'ship');
    const err = await rejection(fast.createShipment(order.id, { idempotencyKey: key, trackingInfo: UPS }));
    expect(err).toMatchObject({ kind: 'transient', timedOut: true, mayHaveBeenApplied: true });
    await fast.createShipment(order.id, { idempotencyKey: key, trackingInfo: UPS });
    expect(await fast.listShipments(order.id)).toHaveLength(1);

    await admin.addFaultRule({ endpoint: 'order', fault: 'timeout' });
    expect(await rejection(fast.getOrder(order.id))).toMatchObject({ timedOut: true, mayHaveBeenApplied: false });
  });

  it('network: nothing listening is transient and not applied', async () => {
    const closed = await startSandbox({ port: 0 });
    const url = closed.url;
    await closed.close();
    const dead = client({ baseUrl: url });
    const err = await rejection(dead.acknowledgeOrder('1', { idempotencyKey: 'k' }));
    expect(err).toMatchObject({ kind: 'transient', mayHaveBeenApplied: false, networkCode: 'ECONNREFUSED' });
  });
});

describe('usage headers', () => {
  it('exposes the last usage per business id', async () => {
    await admin.updateSettings({ rateLimit: { callsPerWindow: 10, windowMs: 60_000 } });
    const fresh = client();
    expect(fresh.maxUsagePercent()).toBe(0);
    await fresh.listOrdersPage(cmsId);
    await fresh.listOrdersPage(cmsId);
    await fresh.listOrdersPage(cmsId);
    const businessId = sandbox.options.businessId;
    const usage = fresh.usage();
    expect(usage.businesses[businessId]?.entries).toEqual([
      { type: 'pages', callCount: 30, totalCpuTime: 30, totalTime: 30, estimatedTimeToRegainAccessMs: 0 },
    ]);
    expect(usage.app?.usage.callCount).toBe(30);
    expect(fresh.maxUsagePercent(businessId)).toBe(30);
  });
});

describe('secrets', () => {
  it('never appear in any error message, stack, or serialised error', async () => {
    const errors: GraphError[] = [];
    const order = await createdOrder();
    const wrongToken = `${TOKEN}-wrong`;
    errors.push(await rejection(client({ accessToken: wrongToken }).getOrder(order.id)));
    errors.push(await rejection(client({ appSecret: `${SECRET}-wrong` }).getOrder(order.id)));
    errors.push(await rejection(graph.getOrder('999999999999')));
    await admin.addFaultRule({ endpoint: 'acknowledge_order', fault: 'lost_response' });
    errors.push(await rejection(graph.acknowledgeOrder(order.id, { idempotencyKey: 'k1' })));
    await admin.addFaultRule({ endpoint: 'order', fault: 'timeout' });
    errors.push(await rejection(client({ timeoutMs: 200 }).getOrder(order.id)));
    await admin.throttle({ calls: 1 });
    errors.push(await rejection(graph.getOrder(order.id)));
    const url = sandbox.url;
    errors.push(await rejection(client({ baseUrl: url.replace(/:\d+$/, ':1') }).getOrder(order.id)));

    expect(new Set(errors.map((e) => e.kind))).toEqual(new Set(['auth', 'notFound', 'transient', 'throttled']));
    for (const err of errors) {
      const texts = [
        err.message,
        err.stack ?? '',
        String(err),
        JSON.stringify(err),
        err.userMessage ?? '',
        err.userTitle ?? '',
      ];
      for (const text of texts) {
        for (const secret of [TOKEN, SECRET, wrongToken, `${SECRET}-wrong`]) expect(text).not.toContain(secret);
      }
    }
  });
});
