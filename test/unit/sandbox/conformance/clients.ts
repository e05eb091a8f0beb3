/**
 * The two Graph clients the conformance scenarios run through, behind one interface spoken in
 * Meta's own vocabulary (the snake_case parameters of Meta's pages):
 * - `MetaSdkClient`: Meta's Node.js Business SDK, its typed methods where it has them
 *   (CommerceOrder, CommerceMerchantSettings, ProductItem) and its generic AbstractCrudObject
 *   calls where it has none (order_management_apps), so every byte on the wire is the SDK's;
 * - `ProductClient`: the product's GraphClient, given the same requests in its own camelCase.
 * Each call's outcome (a value, or the error as the client parsed it) is kept in a transcript.
 */
import {
  GraphClient,
  GraphError,
  type CancelOrderOptions,
  type ItemExtraField,
  type OrderField,
  type ProductExtraField,
  type RefundOrderOptions,
} from '../../../../src/graph/index.js';
import { isSdkRequestError, rowData, type MetaSdk, type SdkCursor, type SdkObject } from './meta-sdk.js';

// ---- requests, as Meta documents them ----------------------------------------------------

export interface WireUnit {
  retailer_id?: string;
  item_id?: string;
  quantity: number;
}
export interface WireMoney {
  amount: string;
  currency: string;
}
export interface WireTracking {
  carrier: string;
  tracking_number: string;
  shipping_method_name?: string;
}

export interface ListOrdersRequest {
  state?: string;
  filters?: string;
  updated_after?: number;
  limit?: number;
  /** The same selection twice: Meta's `fields` text, and the product's camelCase names for it. */
  fields?: OrderFields;
}

export interface OrderFields {
  wire: string[];
  product: { fields: OrderField[]; itemFields?: ItemExtraField[] };
}

export interface AcknowledgeParams {
  idempotency_key: string;
  merchant_order_reference?: string;
}
export interface BulkAcknowledgeParams {
  idempotency_key: string;
  orders: { id: string; merchant_order_reference?: string }[];
}
export interface ShipmentParams {
  idempotency_key: string;
  items?: WireUnit[];
  tracking_info: WireTracking;
  external_shipment_id?: string;
}
export interface UpdateShipmentParams {
  idempotency_key: string;
  tracking_info: WireTracking;
  shipment_id?: string;
  external_shipment_id?: string;
}
export interface CancellationParams {
  idempotency_key: string;
  cancel_reason: { reason_code: CancelOrderOptions['reasonCode']; reason_description?: string };
  restock_items: boolean;
  items?: WireUnit[];
}
export interface WireRefundItem {
  retailer_id?: string;
  item_id?: string;
  item_refund_quantity?: number;
  item_refund_amount?: WireMoney;
}
export interface RefundParams {
  idempotency_key: string;
  reason_code: RefundOrderOptions['reasonCode'];
  reason_text?: string;
  items?: WireRefundItem[];
  shipping?: { shipping_refund: WireMoney };
  deductions?: { deduction_type: 'RETURN_SHIPPING'; deduction_amount: WireMoney }[];
  adjustment_amount?: WireMoney;
  return_id?: string;
}

export interface UpdateReturnParams {
  idempotency_key: string;
  update_event: 'ACCEPT_RETURN' | 'CLOSE_RETURN';
  merchant_return_id?: string;
}

export type HistoryEdge = 'shipments' | 'cancellations' | 'refunds' | 'returns';

/**
 * Fields asked of each history edge (Meta's names); the defaults where none are listed. The
 * returns edge is read with the return's status and reason, which the product needs.
 */
const HISTORY_FIELDS: Record<HistoryEdge, string[]> = {
  shipments: [],
  cancellations: [],
  refunds: [],
  returns: ['id', 'items', 'return_status', 'return_reason', 'merchant_return_id', 'created', 'updated'],
};

// ---- outcomes ----------------------------------------------------------------------------

/** What a client made of Graph's error envelope. */
export interface ErrorFacts {
  status: number | undefined;
  code: number | undefined;
  subcode: number | undefined;
  type: string | undefined;
  fbtraceId: string | undefined;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorFacts };

export interface BulkLine {
  id: string;
  state: string | undefined;
  error: { code: number | undefined; subcode: number | undefined } | undefined;
}

/** A client's reading of the last `X-Business-Use-Case-Usage` header for one business. */
export interface UsageReading {
  callCount: number | undefined;
  regainMinutes: number | undefined;
}

export interface ConformanceClient {
  readonly name: string;
  /** Every call's outcome, in order. */
  readonly transcript: { call: string; outcome: Outcome<unknown> }[];
  /** Every page of the listing, followed with the client's own paging. */
  listOrders(cmsId: string, request: ListOrdersRequest): Promise<Outcome<{ pages: string[][] }>>;
  getOrder(orderId: string, fields?: OrderFields): Promise<Outcome<{ id: string; state: string | undefined }>>;
  listItems(orderId: string, extra: ItemExtraField[]): Promise<Outcome<{ ids: string[] }>>;
  getProduct(productId: string, extra: ProductExtraField[]): Promise<Outcome<{ id: string }>>;
  acknowledgeOrder(orderId: string, params: AcknowledgeParams): Promise<Outcome<null>>;
  acknowledgeOrders(cmsId: string, params: BulkAcknowledgeParams): Promise<Outcome<BulkLine[]>>;
  createShipment(orderId: string, params: ShipmentParams): Promise<Outcome<null>>;
  updateShipment(orderId: string, params: UpdateShipmentParams): Promise<Outcome<null>>;
  cancelOrder(orderId: string, params: CancellationParams): Promise<Outcome<null>>;
  refundOrder(orderId: string, params: RefundParams): Promise<Outcome<null>>;
  /** POST /{return-id}/update_return: the seller accepts or closes a buyer's return. */
  updateReturn(returnId: string, params: UpdateReturnParams): Promise<Outcome<null>>;
  /** Every element of a history edge, by id. */
  history(orderId: string, edge: HistoryEdge): Promise<Outcome<{ ids: string[] }>>;
  connect(cmsId: string, idempotencyKey: string): Promise<Outcome<null>>;
  disconnect(cmsId: string, idempotencyKey: string): Promise<Outcome<null>>;
  usage(businessId: string): UsageReading | undefined;
  close(): Promise<void>;
}

abstract class RecordingClient {
  readonly transcript: { call: string; outcome: Outcome<unknown> }[] = [];

  protected abstract errorFacts(error: unknown): ErrorFacts | undefined;

  protected async attempt<T>(call: string, run: () => Promise<T>): Promise<Outcome<T>> {
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: await run() };
    } catch (error) {
      const facts = this.errorFacts(error);
      if (facts === undefined) throw error;
      outcome = { ok: false, error: facts };
    }
    this.transcript.push({ call, outcome });
    return outcome;
  }
}

// ---- Meta's SDK --------------------------------------------------------------------------

const DEFAULT_ITEM_FIELDS = ['id', 'retailer_id', 'product_id', 'quantity', 'price_per_unit'];
const DEFAULT_PRODUCT_FIELDS = ['id', 'retailer_id', 'name'];

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function parseUsage(headers: Record<string, string> | null | undefined, businessId: string): UsageReading | undefined {
  const raw = headers?.['x-business-use-case-usage'];
  if (raw === undefined) return undefined;
  const entry = (
    JSON.parse(raw) as Record<string, { call_count?: number; estimated_time_to_regain_access?: number }[]>
  )[businessId]?.[0];
  return entry && { callCount: entry.call_count, regainMinutes: entry.estimated_time_to_regain_access };
}

export class MetaSdkClient extends RecordingClient implements ConformanceClient {
  readonly name = 'meta-sdk';
  private lastHeaders: Record<string, string> | null | undefined;

  constructor(private readonly sdk: MetaSdk) {
    super();
  }

  protected errorFacts(error: unknown): ErrorFacts | undefined {
    if (!isSdkRequestError(error)) return undefined;
    this.lastHeaders = error.headers;
    return {
      status: error.status ?? undefined,
      code: error.response?.code,
      subcode: error.response?.error_subcode,
      type: error.response?.type,
      fbtraceId: error.response?.fbtrace_id,
    };
  }

  /** setShowHeader(true) puts the answer's HTTP headers on it as `headers`. */
  private seen<T extends SdkObject | SdkCursor>(result: T): T {
    this.lastHeaders = Array.isArray(result)
      ? result.headers
      : (result.exportAllData().headers as Record<string, string> | undefined);
    return result;
  }

  private async cursorIds(first: Promise<SdkCursor>): Promise<string[][]> {
    const cursor = this.seen(await first);
    const pages = [cursor.map((row) => String(rowData(row).id))];
    while (cursor.hasNext()) {
      this.seen(await cursor.next());
      pages.push(cursor.map((row) => String(rowData(row).id)));
    }
    return pages;
  }

  private async write(run: () => Promise<SdkObject>): Promise<null> {
    const answer = this.seen(await run()).exportAllData();
    if (answer.success !== true) throw new Error(`expected { success: true }, got ${JSON.stringify(answer)}`);
    return null;
  }

  listOrders(cmsId: string, request: ListOrdersRequest) {
    const { fields, ...given } = request;
    // The SDK would send an undefined parameter as the text "undefined".
    const params = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
    return this.attempt('GET commerce_orders', async () => ({
      pages: await this.cursorIds(this.sdk.merchantSettings(cmsId).getCommerceOrders(fields?.wire ?? [], params)),
    }));
  }

  getOrder(orderId: string, fields?: OrderFields) {
    return this.attempt('GET order', async () => {
      const data = this.seen(await this.sdk.order(orderId).get(fields?.wire)).exportAllData();
      return { id: String(data.id), state: (data.order_status as { state?: string } | undefined)?.state };
    });
  }

  listItems(orderId: string, extra: ItemExtraField[]) {
    const fields = [...DEFAULT_ITEM_FIELDS, ...extra.map(snake)];
    return this.attempt('GET items', async () => ({
      ids: (await this.cursorIds(this.sdk.order(orderId).getItems(fields))).flat(),
    }));
  }

  getProduct(productId: string, extra: ProductExtraField[]) {
    const fields = [...DEFAULT_PRODUCT_FIELDS, ...extra.map(snake)];
    return this.attempt('GET product', async () => ({
      id: String(this.seen(await this.sdk.product(productId).get(fields)).exportAllData().id),
    }));
  }

  acknowledgeOrder(orderId: string, params: AcknowledgeParams) {
    return this.attempt('POST acknowledge_order', () =>
      this.write(() => this.sdk.order(orderId).createAcknowledgeOrder([], { ...params })),
    );
  }

  acknowledgeOrders(cmsId: string, params: BulkAcknowledgeParams) {
    return this.attempt('POST acknowledge_orders', async () => {
      const answer = this.seen(
        await this.sdk.merchantSettings(cmsId).createAcknowledgeOrder([], { ...params }),
      ).exportAllData();
      const lines = answer.orders as {
        id: string;
        state?: string;
        error?: { code?: number; error_subcode?: number };
      }[];
      return lines.map((line): BulkLine => ({
        id: line.id,
        state: line.state,
        error: line.error && { code: line.error.code, subcode: line.error.error_subcode },
      }));
    });
  }

  createShipment(orderId: string, params: ShipmentParams) {
    return this.attempt('POST shipments', () =>
      this.write(() => this.sdk.order(orderId).createShipment([], { ...params })),
    );
  }

  updateShipment(orderId: string, params: UpdateShipmentParams) {
    return this.attempt('POST update_shipment', () =>
      this.write(() => this.sdk.order(orderId).createUpdateShipment([], { ...params })),
    );
  }

  cancelOrder(orderId: string, params: CancellationParams) {
    return this.attempt('POST cancellations', () =>
      this.write(() => this.sdk.order(orderId).createCancellation([], { ...params })),
    );
  }

  refundOrder(orderId: string, params: RefundParams) {
    return this.attempt('POST refunds', () =>
      this.write(() => this.sdk.order(orderId).createRefund([], { ...params })),
    );
  }

  /** The SDK has no class for a return node: its generic FacebookAdsApi.call. */
  updateReturn(returnId: string, params: UpdateReturnParams) {
    return this.attempt('POST update_return', async () => {
      const answer = await this.sdk.api.call('POST', [returnId, 'update_return'], { ...params });
      this.lastHeaders = answer.headers as Record<string, string> | undefined;
      if (answer.success !== true) throw new Error(`expected { success: true }, got ${JSON.stringify(answer)}`);
      return null;
    });
  }

  history(orderId: string, edge: HistoryEdge) {
    const order = this.sdk.order(orderId);
    const fields = HISTORY_FIELDS[edge];
    const read = {
      shipments: () => order.getShipments(fields),
      cancellations: () => order.getCancellations(fields),
      refunds: () => order.getRefunds(fields),
      returns: () => order.getReturns(fields),
    }[edge];
    return this.attempt(`GET ${edge}`, async () => ({ ids: (await this.cursorIds(read())).flat() }));
  }

  // The SDK has no typed method for these two: AbstractCrudObject's generic edge calls.
  connect(cmsId: string, idempotencyKey: string) {
    return this.attempt('POST order_management_apps', () =>
      this.write(() =>
        this.sdk.merchantSettings(cmsId).createEdge('/order_management_apps', [], { idempotency_key: idempotencyKey }),
      ),
    );
  }

  disconnect(cmsId: string, idempotencyKey: string) {
    return this.attempt('DELETE order_management_apps', async () => {
      const answer = await this.sdk
        .merchantSettings(cmsId)
        .deleteEdge('/order_management_apps', { idempotency_key: idempotencyKey });
      this.lastHeaders = answer.headers as Record<string, string> | undefined;
      if (answer.success !== true) throw new Error(`expected { success: true }, got ${JSON.stringify(answer)}`);
      return null;
    });
  }

  usage(businessId: string): UsageReading | undefined {
    return parseUsage(this.lastHeaders, businessId);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

// ---- the product's GraphClient ---------------------------------------------------------

function units(items: WireUnit[] | undefined) {
  return items?.map((item) =>
    item.item_id !== undefined
      ? { itemId: item.item_id, quantity: item.quantity }
      : { retailerId: item.retailer_id!, quantity: item.quantity },
  );
}

function money(value: WireMoney | undefined) {
  return value && { amount: value.amount, currency: value.currency };
}

function tracking(info: WireTracking) {
  return { carrier: info.carrier, trackingNumber: info.tracking_number, shippingMethodName: info.shipping_method_name };
}

export class ProductClient extends RecordingClient implements ConformanceClient {
  readonly name = 'product GraphClient';
  private readonly graph: GraphClient;

  constructor(baseUrl: string, apiVersion: string, accessToken: string) {
    super();
    this.graph = new GraphClient({ baseUrl, apiVersion, accessToken, timeoutMs: 10_000 });
  }

  protected errorFacts(error: unknown): ErrorFacts | undefined {
    if (!(error instanceof GraphError)) return undefined;
    return {
      status: error.httpStatus,
      code: error.code,
      subcode: error.subcode,
      type: error.type,
      fbtraceId: error.fbtraceId,
    };
  }

  listOrders(cmsId: string, request: ListOrdersRequest) {
    return this.attempt('GET commerce_orders', async () => {
      const pages: string[][] = [];
      for await (const page of this.graph.listOrders(cmsId, {
        states: request.state?.split(',') as never,
        filters: request.filters?.split(',') as never,
        updatedAfter: request.updated_after === undefined ? undefined : new Date(request.updated_after * 1000),
        limit: request.limit,
        fields: request.fields?.product.fields,
        itemFields: request.fields?.product.itemFields,
      }))
        pages.push(page.orders.map((order) => order.id));
      return { pages };
    });
  }

  getOrder(orderId: string, fields?: OrderFields) {
    return this.attempt('GET order', async () => {
      const order = await this.graph.getOrder(orderId, fields?.product.fields, {
        itemFields: fields?.product.itemFields,
      });
      const status = (order as { orderStatus?: { state: string } }).orderStatus;
      return { id: order.id, state: status?.state };
    });
  }

  listItems(orderId: string, extra: ItemExtraField[]) {
    return this.attempt('GET items', async () => ({
      ids: (await this.graph.listItems(orderId, { extraFields: extra })).map((item) => item.id),
    }));
  }

  getProduct(productId: string, extra: ProductExtraField[]) {
    return this.attempt('GET product', async () => ({ id: (await this.graph.getProduct(productId, extra)).id }));
  }

  acknowledgeOrder(orderId: string, params: AcknowledgeParams) {
    return this.attempt('POST acknowledge_order', async () => {
      await this.graph.acknowledgeOrder(orderId, {
        idempotencyKey: params.idempotency_key,
        merchantOrderReference: params.merchant_order_reference,
      });
      return null;
    });
  }

  acknowledgeOrders(cmsId: string, params: BulkAcknowledgeParams) {
    return this.attempt('POST acknowledge_orders', async () => {
      const results = await this.graph.acknowledgeOrders(cmsId, {
        idempotencyKey: params.idempotency_key,
        orders: params.orders.map((order) => ({
          id: order.id,
          merchantOrderReference: order.merchant_order_reference,
        })),
      });
      return results.map((result): BulkLine => ({
        id: result.id,
        state: result.state,
        error: result.error && { code: result.error.code, subcode: result.error.subcode },
      }));
    });
  }

  createShipment(orderId: string, params: ShipmentParams) {
    return this.attempt('POST shipments', async () => {
      await this.graph.createShipment(orderId, {
        idempotencyKey: params.idempotency_key,
        items: units(params.items),
        trackingInfo: tracking(params.tracking_info),
        externalShipmentId: params.external_shipment_id,
      });
      return null;
    });
  }

  updateShipment(orderId: string, params: UpdateShipmentParams) {
    return this.attempt('POST update_shipment', async () => {
      const common = { idempotencyKey: params.idempotency_key, trackingInfo: tracking(params.tracking_info) };
      await this.graph.updateShipment(
        orderId,
        params.shipment_id !== undefined
          ? { ...common, shipmentId: params.shipment_id }
          : { ...common, externalShipmentId: params.external_shipment_id! },
      );
      return null;
    });
  }

  cancelOrder(orderId: string, params: CancellationParams) {
    return this.attempt('POST cancellations', async () => {
      await this.graph.cancelOrder(orderId, {
        idempotencyKey: params.idempotency_key,
        reasonCode: params.cancel_reason.reason_code,
        reasonDescription: params.cancel_reason.reason_description,
        restockItems: params.restock_items,
        items: units(params.items),
      });
      return null;
    });
  }

  refundOrder(orderId: string, params: RefundParams) {
    return this.attempt('POST refunds', async () => {
      await this.graph.refundOrder(orderId, {
        idempotencyKey: params.idempotency_key,
        reasonCode: params.reason_code,
        reasonText: params.reason_text,
        items: params.items?.map((item) => ({
          ...(item.item_id !== undefined ? { itemId: item.item_id } : { retailerId: item.retailer_id! }),
          ...(item.item_refund_quantity !== undefined
            ? { quantity: item.item_refund_quantity }
            : { amount: money(item.item_refund_amount)! }),
        })),
        shippingRefund: money(params.shipping?.shipping_refund),
        deductions: params.deductions?.map((d) => ({ type: d.deduction_type, amount: money(d.deduction_amount)! })),
        adjustmentAmount: money(params.adjustment_amount),
        returnId: params.return_id,
      });
      return null;
    });
  }

  updateReturn(returnId: string, params: UpdateReturnParams) {
    return this.attempt('POST update_return', async () => {
      await this.graph.updateReturn(returnId, {
        idempotencyKey: params.idempotency_key,
        event: params.update_event,
        merchantReturnId: params.merchant_return_id,
      });
      return null;
    });
  }

  history(orderId: string, edge: HistoryEdge) {
    const read = {
      shipments: () => this.graph.listShipments(orderId),
      cancellations: () => this.graph.listCancellations(orderId),
      refunds: () => this.graph.listRefunds(orderId),
      returns: () => this.graph.listReturns(orderId),
    }[edge];
    return this.attempt(`GET ${edge}`, async () => ({ ids: (await read()).map((element) => element.id) }));
  }

  connect(cmsId: string, idempotencyKey: string) {
    return this.attempt('POST order_management_apps', async () => {
      await this.graph.connectOrderManagementApp(cmsId, { idempotencyKey });
      return null;
    });
  }

  disconnect(cmsId: string, idempotencyKey: string) {
    return this.attempt('DELETE order_management_apps', async () => {
      await this.graph.disconnectOrderManagementApp(cmsId, { idempotencyKey });
      return null;
    });
  }

  usage(businessId: string): UsageReading | undefined {
    const entry = this.graph.usage().businesses[businessId]?.entries[0];
    return (
      entry && {
        callCount: entry.callCount,
        regainMinutes:
          entry.estimatedTimeToRegainAccessMs === undefined ? undefined : entry.estimatedTimeToRegainAccessMs / 60_000,
      }
    );
  }

  close(): Promise<void> {
    return this.graph.close();
  }
}
