/** The Graph GET endpoints: the order listing, one order, one product, and an order's edges. */
import { isOrderState, ORDER_STATES, type OrderState } from './meta-codes/order-states.js';
import { invalidParameter } from './errors.js';
import { parseFields, type FieldNode } from './fields.js';
import { ok, type GraphAnswer, type GraphCall } from './graph-call.js';
import { openUnits, type StoredOrder } from './model.js';
import { decodeCursor, encodeCursor, indexList, paginate, type OrderedList, type PageWindow } from './paging.js';
import { DEFAULT_PAGE_SIZE, EdgeQuery, ListOrdersQuery, NodeQuery, parseParams } from './request-schemas.js';
import {
  CANCELLATION_TYPE,
  graphLink,
  ITEM_TYPE,
  itemsOf,
  ORDER_TYPE,
  pagedResponse,
  PRODUCT_TYPE,
  REFUND_TYPE,
  refundsOf,
  render,
  RETURN_TYPE,
  SHIPMENT_TYPE,
  validateSelection,
  type NodeType,
} from './views.js';

const ORDER_FILTERS = [
  'no_shipments',
  'has_cancellations',
  'no_cancellations',
  'has_refunds',
  'no_refunds',
  'has_fulfillments',
] as const;
type OrderFilter = (typeof ORDER_FILTERS)[number];

/** Comma lists may arrive quoted (Meta's curl samples send `state="CREATED"`). */
function commaList(raw: string): string[] {
  return raw
    .trim()
    .replace(/^"(.*)"$/s, '$1')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function parseStates(raw: string | undefined): Set<OrderState> {
  if (raw === undefined) return new Set(['CREATED']);
  const states = new Set<OrderState>();
  for (const part of commaList(raw)) {
    const upper = part.toUpperCase();
    if (!isOrderState(upper)) {
      throw invalidParameter(`Param state must be a comma list of ${ORDER_STATES.join(', ')}; got '${part}'`);
    }
    states.add(upper);
  }
  if (states.size === 0) throw invalidParameter('Param state must not be empty');
  return states;
}

function parseFilters(raw: string | undefined): OrderFilter[] {
  if (raw === undefined) return [];
  return commaList(raw).map((part) => {
    const lower = part.toLowerCase();
    if (!(ORDER_FILTERS as readonly string[]).includes(lower)) {
      throw invalidParameter(`Param filters must be a comma list of ${ORDER_FILTERS.join(', ')}; got '${part}'`);
    }
    return lower as OrderFilter;
  });
}

function matchesFilter(order: StoredOrder, filter: OrderFilter): boolean {
  switch (filter) {
    case 'no_shipments':
      // Meta: "orders with line items that are not shipped yet": a partly shipped order with units
      // still to ship stays in (as does an order never shipped); units cancelled never ship.
      return order.shipments.length === 0 || order.items.some((item) => openUnits(item) > 0);
    case 'has_fulfillments':
      return order.shipments.length > 0;
    case 'has_cancellations':
      return order.items.some((item) => item.cancelled > 0);
    case 'no_cancellations':
      return order.items.every((item) => item.cancelled === 0);
    case 'has_refunds':
      return order.refunds.length > 0;
    case 'no_refunds':
      return order.refunds.length === 0;
  }
}

function selection(type: NodeType<never>, fields: string | undefined): FieldNode[] | undefined {
  const nodes = fields === undefined ? undefined : parseFields(fields);
  validateSelection(type, nodes);
  return nodes;
}

function pageWindow(
  scope: string,
  query: { limit?: number | undefined; after?: string | undefined; before?: string | undefined },
): PageWindow {
  return {
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    afterPosition: query.after === undefined ? undefined : decodeCursor(scope, query.after),
    beforePosition: query.before === undefined ? undefined : decodeCursor(scope, query.before),
  };
}

/** A link to the neighbouring page: the same query with only the cursor changed. */
function neighbourLink(call: GraphCall, param: 'after' | 'before', cursor: string): string {
  const kept = call.query.filter(([name]) => name !== 'after' && name !== 'before');
  return graphLink(call.view, call.path, [...kept, [param, cursor]]);
}

/** `summary=true`: Graph adds the edge's size (every match, not just this page) after the paging. */
function withSummary<T extends object>(call: GraphCall, response: T, totalCount: () => number): T {
  return call.summary ? { ...response, summary: { total_count: totalCount() } } : response;
}

/** Newest first; the position is derived from the immutable creation sequence (see paging.ts). */
function newestFirst(orders: readonly StoredOrder[]): OrderedList<StoredOrder> {
  const n = orders.length;
  return { length: n, at: (i) => orders[n - 1 - i]!, position: (order) => -order.seq };
}

export function listOrders(call: GraphCall): GraphAnswer {
  const query = parseParams(ListOrdersQuery, call.params);
  const states = parseStates(query.state);
  const filters = parseFilters(query.filters);
  const nodes = selection(ORDER_TYPE as NodeType<never>, query.fields);
  const window = pageWindow('orders', query);
  // updated_after is inclusive and updated_before exclusive, so consecutive polling windows
  // [t0, t1), [t1, t2) neither skip nor double an order (Meta does not document which it is).
  const afterMs = query.updated_after === undefined ? Number.NEGATIVE_INFINITY : query.updated_after * 1000;
  const beforeMs = query.updated_before === undefined ? Number.POSITIVE_INFINITY : query.updated_before * 1000;
  const include = (order: StoredOrder): boolean =>
    states.has(order.state) &&
    order.lastUpdatedMs >= afterMs &&
    order.lastUpdatedMs < beforeMs &&
    filters.every((filter) => matchesFilter(order, filter));
  const orders = call.state.store.all();
  const page = paginate(newestFirst(orders), window, include);
  const rows = page.items.map((order) => render(ORDER_TYPE, order, nodes, call.view));
  const response = pagedResponse(
    page,
    rows,
    (order) => encodeCursor('orders', -order.seq),
    (param, cursor) => neighbourLink(call, param, cursor),
  );
  return ok(withSummary(call, response, () => orders.filter(include).length));
}

export function getOrder(call: GraphCall): GraphAnswer {
  const query = parseParams(NodeQuery, call.params);
  const nodes = selection(ORDER_TYPE as NodeType<never>, query.fields);
  return ok(render(ORDER_TYPE, call.state.store.order(call.objectId)!, nodes, call.view));
}

export function getProduct(call: GraphCall): GraphAnswer {
  const query = parseParams(NodeQuery, call.params);
  const nodes = selection(PRODUCT_TYPE as NodeType<never>, query.fields);
  return ok(render(PRODUCT_TYPE, call.state.store.product(call.objectId)!, nodes, call.view));
}

function edgeOf<T>(call: GraphCall, type: NodeType<T>, list: readonly T[]): GraphAnswer {
  const query = parseParams(EdgeQuery, call.params);
  const nodes = selection(type as NodeType<never>, query.fields);
  const scope = `${call.endpoint}.${call.objectId}`;
  const page = paginate(indexList(list.length), pageWindow(scope, query));
  const rows = page.items.map((i) => render(type, list[i]!, nodes, call.view));
  const response = pagedResponse(
    page,
    rows,
    (i) => encodeCursor(scope, i),
    (param, cursor) => neighbourLink(call, param, cursor),
  );
  return ok(withSummary(call, response, () => list.length));
}

export function orderEdge(call: GraphCall): GraphAnswer {
  const order = call.state.store.order(call.objectId)!;
  switch (call.endpoint) {
    case 'items':
      return edgeOf(call, ITEM_TYPE, itemsOf(order));
    case 'shipments':
      return edgeOf(call, SHIPMENT_TYPE, order.shipments);
    case 'cancellations':
      return edgeOf(call, CANCELLATION_TYPE, order.cancellations);
    case 'refunds':
      return edgeOf(call, REFUND_TYPE, refundsOf(order));
    case 'returns':
      return edgeOf(call, RETURN_TYPE, order.returns);
    default:
      throw invalidParameter(`Unsupported edge ${call.endpoint}`);
  }
}
