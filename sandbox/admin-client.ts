/**
 * Typed client for the sandbox's admin API, over HTTP (undici), for tests, benchmarks and the
 * demo. Responses are checked with the same zod schemas the server answers with.
 */
import { request } from 'undici';
import { z } from 'zod';
import {
  ClockResponseSchema,
  CreateOrdersResponseSchema,
  EffectResponseSchema,
  FaultStateSchema,
  LedgerSnapshotSchema,
  OrderListSchema,
  OrderSnapshotSchema,
  RateLimitViewSchema,
  ReleaseResponseSchema,
  SettingsViewSchema,
  type ClockResponse,
  type CreatedOrder,
  type CreateOrdersRequest,
  type EffectResponse,
  type ExternalCancelRequest,
  type ExternalRefundRequest,
  type ExternalShipRequest,
  type OrderSnapshot,
  type RateLimitView,
  type ReturnActionRequest,
  type ReturnRequest,
  type SettingsPatch,
  type SettingsView,
} from './admin-schemas.js';
import type { FaultConfigInput, FaultPatch, FaultRuleInput, FaultState } from './fault-schemas.js';
import type { LedgerSnapshot } from './ledger-schemas.js';
import type { OrderState } from './meta-codes/order-states.js';

export class SandboxAdminError extends Error {
  override readonly name = 'SandboxAdminError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const ErrorBody = z.object({ error: z.object({ message: z.string() }) });

export class SandboxAdminClient {
  private readonly base: string;

  /** `url`: the sandbox's base URL, e.g. RunningSandbox.url. */
  constructor(url: string) {
    this.base = url.replace(/\/+$/, '');
  }

  private async call<T extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    schema: T,
    body?: unknown,
  ): Promise<z.output<T>> {
    const response = await request(`${this.base}/_admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload: unknown = await response.body.json();
    if (response.statusCode >= 400) {
      const parsed = ErrorBody.safeParse(payload);
      throw new SandboxAdminError(
        response.statusCode,
        parsed.success ? parsed.data.error.message : `admin call failed with HTTP ${response.statusCode}`,
      );
    }
    return schema.parse(payload);
  }

  health(): Promise<{ ok: boolean; url: string }> {
    return this.call('GET', '/health', z.object({ ok: z.boolean(), url: z.string() }));
  }

  /** Creates orders in FB_PROCESSING; they release after the delay (or at once with releaseDelayMs: 0). */
  async createOrders(input: CreateOrdersRequest = {}): Promise<CreatedOrder[]> {
    return (await this.call('POST', '/orders', CreateOrdersResponseSchema, input)).orders;
  }

  async createOrder(input: Omit<CreateOrdersRequest, 'count'> = {}): Promise<CreatedOrder> {
    return (await this.createOrders({ ...input, count: 1 }))[0]!;
  }

  getOrder(orderId: string): Promise<OrderSnapshot> {
    return this.call('GET', `/orders/${orderId}`, OrderSnapshotSchema);
  }

  async listOrders(state?: OrderState): Promise<{ id: string; state: OrderState; lastUpdatedAt: string }[]> {
    return (await this.call('GET', `/orders${state ? `?state=${state}` : ''}`, OrderListSchema)).orders;
  }

  /** Releases the given FB_PROCESSING orders now (all of them when none given). */
  async release(orderIds?: string[]): Promise<string[]> {
    return (await this.call('POST', '/orders/release', ReleaseResponseSchema, orderIds ? { orderIds } : {})).released;
  }

  /** The buyer cancels during FB_PROCESSING: the order ends COMPLETED with every unit cancelled. */
  buyerCancel(orderId: string): Promise<EffectResponse> {
    return this.call('POST', `/orders/${orderId}/buyer-cancel`, EffectResponseSchema, {});
  }

  /**
   * Ships units as if done in Commerce Manager (IN_PROGRESS orders): a shipment on the order's
   * `shipments` edge, `objectId` = its id. Items by `itemId` or `retailerId`; default every open unit.
   */
  shipExternally(orderId: string, input: ExternalShipRequest = {}): Promise<EffectResponse> {
    return this.call('POST', `/orders/${orderId}/ship`, EffectResponseSchema, input);
  }

  /**
   * Cancels as if done in Commerce Manager (`initiatedBy: 'SELLER'`, the default) or by the buyer
   * through Meta support (`'BUYER'`), with or without `restock`: a cancellation on the order's
   * `cancellations` edge, `objectId` = its id. A CREATED order (not acknowledged yet) is cancelled
   * whole and ends COMPLETED.
   */
  cancelExternally(orderId: string, input: ExternalCancelRequest = {}): Promise<EffectResponse> {
    return this.call('POST', `/orders/${orderId}/cancel`, EffectResponseSchema, input);
  }

  /**
   * Refunds as if done in Commerce Manager (`issuedBy: 'SELLER'`, the default) or by Meta support
   * (`'META'`), under the Graph refund rules; Meta's own reason codes (REFUND_FOR_RETURN, ...) are
   * allowed. Items by quantity or amount, `shipping` alone, or `{}` for a full refund: a refund on
   * the order's `refunds` edge, `objectId` = its id.
   */
  refundExternally(orderId: string, input: ExternalRefundRequest = {}): Promise<EffectResponse> {
    return this.call('POST', `/orders/${orderId}/refund`, EffectResponseSchema, input);
  }

  /** A buyer asks to return shipped units: `objectId` is the return's id (REQUESTED, or APPROVED with `approved`). */
  createReturn(orderId: string, input: ReturnRequest): Promise<EffectResponse> {
    return this.call('POST', `/orders/${orderId}/return`, EffectResponseSchema, input);
  }

  /** The seller answers a return in Commerce Manager: approve, decline or close it. */
  answerReturn(returnId: string, action: ReturnActionRequest['action']): Promise<EffectResponse> {
    return this.call('POST', `/returns/${returnId}`, EffectResponseSchema, { action });
  }

  advanceClock(ms: number): Promise<ClockResponse> {
    return this.call('POST', '/clock', ClockResponseSchema, { advanceMs: ms });
  }

  setClockOffset(offsetMs: number): Promise<ClockResponse> {
    return this.call('POST', '/clock', ClockResponseSchema, { offsetMs });
  }

  getSettings(): Promise<SettingsView> {
    return this.call('GET', '/settings', SettingsViewSchema);
  }

  updateSettings(patch: SettingsPatch): Promise<SettingsView> {
    return this.call('POST', '/settings', SettingsViewSchema, patch);
  }

  /** Rotates the accepted token: the old one then fails with 190 / subcode 463 (expired). */
  setAccessToken(accessToken: string): Promise<SettingsView> {
    return this.updateSettings({ accessToken });
  }

  setConnected(connected: boolean): Promise<SettingsView> {
    return this.updateSettings({ connected });
  }

  setReleaseDelay(releaseDelayMs: number): Promise<SettingsView> {
    return this.updateSettings({ releaseDelayMs });
  }

  getFaults(): Promise<FaultState> {
    return this.call('GET', '/faults', FaultStateSchema);
  }

  /** Changes only what is given; rules are appended; throttle fields start a burst. */
  setFaults(patch: FaultPatch): Promise<FaultState> {
    return this.call('POST', '/faults', FaultStateSchema, patch);
  }

  replaceFaults(config: FaultConfigInput): Promise<FaultState> {
    return this.call('PUT', '/faults', FaultStateSchema, config);
  }

  addFaultRule(rule: FaultRuleInput): Promise<FaultState> {
    return this.setFaults({ rules: [rule] });
  }

  /** The next `calls` Graph calls, or every call for `durationMs`, answer 80001. */
  throttle(burst: { calls?: number; durationMs?: number }): Promise<FaultState> {
    return this.setFaults({ throttleNextCalls: burst.calls, throttleForMs: burst.durationMs });
  }

  clearFaults(): Promise<FaultState> {
    return this.call('DELETE', '/faults', FaultStateSchema);
  }

  getLedger(orderId?: string): Promise<LedgerSnapshot> {
    return this.call('GET', `/ledger${orderId ? `?orderId=${encodeURIComponent(orderId)}` : ''}`, LedgerSnapshotSchema);
  }

  getRateLimit(): Promise<RateLimitView> {
    return this.call('GET', '/rate-limit', RateLimitViewSchema);
  }

  /** Empties the account and restores the start options (faults, token, clock included). */
  reset(): Promise<SettingsView> {
    return this.call('POST', '/reset', SettingsViewSchema, {});
  }
}
