/**
 * The conformance scenarios: every Graph endpoint and edge the product uses, written once in
 * Meta's vocabulary and run by each client (conformance.test.ts compares the runs). The
 * assertions inside a scenario hold for either client; the comparison adds that both got the
 * same answers and left the same effects in the sandbox's ledger.
 */
import { expect } from 'vitest';
import type { CreateOrdersRequest, SandboxAdminClient } from '../../../../sandbox/index.js';
import type { ConformanceClient, ErrorFacts, OrderFields, Outcome, WireTracking } from './clients.js';

export interface ScenarioContext {
  client: ConformanceClient;
  admin: SandboxAdminClient;
  cmsId: string;
  businessId: string;
  /** A new idempotency key (a UUID, as Meta recommends). */
  key(): string;
}

export interface Scenario {
  name: string;
  run(ctx: ScenarioContext): Promise<void>;
}

function ok<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`expected success, got ${JSON.stringify(outcome.error)}`);
  return outcome.value;
}

function refused(outcome: Outcome<unknown>, code: number, subcode?: number): ErrorFacts {
  if (outcome.ok) throw new Error(`expected Graph error ${code}, got success`);
  expect(outcome.error.code).toBe(code);
  expect(outcome.error.subcode).toBe(subcode);
  expect(outcome.error.fbtraceId).toMatch(/^[A-Za-z0-9_-]{10,}$/);
  expect(outcome.error.status).toBeGreaterThanOrEqual(400);
  return outcome.error;
}

// Everything an order is made of is given, so two runs create identical orders.
const ORDER: CreateOrdersRequest = {
  channel: 'instagram',
  buyer: { name: 'Zoë Ångström', email: 'zoe@example.com', emailRemarketingOption: false },
  shippingAddress: { street1: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
  shipping: { name: 'Standard', price: '5.00' },
  taxRate: 0,
  releaseDelayMs: 0,
  items: [
    { retailerId: 'SKU-TEE', quantity: 2, pricePerUnit: '20.00', productName: 'Tee' },
    { retailerId: 'SKU-MUG', quantity: 1, pricePerUnit: '12.50', productName: 'Mug' },
  ],
};

const UPS: WireTracking = { carrier: 'UPS', tracking_number: '1Z999AA10123456784', shipping_method_name: 'Ground' };
const FEDEX: WireTracking = { carrier: 'FEDEX', tracking_number: 'FX-7788' };

const LIST_FIELDS: OrderFields = {
  wire: ['id', 'order_status', 'created', 'last_updated', 'channel'],
  product: { fields: ['orderStatus', 'created', 'lastUpdated', 'channel'] },
};

const STATE_FIELDS: OrderFields = {
  wire: ['id', 'order_status', 'merchant_order_id'],
  product: { fields: ['orderStatus', 'merchantOrderId'] },
};

const FULL_FIELDS: OrderFields = {
  wire: [
    'id',
    'order_status',
    'created',
    'last_updated',
    'items{id,retailer_id,product_id,quantity,price_per_unit,status,product_name}',
    'ship_by_date',
    'channel',
    'selected_shipping_option',
    'shipping_address',
    'estimated_payment_details',
    'buyer_details',
  ],
  product: {
    fields: [
      'orderStatus',
      'created',
      'lastUpdated',
      'items',
      'shipByDate',
      'channel',
      'selectedShippingOption',
      'shippingAddress',
      'estimatedPaymentDetails',
      'buyerDetails',
    ],
    itemFields: ['status', 'productName'],
  },
};

/** A released order (CREATED after the next Graph read). */
async function newOrder(ctx: ScenarioContext, overrides: CreateOrdersRequest = {}) {
  return ctx.admin.createOrder({ ...ORDER, ...overrides });
}

async function acknowledged(ctx: ScenarioContext, overrides: CreateOrdersRequest = {}) {
  const order = await newOrder(ctx, overrides);
  ok(await ctx.client.acknowledgeOrder(order.id, { idempotency_key: ctx.key() }));
  return order;
}

async function stateOf(ctx: ScenarioContext, orderId: string): Promise<string | undefined> {
  return ok(await ctx.client.getOrder(orderId, STATE_FIELDS)).state;
}

export const SCENARIOS: Scenario[] = [
  {
    name: "listing: 60 orders through 9 pages of the client's own cursor",
    async run(ctx) {
      await ctx.admin.createOrders({ ...ORDER, count: 60 });
      const { pages } = ok(await ctx.client.listOrders(ctx.cmsId, { state: 'CREATED', limit: 7, fields: LIST_FIELDS }));
      expect(pages.map((page) => page.length)).toEqual([7, 7, 7, 7, 7, 7, 7, 7, 4]);
      expect(new Set(pages.flat()).size).toBe(60);
    },
  },
  {
    name: 'listing: several states, line-item filters (AND) and updated_after',
    async run(ctx) {
      const [unshipped, partly, shipped, waiting] = [
        await acknowledged(ctx),
        await acknowledged(ctx),
        await acknowledged(ctx),
        await newOrder(ctx),
      ];
      ok(
        await ctx.client.createShipment(partly.id, {
          idempotency_key: ctx.key(),
          tracking_info: UPS,
          items: [{ retailer_id: 'SKU-TEE', quantity: 1 }],
        }),
      );
      ok(await ctx.client.createShipment(shipped.id, { idempotency_key: ctx.key(), tracking_info: UPS }));
      const since = Math.floor(Date.now() / 1000) - 600;
      const ids = async (filters?: string) =>
        ok(
          await ctx.client.listOrders(ctx.cmsId, {
            state: 'CREATED,IN_PROGRESS,COMPLETED',
            filters,
            updated_after: since,
          }),
        )
          .pages.flat()
          .sort();
      expect(await ids()).toEqual([unshipped.id, partly.id, shipped.id, waiting!.id].sort());
      expect(await ids('no_shipments')).toEqual([unshipped.id, partly.id, waiting!.id].sort());
      expect(await ids('has_fulfillments,no_cancellations')).toEqual([partly.id, shipped.id].sort());
      expect(await ids('has_refunds')).toEqual([]);
    },
  },
  {
    name: 'field selection: nested items, buyer, address and money; defaults; the items edge; a product',
    async run(ctx) {
      const order = await newOrder(ctx);
      const full = ok(await ctx.client.getOrder(order.id, FULL_FIELDS));
      expect(full).toEqual({ id: order.id, state: 'CREATED' });
      expect(ok(await ctx.client.getOrder(order.id))).toEqual({ id: order.id, state: 'CREATED' });
      const items = ok(await ctx.client.listItems(order.id, ['status', 'taxDetails', 'customization']));
      expect(items.ids).toEqual(order.items.map((item) => item.id));
      const product = ok(await ctx.client.getProduct(order.items[0]!.productId, ['description', 'brand', 'inventory']));
      expect(product.id).toBe(order.items[0]!.productId);
    },
  },
  {
    name: 'acknowledge: with a reference, the same key again (replay), a new key (refused), FB_PROCESSING (refused)',
    async run(ctx) {
      const order = await newOrder(ctx);
      const request = { idempotency_key: ctx.key(), merchant_order_reference: 'OMS-1001' };
      ok(await ctx.client.acknowledgeOrder(order.id, request));
      ok(await ctx.client.acknowledgeOrder(order.id, request));
      refused(await ctx.client.acknowledgeOrder(order.id, { ...request, idempotency_key: ctx.key() }), 100);
      expect(await stateOf(ctx, order.id)).toBe('IN_PROGRESS');
      const processing = await newOrder(ctx, { releaseDelayMs: 3_600_000 });
      refused(await ctx.client.acknowledgeOrder(processing.id, { idempotency_key: ctx.key() }), 100);
    },
  },
  {
    name: 'acknowledge in bulk: one line per order, an error on the lines not acknowledged, replayed whole',
    async run(ctx) {
      const [first, second, done] = await ctx.admin.createOrders({ ...ORDER, count: 3 });
      ok(await ctx.client.acknowledgeOrder(done!.id, { idempotency_key: ctx.key() }));
      const request = {
        idempotency_key: ctx.key(),
        orders: [
          { id: first!.id, merchant_order_reference: 'OMS-1' },
          { id: second!.id },
          { id: done!.id },
          { id: '999999999999999' },
        ],
      };
      const lines = ok(await ctx.client.acknowledgeOrders(ctx.cmsId, request));
      expect(lines.map((line) => [line.state, line.error?.code, line.error?.subcode])).toEqual([
        ['IN_PROGRESS', undefined, undefined],
        ['IN_PROGRESS', undefined, undefined],
        ['IN_PROGRESS', 100, undefined],
        [undefined, 100, 33],
      ]);
      expect(ok(await ctx.client.acknowledgeOrders(ctx.cmsId, request))).toEqual(lines);
    },
  },
  {
    name: 'shipments: partial by retailer_id, the rest, update_shipment by external and by shipment id, shipments edge',
    async run(ctx) {
      const order = await acknowledged(ctx);
      ok(
        await ctx.client.createShipment(order.id, {
          idempotency_key: ctx.key(),
          items: [{ retailer_id: 'SKU-TEE', quantity: 1 }],
          tracking_info: UPS,
          external_shipment_id: 'box_1',
        }),
      );
      ok(
        await ctx.client.createShipment(order.id, {
          idempotency_key: ctx.key(),
          items: [
            { item_id: order.items[0]!.id, quantity: 1 },
            { item_id: order.items[1]!.id, quantity: 1 },
          ],
          tracking_info: UPS,
        }),
      );
      const { ids } = ok(await ctx.client.history(order.id, 'shipments'));
      expect(ids).toHaveLength(2);
      ok(
        await ctx.client.updateShipment(order.id, {
          idempotency_key: ctx.key(),
          external_shipment_id: 'box_1',
          tracking_info: FEDEX,
        }),
      );
      ok(
        await ctx.client.updateShipment(order.id, {
          idempotency_key: ctx.key(),
          shipment_id: ids[1],
          tracking_info: FEDEX,
        }),
      );
      refused(
        await ctx.client.createShipment(order.id, { idempotency_key: ctx.key(), tracking_info: UPS }),
        100,
        1818214,
      );
      expect(await stateOf(ctx, order.id)).toBe('COMPLETED');
      expect(ok(await ctx.client.history(order.id, 'shipments')).ids).toEqual(ids);
    },
  },
  {
    name: 'cancellations: by item, whole order refused once partly shipped (1818050), the rest by name, the edge',
    async run(ctx) {
      const order = await acknowledged(ctx);
      const cancel_reason = { reason_code: 'OUT_OF_STOCK' as const, reason_description: 'Sold out' };
      ok(
        await ctx.client.cancelOrder(order.id, {
          idempotency_key: ctx.key(),
          cancel_reason,
          restock_items: true,
          items: [{ item_id: order.items[1]!.id, quantity: 1 }],
        }),
      );
      ok(
        await ctx.client.createShipment(order.id, {
          idempotency_key: ctx.key(),
          items: [{ retailer_id: 'SKU-TEE', quantity: 1 }],
          tracking_info: UPS,
        }),
      );
      refused(
        await ctx.client.cancelOrder(order.id, {
          idempotency_key: ctx.key(),
          cancel_reason: { reason_code: 'CUSTOMER_REQUESTED' },
          restock_items: false,
        }),
        100,
        1818050,
      );
      ok(
        await ctx.client.cancelOrder(order.id, {
          idempotency_key: ctx.key(),
          cancel_reason: { reason_code: 'CUSTOMER_REQUESTED' },
          restock_items: false,
          items: [{ retailer_id: 'SKU-TEE', quantity: 1 }],
        }),
      );
      expect(await stateOf(ctx, order.id)).toBe('COMPLETED');
      expect(ok(await ctx.client.history(order.id, 'cancellations')).ids).toHaveLength(2);
    },
  },
  {
    name: 'refunds: by quantity, by amount, shipping with a deduction, the rest; nothing left (1818107); a cancelled order (1818105)',
    async run(ctx) {
      const order = await acknowledged(ctx);
      ok(await ctx.client.createShipment(order.id, { idempotency_key: ctx.key(), tracking_info: UPS }));
      const usd = (amount: string) => ({ amount, currency: 'USD' });
      ok(
        await ctx.client.refundOrder(order.id, {
          idempotency_key: ctx.key(),
          reason_code: 'DAMAGED_GOODS',
          reason_text: 'Arrived torn',
          items: [{ retailer_id: 'SKU-TEE', item_refund_quantity: 1 }],
        }),
      );
      ok(
        await ctx.client.refundOrder(order.id, {
          idempotency_key: ctx.key(),
          reason_code: 'QUALITY_ISSUE',
          items: [{ item_id: order.items[1]!.id, item_refund_amount: usd('5.00') }],
        }),
      );
      ok(
        await ctx.client.refundOrder(order.id, {
          idempotency_key: ctx.key(),
          reason_code: 'REFUND_REASON_OTHER',
          shipping: { shipping_refund: usd('5.00') },
          deductions: [{ deduction_type: 'RETURN_SHIPPING', deduction_amount: usd('1.00') }],
        }),
      );
      ok(await ctx.client.refundOrder(order.id, { idempotency_key: ctx.key(), reason_code: 'BUYERS_REMORSE' }));
      refused(
        await ctx.client.refundOrder(order.id, { idempotency_key: ctx.key(), reason_code: 'BUYERS_REMORSE' }),
        100,
        1818107,
      );
      expect(ok(await ctx.client.history(order.id, 'refunds')).ids).toHaveLength(4);

      const cancelled = await acknowledged(ctx);
      ok(
        await ctx.client.cancelOrder(cancelled.id, {
          idempotency_key: ctx.key(),
          cancel_reason: { reason_code: 'CUSTOMER_REQUESTED' },
          restock_items: true,
        }),
      );
      refused(
        await ctx.client.refundOrder(cancelled.id, { idempotency_key: ctx.key(), reason_code: 'BUYERS_REMORSE' }),
        100,
        1818105,
      );
    },
  },
  {
    name: "returns: a buyer's returns read from the returns edge, accepted or closed (update_return), refunded by return_id",
    async run(ctx) {
      const order = await acknowledged(ctx);
      ok(await ctx.client.createShipment(order.id, { idempotency_key: ctx.key(), tracking_info: UPS }));
      expect(ok(await ctx.client.history(order.id, 'returns')).ids).toEqual([]);
      const made = await ctx.admin.createReturn(order.id, {
        items: [{ retailerId: 'SKU-TEE', quantity: 1 }],
        reason: 'Too small',
      });
      const closed = await ctx.admin.createReturn(order.id, { items: [{ retailerId: 'SKU-MUG', quantity: 1 }] });
      const { ids } = ok(await ctx.client.history(order.id, 'returns'));
      expect(ids).toEqual([made.objectId, closed.objectId]);
      const accept = {
        idempotency_key: ctx.key(),
        update_event: 'ACCEPT_RETURN' as const,
        merchant_return_id: 'RMA-1',
      };
      ok(await ctx.client.updateReturn(ids[0]!, accept));
      ok(await ctx.client.updateReturn(ids[0]!, accept));
      ok(await ctx.client.updateReturn(ids[1]!, { idempotency_key: ctx.key(), update_event: 'CLOSE_RETURN' }));
      refused(
        await ctx.client.updateReturn(ids[1]!, { idempotency_key: ctx.key(), update_event: 'ACCEPT_RETURN' }),
        100,
      );
      ok(
        await ctx.client.refundOrder(order.id, {
          idempotency_key: ctx.key(),
          reason_code: 'QUALITY_ISSUE',
          items: [{ retailer_id: 'SKU-TEE', item_refund_quantity: 1 }],
          return_id: ids[0],
        }),
      );
      expect(ok(await ctx.client.history(order.id, 'refunds')).ids).toHaveLength(1);
    },
  },
  {
    name: 'order_management_apps: disconnect and connect, both keyed and replayed; acknowledgement refused meanwhile (200)',
    async run(ctx) {
      const taken = await newOrder(ctx);
      expect(await stateOf(ctx, taken.id)).toBe('CREATED');
      const off = ctx.key();
      ok(await ctx.client.disconnect(ctx.cmsId, off));
      // Commerce Manager acknowledges what waited, and everything released from now on.
      expect(await stateOf(ctx, taken.id)).toBe('IN_PROGRESS');
      ok(await ctx.client.disconnect(ctx.cmsId, off));
      const meanwhile = await newOrder(ctx);
      refused(await ctx.client.acknowledgeOrder(meanwhile.id, { idempotency_key: ctx.key() }), 200);
      refused(await ctx.client.connect(ctx.cmsId, off), 100, 2388049);
      const on = ctx.key();
      ok(await ctx.client.connect(ctx.cmsId, on));
      ok(await ctx.client.connect(ctx.cmsId, on));
      const fresh = await newOrder(ctx);
      expect(await stateOf(ctx, fresh.id)).toBe('CREATED');
      ok(await ctx.client.acknowledgeOrder(fresh.id, { idempotency_key: ctx.key() }));
    },
  },
  {
    name: 'errors as each client parses them: code, subcode, type and fbtrace_id',
    async run(ctx) {
      const unknown = refused(await ctx.client.getOrder('123456789012345'), 100, 33);
      expect(unknown.type).toBe('GraphMethodException');
      const order = await newOrder(ctx);
      expect(
        refused(await ctx.client.createShipment(order.id, { idempotency_key: ctx.key(), tracking_info: UPS }), 100)
          .type,
      ).toBe('OAuthException');
      const cancelled = await acknowledged(ctx);
      ok(
        await ctx.client.cancelOrder(cancelled.id, {
          idempotency_key: ctx.key(),
          cancel_reason: { reason_code: 'SUSPICIOUS_ORDER' },
          restock_items: false,
        }),
      );
      refused(
        await ctx.client.createShipment(cancelled.id, { idempotency_key: ctx.key(), tracking_info: UPS }),
        100,
        1818111,
      );
      refused(
        await ctx.client.cancelOrder(cancelled.id, {
          idempotency_key: ctx.key(),
          cancel_reason: { reason_code: 'SUSPICIOUS_ORDER' },
          restock_items: false,
        }),
        100,
        1818048,
      );
    },
  },
  {
    name: "idempotency: a refused request's key replays the refusal, trace id included; another body under it is refused",
    async run(ctx) {
      const order = await newOrder(ctx);
      const request = { idempotency_key: ctx.key(), tracking_info: UPS };
      const first = refused(await ctx.client.createShipment(order.id, request), 100);
      ok(await ctx.client.acknowledgeOrder(order.id, { idempotency_key: ctx.key() }));
      const again = refused(await ctx.client.createShipment(order.id, request), 100);
      expect(again.fbtraceId).toBe(first.fbtraceId);
      refused(await ctx.client.createShipment(order.id, { ...request, external_shipment_id: 'box_9' }), 100, 2388049);
      expect(await stateOf(ctx, order.id)).toBe('IN_PROGRESS');
    },
  },
  {
    name: 'rate limits: usage headers read by the client; throttled (80001) with the time to regain access',
    async run(ctx) {
      await ctx.admin.updateSettings({ rateLimit: { callsPerWindow: 8, windowMs: 3_600_000 } });
      const order = await newOrder(ctx);
      for (let call = 1; call <= 3; call += 1) ok(await ctx.client.getOrder(order.id));
      expect(ctx.client.usage(ctx.businessId)).toEqual({ callCount: 38, regainMinutes: 0 });
      for (let call = 4; call <= 8; call += 1) ok(await ctx.client.getOrder(order.id));
      const throttled = refused(await ctx.client.getOrder(order.id), 80001);
      expect(throttled.status).toBe(400);
      const reading = ctx.client.usage(ctx.businessId);
      expect(reading?.callCount).toBe(100);
      expect(reading?.regainMinutes).toBeGreaterThanOrEqual(58);
    },
  },
];
