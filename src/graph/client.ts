/**
 * GraphClient: one typed method per Commerce order endpoint. camelCase in, camelCase out; Meta's
 * snake_case exists only on the wire. Reads validate every answer with zod; writes validate their
 * arguments first and require the caller's idempotency key (see idempotency.ts for deriving one).
 */
import type { z } from 'zod';
import type { OrderState } from '../domain/order-states.js';
import { GraphInputError, GraphResponseError } from './errors.js';
import { itemFieldsParam, productFieldsParam, selectOrderFields, UnknownFieldError } from './fields.js';
import {
  AcknowledgeOrderInput,
  AcknowledgeOrdersInput,
  CancelOrderInput,
  CreateShipmentInput,
  RefundOrderInput,
  UpdateShipmentInput,
  UpdateReturnInput,
  IdempotencyKeySchema,
  type AcknowledgeOrderOptions,
  type AcknowledgeOrdersOptions,
  type CancelOrderOptions,
  type CreateShipmentOptions,
  type RefundOrderOptions,
  type UpdateShipmentOptions,
  type UpdateReturnOptions,
} from './requests.js';
import {
  BulkAckResponseSchema,
  CancellationSchema,
  edgeOf,
  GraphId,
  OrderItemSchema,
  ProductSchema,
  RefundSchema,
  RETURN_FIELDS,
  ReturnSchema,
  ShipmentSchema,
  SuccessSchema,
  type DefaultOrderField,
  type GraphCancellation,
  type GraphOrderItem,
  type GraphOrderWith,
  type GraphPaging,
  type GraphProduct,
  type GraphRefund,
  type GraphReturn,
  type GraphShipment,
  type ItemExtraField,
  type OrderField,
  type ProductExtraField,
} from './schemas.js';
import { formatPath, GraphTransport, type HttpMethod, type QueryValue, type TransportOptions } from './transport.js';
import type { UsageSnapshot } from './usage.js';

export type GraphClientOptions = TransportOptions;

/** Line-item filters of the order list (AND-ed by Meta). */
export type OrderFilter =
  'no_shipments' | 'has_cancellations' | 'no_cancellations' | 'has_refunds' | 'no_refunds' | 'has_fulfillments';

export interface ListOrdersOptions<F extends OrderField = DefaultOrderField> {
  /** OR-ed; Meta's default is CREATED only. */
  states?: readonly OrderState[] | undefined;
  filters?: readonly OrderFilter[] | undefined;
  /** Sent as unix seconds (whole seconds, rounded down). */
  updatedAfter?: Date | undefined;
  updatedBefore?: Date | undefined;
  /** Replaces Meta's defaults (id, orderStatus, created, lastUpdated). */
  fields?: readonly F[] | undefined;
  /** Item fields beyond the defaults when `fields` includes "items". */
  itemFields?: readonly ItemExtraField[] | undefined;
  /** Page size, 1-100 (Meta's default is 25). A page may still hold fewer, even none. */
  limit?: number | undefined;
  /** Resume after this cursor (a page's `after`). */
  after?: string | undefined;
}

export interface OrdersPage<O> {
  orders: O[];
  /** Cursor of the following page: persist it and pass it as `after` to resume there. */
  after: string | undefined;
  /** False on the last page (Meta sent no `paging.next`). */
  hasNext: boolean;
}

export interface ListItemsOptions {
  /** Adds the per-item {inProgress, fulfilled, cancelled} breakdown. */
  includeStatus?: boolean | undefined;
  /** Further item fields (productName, taxDetails, ...). */
  extraFields?: readonly ItemExtraField[] | undefined;
}

export interface BulkAckResult {
  id: string;
  /** True when Meta reports the order IN_PROGRESS and no error. */
  acknowledged: boolean;
  state: OrderState | undefined;
  error: { code: number | undefined; subcode: number | undefined; message: string | undefined } | undefined;
  /** False when Meta's answer did not mention this order at all. */
  reported: boolean;
}

export type GraphEndpoint =
  | 'GET /{cms-id}/commerce_orders'
  | 'GET /{order-id}'
  | 'GET /{order-id}/items'
  | 'GET /{product-id}'
  | 'GET /{order-id}/shipments'
  | 'GET /{order-id}/cancellations'
  | 'GET /{order-id}/refunds'
  | 'GET /{order-id}/returns'
  | 'POST /{order-id}/acknowledge_order'
  | 'POST /{cms-id}/acknowledge_orders'
  | 'POST /{order-id}/shipments'
  | 'POST /{order-id}/update_shipment'
  | 'POST /{order-id}/cancellations'
  | 'POST /{order-id}/refunds'
  | 'POST /{return-id}/update_return'
  | 'POST /{cms-id}/order_management_apps'
  | 'DELETE /{cms-id}/order_management_apps';

const MAX_PAGE_SIZE = 100;

export class GraphClient {
  private readonly transport: GraphTransport;

  constructor(options: GraphClientOptions) {
    this.transport = new GraphTransport(options);
  }

  /** Last usage Meta reported, per business id (and for the app and page). */
  usage(): UsageSnapshot {
    return this.transport.usage.snapshot();
  }

  /** Highest usage percentage last reported (0 before any report); Meta throttles above 100. */
  maxUsagePercent(businessId?: string): number {
    return this.transport.usage.maxUsagePercent(businessId);
  }

  /** Scrubs this client's credentials from text before it is logged. */
  redact(text: string): string {
    return this.transport.redact(text);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  // -------------------------------------------------------------------------------------------
  // Orders

  /** Every page of the order list, following Meta's cursors until there is no `paging.next`. */
  async *listOrders<F extends OrderField = DefaultOrderField>(
    cmsId: string,
    options: ListOrdersOptions<F> = {},
  ): AsyncGenerator<OrdersPage<GraphOrderWith<F>>, void, undefined> {
    let after = options.after;
    for (;;) {
      const page = await this.listOrdersPage(cmsId, { ...options, after });
      yield page;
      if (!page.hasNext) return;
      if (page.after === after) {
        throw pagingError('GET /{cms-id}/commerce_orders', 'paging.next: the cursor did not advance');
      }
      after = page.after;
    }
  }

  /** One page of the order list. */
  async listOrdersPage<F extends OrderField = DefaultOrderField>(
    cmsId: string,
    options: ListOrdersOptions<F> = {},
  ): Promise<OrdersPage<GraphOrderWith<F>>> {
    const endpoint: GraphEndpoint = 'GET /{cms-id}/commerce_orders';
    const limit = options.limit;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)) {
      throw new GraphInputError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`, endpoint);
    }
    const selection = this.select(endpoint, () => selectOrderFields(options.fields, options.itemFields));
    const response = await this.get(endpoint, [id(cmsId, endpoint), 'commerce_orders'], edgeOf(selection.schema), {
      state: list(options.states),
      filters: list(options.filters),
      updated_after: unixSeconds(options.updatedAfter, 'updatedAfter', endpoint),
      updated_before: unixSeconds(options.updatedBefore, 'updatedBefore', endpoint),
      fields: selection.param,
      limit,
      after: options.after,
    });
    return { orders: response.data, ...nextPage(endpoint, response.paging) };
  }

  /** One order with the fields asked for (Meta's defaults when `fields` is omitted). */
  async getOrder<F extends OrderField = DefaultOrderField>(
    orderId: string,
    fields?: readonly F[],
    options: { itemFields?: readonly ItemExtraField[] } = {},
  ): Promise<GraphOrderWith<F>> {
    const endpoint: GraphEndpoint = 'GET /{order-id}';
    const selection = this.select(endpoint, () => selectOrderFields(fields, options.itemFields));
    return this.get(endpoint, [id(orderId, endpoint)], selection.schema, { fields: selection.param });
  }

  /** All line items of an order (every page). */
  async listItems(orderId: string, options: ListItemsOptions = {}): Promise<GraphOrderItem[]> {
    const endpoint: GraphEndpoint = 'GET /{order-id}/items';
    const extra = [...(options.extraFields ?? []), ...(options.includeStatus ? (['status'] as const) : [])];
    const fields = this.select(endpoint, () => itemFieldsParam(extra));
    return this.collect(endpoint, [id(orderId, endpoint), 'items'], OrderItemSchema, { fields });
  }

  async getProduct(productId: string, extraFields: readonly ProductExtraField[] = []): Promise<GraphProduct> {
    const endpoint: GraphEndpoint = 'GET /{product-id}';
    const fields = this.select(endpoint, () => productFieldsParam(extraFields));
    return this.get(endpoint, [id(productId, endpoint)], ProductSchema, { fields });
  }

  // -------------------------------------------------------------------------------------------
  // Writes

  /** CREATED -> IN_PROGRESS. */
  async acknowledgeOrder(orderId: string, options: AcknowledgeOrderOptions): Promise<void> {
    const endpoint: GraphEndpoint = 'POST /{order-id}/acknowledge_order';
    const body = input(AcknowledgeOrderInput, options, endpoint);
    await this.write(endpoint, 'POST', [id(orderId, endpoint), 'acknowledge_order'], body, SuccessSchema);
  }

  /**
   * Acknowledges up to 100 orders in one call; more is refused (the client never splits a batch,
   * since a split would need keys the caller did not derive). One result per requested order.
   */
  async acknowledgeOrders(cmsId: string, options: AcknowledgeOrdersOptions): Promise<BulkAckResult[]> {
    const endpoint: GraphEndpoint = 'POST /{cms-id}/acknowledge_orders';
    const body = input(AcknowledgeOrdersInput, options, endpoint);
    const response = await this.write(
      endpoint,
      'POST',
      [id(cmsId, endpoint), 'acknowledge_orders'],
      body,
      BulkAckResponseSchema,
    );
    const byId = new Map(response.orders.map((order) => [order.id, order]));
    return body.orders.map(({ id: orderId }): BulkAckResult => {
      const reported = byId.get(orderId);
      const error = reported?.error && {
        code: reported.error.code,
        subcode: reported.error.error_subcode,
        message: reported.error.message && this.redact(reported.error.message),
      };
      return {
        id: orderId,
        acknowledged: reported?.state === 'IN_PROGRESS' && !error,
        state: reported?.state,
        error,
        reported: reported !== undefined,
      };
    });
  }

  async createShipment(orderId: string, options: CreateShipmentOptions): Promise<void> {
    const endpoint: GraphEndpoint = 'POST /{order-id}/shipments';
    const body = input(CreateShipmentInput, options, endpoint);
    await this.write(endpoint, 'POST', [id(orderId, endpoint), 'shipments'], body, SuccessSchema);
  }

  async updateShipment(orderId: string, options: UpdateShipmentOptions): Promise<void> {
    const endpoint: GraphEndpoint = 'POST /{order-id}/update_shipment';
    const body = input(UpdateShipmentInput, options, endpoint);
    await this.write(endpoint, 'POST', [id(orderId, endpoint), 'update_shipment'], body, SuccessSchema);
  }

  async cancelOrder(orderId: string, options: CancelOrderOptions): Promise<void> {
    const endpoint: GraphEndpoint = 'POST /{order-id}/cancellations';
    const body = input(CancelOrderInput, options, endpoint);
    await this.write(endpoint, 'POST', [id(orderId, endpoint), 'cancellations'], body, SuccessSchema);
  }

  async refundOrder(orderId: string, options: RefundOrderOptions): Promise<void> {
    const endpoint: GraphEndpoint = 'POST /{order-id}/refunds';
    const body = input(RefundOrderInput, options, endpoint);
    await this.write(endpoint, 'POST', [id(orderId, endpoint), 'refunds'], body, SuccessSchema);
  }

  /** Accepts or closes a buyer's return (a return is a node of its own). */
  async updateReturn(returnId: string, options: UpdateReturnOptions): Promise<void> {
    const endpoint: GraphEndpoint = 'POST /{return-id}/update_return';
    const body = input(UpdateReturnInput, options, endpoint);
    await this.write(endpoint, 'POST', [id(returnId, endpoint), 'update_return'], body, SuccessSchema);
  }

  /**
   * Released orders then wait in CREATED for acknowledgement. Connecting is a POST like any other:
   * a key already used for an earlier connect is answered from Meta's idempotency store without
   * effect, so a reconnect after a disconnect needs a new key, e.g.
   * `idempotencyKey(cmsId, 'connectApp', <id of this reconnect, persisted before the call>)`.
   */
  async connectOrderManagementApp(cmsId: string, options: { idempotencyKey: string }): Promise<void> {
    const endpoint: GraphEndpoint = 'POST /{cms-id}/order_management_apps';
    const body = { idempotency_key: input(IdempotencyKeySchema, options.idempotencyKey, endpoint) };
    await this.write(endpoint, 'POST', [id(cmsId, endpoint), 'order_management_apps'], body, SuccessSchema);
  }

  /**
   * The seller then works from Commerce Manager; orders are acknowledged automatically. A DELETE
   * changes state, so Meta wants a key here too (same rule as connect: new per disconnect). It goes
   * in the query string, where Meta's own SDK puts a DELETE's parameters.
   */
  async disconnectOrderManagementApp(cmsId: string, options: { idempotencyKey: string }): Promise<void> {
    const endpoint: GraphEndpoint = 'DELETE /{cms-id}/order_management_apps';
    const key = input(IdempotencyKeySchema, options.idempotencyKey, endpoint);
    await this.transport.call({
      method: 'DELETE',
      endpoint,
      path: [id(cmsId, endpoint), 'order_management_apps'],
      query: { idempotency_key: key },
      schema: SuccessSchema,
    });
  }

  // -------------------------------------------------------------------------------------------
  // History edges (every page)

  listShipments(orderId: string): Promise<GraphShipment[]> {
    return this.history('GET /{order-id}/shipments', orderId, 'shipments', ShipmentSchema);
  }

  listCancellations(orderId: string): Promise<GraphCancellation[]> {
    return this.history('GET /{order-id}/cancellations', orderId, 'cancellations', CancellationSchema);
  }

  listRefunds(orderId: string): Promise<GraphRefund[]> {
    return this.history('GET /{order-id}/refunds', orderId, 'refunds', RefundSchema);
  }

  listReturns(orderId: string): Promise<GraphReturn[]> {
    return this.history('GET /{order-id}/returns', orderId, 'returns', ReturnSchema, {
      fields: RETURN_FIELDS.join(','),
    });
  }

  // -------------------------------------------------------------------------------------------

  private history<S extends z.ZodType>(
    endpoint: GraphEndpoint,
    orderId: string,
    edge: string,
    schema: S,
    query: Record<string, QueryValue> = {},
  ): Promise<z.output<S>[]> {
    return this.collect(endpoint, [id(orderId, endpoint), edge], schema, query);
  }

  private get<S extends z.ZodType>(
    endpoint: GraphEndpoint,
    path: readonly string[],
    schema: S,
    query: Record<string, QueryValue>,
  ): Promise<z.output<S>> {
    return this.transport.call({ method: 'GET', endpoint, path, query, schema });
  }

  private write<S extends z.ZodType>(
    endpoint: GraphEndpoint,
    method: HttpMethod,
    path: readonly string[],
    body: Record<string, unknown> | undefined,
    schema: S,
  ): Promise<z.output<S>> {
    return this.transport.call({ method, endpoint, path, body, schema });
  }

  /** Follows an edge's cursors to the end and returns every element. */
  private async collect<S extends z.ZodType>(
    endpoint: GraphEndpoint,
    path: readonly string[],
    schema: S,
    query: Record<string, QueryValue>,
  ): Promise<z.output<S>[]> {
    const all: z.output<S>[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.get(endpoint, path, edgeOf(schema), { ...query, after });
      all.push(...page.data);
      const next = nextPage(endpoint, page.paging);
      if (!next.hasNext) return all;
      if (next.after === after) throw pagingError(endpoint, 'paging.next: the cursor did not advance');
      after = next.after;
    }
  }

  private select<T>(endpoint: GraphEndpoint, build: () => T): T {
    try {
      return build();
    } catch (err) {
      if (err instanceof UnknownFieldError) throw new GraphInputError(err.message, endpoint);
      throw err;
    }
  }
}

// ---------------------------------------------------------------------------------------------

function id(value: string, endpoint: GraphEndpoint): string {
  const parsed = GraphId.safeParse(value);
  if (!parsed.success)
    throw new GraphInputError(`expected a Graph id (letters, digits, "_"), got ${JSON.stringify(value)}`, endpoint);
  return parsed.data;
}

function input<S extends z.ZodType>(schema: S, value: unknown, endpoint: GraphEndpoint): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new GraphInputError(
    `${formatPath(issue?.path ?? [])}: ${(issue?.message ?? 'invalid').replace(/^Invalid input: /, '')}`,
    endpoint,
  );
}

function list(values: readonly string[] | undefined): string | undefined {
  return values && values.length > 0 ? values.join(',') : undefined;
}

function unixSeconds(date: Date | undefined, name: string, endpoint: GraphEndpoint): number | undefined {
  if (date === undefined) return undefined;
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new GraphInputError(`${name} is an invalid Date`, endpoint);
  return Math.floor(ms / 1000);
}

/**
 * The cursor of the following page. Meta's `next` URL is only a signal (it may carry an
 * access_token and points at Meta's host); the client rebuilds the request from the cursor.
 */
function nextPage(
  endpoint: GraphEndpoint,
  paging: GraphPaging | undefined,
): { after: string | undefined; hasNext: boolean } {
  const hasNext = typeof paging?.next === 'string' && paging.next.length > 0;
  let after: string | undefined;
  if (hasNext) {
    try {
      after = new URL(paging!.next!).searchParams.get('after') ?? undefined;
    } catch {
      after = undefined;
    }
  }
  after ??= paging?.cursors?.after;
  if (hasNext && !after) throw pagingError(endpoint, 'paging.next: a next page was announced without an after cursor');
  return { after, hasNext };
}

function pagingError(endpoint: GraphEndpoint, detail: string): GraphResponseError {
  return new GraphResponseError(`${endpoint}: ${detail}`, endpoint, 'paging.next', 200);
}
