/**
 * The admin API under /_admin/: what Meta's side of the world does (create, release, buyer
 * cancel, Commerce Manager actions, returns), plus clock, settings, faults, reset and the ledger.
 * No Graph token: it is bound to loopback and is for tests, benchmarks and the demo.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { formatAmount } from './money.js';
import {
  ClockRequestSchema,
  CreateOrdersRequestSchema,
  ExternalCancelRequestSchema,
  ExternalRefundRequestSchema,
  ExternalShipRequestSchema,
  FaultConfigSchema,
  FaultPatchSchema,
  ReleaseRequestSchema,
  ReturnActionRequestSchema,
  ReturnRequestSchema,
  SettingsPatchSchema,
  type CreatedOrder,
  type OrderSnapshot,
  type SettingsView,
} from './admin-schemas.js';
import { SandboxGraphError } from './errors.js';
import { readBody } from './http-body.js';
import type { Origin, StoredOrder } from './model.js';
import {
  buyerCancel,
  cancel,
  createReturn,
  refund,
  ship,
  updateReturn,
  type AppliedEffect,
  type MoneyInput,
  type RuleContext,
} from './order-rules.js';
import { createOrders } from './order-factory.js';
import type { SandboxState } from './state.js';

function adminError(status: number, message: string): SandboxGraphError {
  return new SandboxGraphError(status, 'SandboxAdminException', 100, message);
}

interface AdminRequest {
  state: SandboxState;
  match: RegExpExecArray;
  body: unknown;
  query: URLSearchParams;
}

type AdminHandler = (request: AdminRequest) => unknown;

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw adminError(400, `Invalid admin request: ${issue.path.join('.') || 'body'}: ${issue.message}`);
}

function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

function orderOr404(state: SandboxState, id: string): StoredOrder {
  state.store.releaseDue(state.clock.now());
  const order = state.store.order(id);
  if (!order) throw adminError(404, `No order ${id}`);
  return order;
}

function created(order: StoredOrder): CreatedOrder {
  return {
    id: order.id,
    state: order.state,
    channel: order.channel,
    createdAt: iso(order.createdMs)!,
    releaseAt: iso(order.releaseAtMs),
    items: order.items.map((item) => ({
      id: item.id,
      retailerId: item.retailerId,
      productId: item.productId,
      quantity: item.quantity,
    })),
  };
}

export function orderSnapshot(order: StoredOrder): OrderSnapshot {
  const money = (minor: bigint) => ({ amount: formatAmount(minor), currency: order.currency });
  return {
    id: order.id,
    state: order.state,
    channel: order.channel,
    createdAt: iso(order.createdMs)!,
    lastUpdatedAt: iso(order.lastUpdatedMs)!,
    releaseAt: iso(order.releaseAtMs),
    releasedAt: iso(order.releasedMs),
    merchantOrderReference: order.merchantOrderReference ?? null,
    buyer: { ...order.buyer },
    items: order.items.map((item) => ({
      id: item.id,
      retailerId: item.retailerId,
      productId: item.productId,
      productName: item.productName,
      quantity: item.quantity,
      pricePerUnit: money(item.unitPriceMinor),
      shipped: item.shipped,
      cancelled: item.cancelled,
      refundedQuantity: item.refundedQuantity,
      refundedAmount: money(item.refundedMinor),
    })),
    shipments: order.shipments.length,
    cancellations: order.cancellations.length,
    refunds: order.refunds.length,
    returns: order.returns.length,
    shippingRefunded: money(order.shippingRefundedMinor),
  };
}

/** Applies a Meta-side action and records it in the ledger with its origin (marked external). */
function effect(
  state: SandboxState,
  orderId: string,
  origin: Exclude<Origin, 'api'>,
  act: (order: StoredOrder, ctx: RuleContext) => AppliedEffect,
): unknown {
  const order = orderOr404(state, orderId);
  const ctx = state.ruleContext();
  const applied = act(order, ctx);
  state.ledger.recordEffect({
    atMs: ctx.now,
    orderId: order.id,
    kind: applied.kind,
    origin,
    objectId: applied.objectId,
  });
  return { orderId: order.id, objectId: applied.objectId ?? null, state: order.state };
}

function settingsView(state: SandboxState): SettingsView {
  return {
    url: state.url,
    cmsId: state.options.cmsId,
    businessId: state.options.businessId,
    appSecretRequired: state.settings.appSecret !== undefined,
    releaseDelayMs: state.settings.releaseDelayMs,
    connected: state.settings.connected,
    rateLimit: { ...state.settings.rateLimit },
    clockOffsetMs: state.clock.offset,
    orders: state.store.all().length,
    idempotencyKeys: state.idempotency.size,
  };
}

let trackingCounter = 0;

const ROUTES: { method: string; pattern: RegExp; handler: AdminHandler }[] = [
  { method: 'GET', pattern: /^\/_admin\/health$/, handler: ({ state }) => ({ ok: true, url: state.url }) },
  { method: 'GET', pattern: /^\/_admin\/settings$/, handler: ({ state }) => settingsView(state) },
  {
    method: 'POST',
    pattern: /^\/_admin\/settings$/,
    handler: ({ state, body }) => {
      const patch = parse(SettingsPatchSchema, body);
      if (patch.accessToken !== undefined) state.settings.rotateAccessToken(patch.accessToken);
      if (patch.appSecret !== undefined) state.settings.appSecret = patch.appSecret ?? undefined;
      if (patch.releaseDelayMs !== undefined) state.settings.releaseDelayMs = patch.releaseDelayMs;
      if (patch.rateLimit !== undefined) state.settings.rateLimit = { ...patch.rateLimit };
      if (patch.connected !== undefined && patch.connected !== state.settings.connected) {
        const now = state.clock.now();
        state.store.releaseDue(now);
        state.store.setConnected(patch.connected, now);
        state.ledger.recordEffect({
          atMs: now,
          orderId: null,
          kind: patch.connected ? 'connect' : 'disconnect',
          origin: 'commerce_manager',
        });
      }
      return settingsView(state);
    },
  },
  {
    method: 'POST',
    pattern: /^\/_admin\/orders$/,
    handler: ({ state, body }) => ({
      orders: createOrders(state, parse(CreateOrdersRequestSchema, body)).map(created),
    }),
  },
  {
    method: 'GET',
    pattern: /^\/_admin\/orders$/,
    handler: ({ state, query }) => {
      state.store.releaseDue(state.clock.now());
      const wanted = query.get('state');
      return {
        orders: state.store
          .all()
          .filter((order) => wanted === null || order.state === wanted)
          .map((order) => ({ id: order.id, state: order.state, lastUpdatedAt: iso(order.lastUpdatedMs)! })),
      };
    },
  },
  {
    method: 'POST',
    pattern: /^\/_admin\/orders\/release$/,
    handler: ({ state, body }) => {
      const request = parse(ReleaseRequestSchema, body);
      const now = state.clock.now();
      state.store.releaseDue(now);
      const targets = request.orderIds
        ? request.orderIds.map((id) => orderOr404(state, id))
        : state.store.all().filter((order) => order.state === 'FB_PROCESSING' && order.cancellations.length === 0);
      const released: string[] = [];
      for (const order of targets) {
        if (order.state !== 'FB_PROCESSING' || order.cancellations.length > 0) continue;
        state.store.release(order, now, 'platform');
        released.push(order.id);
      }
      return { released };
    },
  },
  {
    method: 'GET',
    pattern: /^\/_admin\/orders\/(\d+)$/,
    handler: ({ state, match }) => orderSnapshot(orderOr404(state, match[1]!)),
  },
  {
    method: 'POST',
    pattern: /^\/_admin\/orders\/(\d+)\/release$/,
    handler: ({ state, match }) => {
      const order = orderOr404(state, match[1]!);
      if (order.state !== 'FB_PROCESSING' || order.cancellations.length > 0)
        throw adminError(400, `Order ${order.id} is ${order.state}, not waiting for release`);
      state.store.release(order, state.clock.now(), 'platform');
      return { released: [order.id] };
    },
  },
  {
    method: 'POST',
    pattern: /^\/_admin\/orders\/(\d+)\/buyer-cancel$/,
    handler: ({ state, match }) => effect(state, match[1]!, 'buyer', (order, ctx) => buyerCancel(ctx, order)),
  },
  {
    method: 'POST',
    pattern: /^\/_admin\/orders\/(\d+)\/ship$/,
    handler: ({ state, match, body }) => {
      const request = parse(ExternalShipRequestSchema, body);
      trackingCounter += 1;
      return effect(state, match[1]!, 'commerce_manager', (order, ctx) =>
        ship(
          ctx,
          order,
          {
            items: request.items,
            tracking: {
              carrier: request.carrier,
              trackingNumber: request.trackingNumber ?? `CM${String(trackingCounter).padStart(10, '0')}`,
              shippingMethodName: request.shippingMethodName,
            },
          },
          'commerce_manager',
        ),
      );
    },
  },
  {
    method: 'POST',
    pattern: /^\/_admin\/orders\/(\d+)\/cancel$/,
    handler: ({ state, match, body }) => {
      const request = parse(ExternalCancelRequestSchema, body);
      const origin = request.initiatedBy === 'BUYER' ? 'buyer' : 'commerce_manager';
      return effect(state, match[1]!, origin, (order, ctx) =>
        cancel(
          ctx,
          order,
          {
            items: request.items,
            reasonCode: request.reasonCode,
            reasonDescription: request.reasonDescription,
            restockItems: request.restock,
            initiatedBy: request.initiatedBy,
          },
          origin,
        ),
      );
    },
  },
  {
    method: 'POST',
    pattern: /^\/_admin\/orders\/(\d+)\/refund$/,
    handler: ({ state, match, body }) => {
      const request = parse(ExternalRefundRequestSchema, body);
      const origin = request.issuedBy === 'META' ? 'platform' : 'commerce_manager';
      return effect(state, match[1]!, origin, (order, ctx) => {
        const money = (amount: string): MoneyInput => ({ amount, currency: order.currency });
        return refund(
          ctx,
          order,
          {
            reasonCode: request.reasonCode,
            reasonText: request.reasonText,
            items: request.items?.map((line) => ({
              retailerId: line.retailerId,
              itemId: line.itemId,
              quantity: line.quantity,
              amount: line.amount === undefined ? undefined : money(line.amount),
            })),
            shipping: request.shipping === undefined ? undefined : money(request.shipping),
            deductions: request.deductions?.map((d) => ({ type: d.type, amount: money(d.amount) })),
            adjustment: request.adjustment === undefined ? undefined : money(request.adjustment),
            returnId: request.returnId,
          },
          origin,
        );
      });
    },
  },
  {
    method: 'POST',
    pattern: /^\/_admin\/orders\/(\d+)\/return$/,
    handler: ({ state, match, body }) => {
      const request = parse(ReturnRequestSchema, body);
      return effect(state, match[1]!, 'buyer', (order, ctx) => createReturn(ctx, order, request));
    },
  },
  {
    method: 'POST',
    pattern: /^\/_admin\/returns\/(\d+)$/,
    handler: ({ state, match, body }) => {
      const { action } = parse(ReturnActionRequestSchema, body);
      const returnId = match[1]!;
      const order = state.store.orderOfReturn(returnId);
      if (!order) throw adminError(404, `No return ${returnId}`);
      const event = ({ approve: 'ACCEPT_RETURN', decline: 'DECLINE_RETURN', close: 'CLOSE_RETURN' } as const)[action];
      return effect(state, order.id, 'commerce_manager', (o, ctx) => updateReturn(ctx, o, returnId, event));
    },
  },
  {
    method: 'POST',
    pattern: /^\/_admin\/clock$/,
    handler: ({ state, body }) => {
      const request = parse(ClockRequestSchema, body);
      if (request.offsetMs !== undefined) state.clock.setOffset(request.offsetMs);
      if (request.advanceMs !== undefined) state.clock.advance(request.advanceMs);
      const now = state.clock.now();
      state.store.releaseDue(now);
      return { now: new Date(now).toISOString(), nowMs: now, offsetMs: state.clock.offset };
    },
  },
  { method: 'GET', pattern: /^\/_admin\/faults$/, handler: ({ state }) => state.faults.state() },
  {
    method: 'POST',
    pattern: /^\/_admin\/faults$/,
    handler: ({ state, body }) => {
      state.faults.apply(parse(FaultPatchSchema, body));
      return state.faults.state();
    },
  },
  {
    method: 'PUT',
    pattern: /^\/_admin\/faults$/,
    handler: ({ state, body }) => {
      state.faults.replace(parse(FaultConfigSchema, body));
      return state.faults.state();
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/_admin\/faults$/,
    handler: ({ state }) => {
      state.faults.clear();
      return state.faults.state();
    },
  },
  {
    method: 'GET',
    pattern: /^\/_admin\/ledger$/,
    handler: ({ state, query }) => state.ledger.snapshot(query.get('orderId') ?? undefined),
  },
  {
    method: 'GET',
    pattern: /^\/_admin\/rate-limit$/,
    handler: ({ state }) => ({
      ...state.settings.rateLimit,
      ...state.limiter.usage(),
      throttleBurstRemainingMs: state.faults.throttleRemainingMs(),
    }),
  },
  {
    method: 'POST',
    pattern: /^\/_admin\/reset$/,
    handler: ({ state }) => {
      state.reset();
      return settingsView(state);
    },
  },
];

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export async function handleAdmin(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  search: string,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  try {
    const candidates = ROUTES.filter((route) => route.pattern.test(pathname));
    if (candidates.length === 0) throw adminError(404, `No admin route ${pathname}`);
    const route = candidates.find((candidate) => candidate.method === method);
    if (!route) throw adminError(405, `${method} is not supported on ${pathname}`);
    const raw = method === 'GET' ? Buffer.alloc(0) : await readBody(req);
    let body: unknown = undefined;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw adminError(400, 'Admin request bodies must be JSON');
      }
    }
    const match = route.pattern.exec(pathname)!;
    send(res, 200, route.handler({ state, match, body, query: new URLSearchParams(search) }));
  } catch (error) {
    if (!(error instanceof SandboxGraphError)) throw error;
    send(res, error.httpStatus, error.toBody());
  }
}
