/**
 * The Graph POST/DELETE endpoints. Every write (Meta: every state-changing POST, PUT or DELETE)
 * goes through `idempotentWrite`: key check, strict parse, replay or conflict, then the order
 * rule, then the answer and effects are committed together. All of it is synchronous, so no other
 * request can slip in between check and effect. A refusal of the request itself (code 100) is
 * committed under the key as well: the same request again gets exactly the same answer.
 */
import type { z } from 'zod';
import { invalidParameter, notConnected, SandboxGraphError } from './errors.js';
import { ok, type GraphAnswer, type GraphCall } from './graph-call.js';
import {
  canonicalJson,
  idempotencyConflict,
  isStorableRefusal,
  requireIdempotencyKey,
  unparsedFingerprint,
} from './idempotency.js';
import type { TrackingInfo } from './model.js';
import {
  acknowledge,
  cancel,
  refund,
  ship,
  updateReturn,
  updateShipment,
  type AppliedEffect,
  type RuleContext,
  type UnitRequest,
} from './order-rules.js';
import {
  AcknowledgeOrderRequest,
  AcknowledgeOrdersRequest,
  CancellationRequest,
  EmptyWriteRequest,
  parseParams,
  RefundRequest,
  ShipmentRequest,
  UpdateReturnRequest,
  UpdateShipmentRequest,
  type TrackingInfoParam,
  type UnitRefParam,
} from './request-schemas.js';

interface WriteOutcome {
  body: unknown;
  effects: AppliedEffect[];
}

type Parsed<T> = { ok: true; request: T } | { ok: false; refusal: SandboxGraphError };

/** A validation refusal is kept to be answered (and stored) after the key check. */
function parseForWrite<S extends z.ZodType>(schema: S, params: Record<string, unknown>): Parsed<z.output<S>> {
  try {
    return { ok: true, request: parseParams(schema, params) };
  } catch (error) {
    if (!(error instanceof SandboxGraphError) || !isStorableRefusal(error)) throw error;
    return { ok: false, refusal: error };
  }
}

/**
 * What a key is bound to besides the parameters. POST keeps the bare endpoint name (as saved in
 * state files); another method is named too, so connect and disconnect never share a key.
 */
function keyScope(call: GraphCall): string {
  return call.method === 'POST' ? call.endpoint : `${call.method} ${call.endpoint}`;
}

/** The refusal's error code, for the ledger's error counter when it is replayed. */
function storedErrorCode(body: string): number | undefined {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'number' ? code : undefined;
  } catch {
    return undefined;
  }
}

function idempotentWrite<S extends z.ZodType>(
  call: GraphCall,
  schema: S,
  apply: (request: z.output<S>, ctx: RuleContext) => WriteOutcome,
): GraphAnswer {
  const { state } = call;
  const key = requireIdempotencyKey(call.params);
  const { idempotency_key: _key, ...rest } = call.params;
  const scope = keyScope(call);
  const parsed = parseForWrite(schema, rest);
  const fingerprint = parsed.ok ? canonicalJson(parsed.request) : unparsedFingerprint(rest);
  const outcome = state.idempotency.check(key, scope, call.objectId, fingerprint);
  if (outcome.kind === 'replay') {
    state.ledger.countReplay(call.endpointKey);
    if (outcome.answer.httpStatus >= 400) {
      const code = storedErrorCode(outcome.answer.body);
      if (code !== undefined) state.ledger.countError(code);
    }
    return { status: outcome.answer.httpStatus, body: outcome.answer.body };
  }
  if (outcome.kind === 'conflict') {
    state.ledger.countRejectedDuplicate(call.endpointKey);
    throw idempotencyConflict(outcome.answer);
  }
  const ctx = state.ruleContext();
  let applied: WriteOutcome;
  try {
    if (!parsed.ok) throw parsed.refusal;
    applied = apply(parsed.request, ctx);
  } catch (error) {
    if (!(error instanceof SandboxGraphError) || !isStorableRefusal(error)) throw error;
    // Answered here rather than rethrown, so the stored body is byte for byte the one sent.
    const errorBody = error.toBody();
    const refusal: GraphAnswer = {
      status: error.httpStatus,
      body: JSON.stringify(errorBody),
      traceId: errorBody.error.fbtrace_id,
    };
    state.idempotency.save(key, {
      endpoint: scope,
      objectId: call.objectId,
      fingerprint,
      httpStatus: refusal.status,
      body: refusal.body,
    });
    state.ledger.countError(error.code);
    return refusal;
  }
  const { body, effects } = applied;
  const answer = ok(body);
  state.idempotency.save(key, {
    endpoint: scope,
    objectId: call.objectId,
    fingerprint,
    httpStatus: answer.status,
    body: answer.body,
  });
  const canonicalRequest: unknown = JSON.parse(fingerprint);
  for (const effect of effects) {
    state.ledger.recordEffect({
      atMs: ctx.now,
      orderId: effect.orderId,
      kind: effect.kind,
      origin: 'api',
      endpoint: call.endpointKey,
      idempotencyKey: key,
      request: canonicalRequest,
      objectId: effect.objectId,
    });
  }
  return answer;
}

function units(items: UnitRefParam[] | undefined): UnitRequest[] | undefined {
  return items?.map((item) => ({ retailerId: item.retailer_id, itemId: item.item_id, quantity: item.quantity }));
}

function tracking(info: TrackingInfoParam): TrackingInfo {
  return { carrier: info.carrier, trackingNumber: info.tracking_number, shippingMethodName: info.shipping_method_name };
}

function orderOf(call: GraphCall) {
  return call.state.store.order(call.objectId)!;
}

export function acknowledgeOrder(call: GraphCall): GraphAnswer {
  return idempotentWrite(call, AcknowledgeOrderRequest, (request, ctx) => ({
    body: { success: true },
    effects: [acknowledge(ctx, orderOf(call), request.merchant_order_reference)],
  }));
}

/**
 * Bulk acknowledgement: one answer line per order, `{ id, state }`, plus an `error` when that
 * order was not acknowledged by this call (unknown id, wrong state). The call as a whole fails
 * only for a bad request or a disconnected account.
 */
export function acknowledgeOrders(call: GraphCall): GraphAnswer {
  return idempotentWrite(call, AcknowledgeOrdersRequest, (request, ctx) => {
    const ids = request.orders.map((entry) => entry.id);
    const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
    if (duplicate !== undefined) throw invalidParameter(`Order ${duplicate} is listed more than once`);
    // Checked for the whole call first, so a disconnected account fails the call, not each line.
    if (!ctx.connected) throw notConnected();
    const results: Record<string, unknown>[] = [];
    const effects: AppliedEffect[] = [];
    for (const entry of request.orders) {
      const order = ctx.store.order(entry.id);
      if (!order) {
        results.push({
          id: entry.id,
          error: {
            message: `Order ${entry.id} does not exist or is not visible to this account`,
            code: 100,
            error_subcode: 33,
          },
        });
        continue;
      }
      try {
        effects.push(acknowledge(ctx, order, entry.merchant_order_reference));
        results.push({ id: order.id, state: order.state });
      } catch (error) {
        if (!(error instanceof SandboxGraphError)) throw error;
        const detail: Record<string, unknown> = { message: error.message, code: error.code };
        if (error.details.subcode !== undefined) detail.error_subcode = error.details.subcode;
        results.push({ id: order.id, state: order.state, error: detail });
      }
    }
    return { body: { orders: results }, effects };
  });
}

export function createShipment(call: GraphCall): GraphAnswer {
  return idempotentWrite(call, ShipmentRequest, (request, ctx) => ({
    body: { success: true },
    effects: [
      ship(
        ctx,
        orderOf(call),
        {
          items: units(request.items),
          tracking: tracking(request.tracking_info),
          externalShipmentId: request.external_shipment_id,
          merchantOrderReference: request.merchant_order_reference,
        },
        'api',
      ),
    ],
  }));
}

export function updateShipmentTracking(call: GraphCall): GraphAnswer {
  return idempotentWrite(call, UpdateShipmentRequest, (request, ctx) => ({
    body: { success: true },
    effects: [
      updateShipment(ctx, orderOf(call), {
        shipmentId: request.shipment_id ?? request.fulfillment_id,
        externalShipmentId: request.external_shipment_id,
        tracking: tracking(request.tracking_info),
      }),
    ],
  }));
}

export function createCancellation(call: GraphCall): GraphAnswer {
  return idempotentWrite(call, CancellationRequest, (request, ctx) => ({
    body: { success: true },
    effects: [
      cancel(
        ctx,
        orderOf(call),
        {
          items: units(request.items),
          reasonCode: request.cancel_reason?.reason_code ?? 'CANCEL_REASON_OTHER',
          reasonDescription: request.cancel_reason?.reason_description,
          restockItems: request.restock_items,
        },
        'api',
      ),
    ],
  }));
}

export function createRefund(call: GraphCall): GraphAnswer {
  return idempotentWrite(call, RefundRequest, (request, ctx) => ({
    body: { success: true },
    effects: [
      refund(ctx, orderOf(call), {
        reasonCode: request.reason_code,
        reasonText: request.reason_text,
        items: request.items?.map((item) => ({
          retailerId: item.retailer_id,
          itemId: item.item_id,
          quantity: item.item_refund_quantity,
          amount: item.item_refund_amount,
        })),
        shipping: request.shipping?.shipping_refund,
        deductions: request.deductions?.map((d) => ({ type: d.deduction_type, amount: d.deduction_amount })),
        adjustment: request.adjustment_amount,
        returnId: request.return_id,
      }),
    ],
  }));
}

/** POST /{return-id}/update_return: the seller accepts or closes a buyer's return. */
export function updateReturnStatus(call: GraphCall): GraphAnswer {
  return idempotentWrite(call, UpdateReturnRequest, (request, ctx) => ({
    body: { success: true },
    effects: [
      updateReturn(
        ctx,
        call.state.store.orderOfReturn(call.objectId)!,
        call.objectId,
        request.update_event,
        request.merchant_return_id,
      ),
    ],
  }));
}

export function connectApp(call: GraphCall): GraphAnswer {
  return idempotentWrite(call, EmptyWriteRequest, (_request, ctx) => {
    ctx.store.setConnected(true, ctx.now);
    return { body: { success: true }, effects: [{ orderId: null, kind: 'connect' }] };
  });
}

/** Meta's best practices: a DELETE changes state, so it needs an idempotency key like a POST. */
export function disconnectApp(call: GraphCall): GraphAnswer {
  return idempotentWrite(call, EmptyWriteRequest, (_request, ctx) => {
    ctx.store.setConnected(false, ctx.now);
    return { body: { success: true }, effects: [{ orderId: null, kind: 'disconnect' }] };
  });
}
