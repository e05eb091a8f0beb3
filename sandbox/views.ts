/**
 * How stored objects look on the wire, field by field, and Graph's field selection over them:
 * `fields` replaces the defaults, `id` is always returned, unknown fields are a (#100) error,
 * structs accept sub-selections (`buyer_details{name}`), edges nest (`items{id,quantity}`) with
 * their own paging. Selections are validated once per request, before any object is rendered.
 */
import { carrierLabel } from './meta-codes/carrier-codes.js';
import { formatAmount } from './money.js';
import { metaTimestamp } from './clock.js';
import { invalidParameter } from './errors.js';
import type { FieldNode } from './fields.js';
import type {
  StoredCancellation,
  StoredItem,
  StoredOrder,
  StoredProduct,
  StoredRefund,
  StoredReturn,
  StoredShipment,
  UnitLine,
} from './model.js';
import { openUnits, orderTotalMinor } from './model.js';
import { encodeCursor, indexList, paginate, type Page } from './paging.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './request-schemas.js';

/** Where links in a response point, and which auth query parameters they must carry along. */
export interface ViewContext {
  /** e.g. http://127.0.0.1:8787/v22.0 */
  graphBase: string;
  /** access_token / appsecret_proof when the caller sent them in the query string. */
  authQuery: [string, string][];
}

/** Allowed sub-fields of a struct; null = a leaf. */
type Shape = { readonly [key: string]: Shape | null };

interface FieldSpec<T> {
  get(subject: T, ctx: ViewContext, node: FieldNode): unknown;
  shape?: Shape;
  edge?: NodeType<never>;
}

export interface NodeType<T> {
  name: string;
  defaults: readonly string[];
  fields: Readonly<Record<string, FieldSpec<T>>>;
}

const MONEY: Shape = { amount: null, currency: null };

function money(minor: bigint, currency: string): { amount: string; currency: string } {
  return { amount: formatAmount(minor), currency };
}

// ---- selection: validation and projection ----------------------------------------------

function nonexisting(field: string, typeName: string): never {
  throw invalidParameter(`Tried accessing nonexisting field (${field}) on node type (${typeName})`);
}

function validateShape(nodes: FieldNode[], shape: Shape, typeName: string): void {
  for (const node of nodes) {
    if (!(node.name in shape)) nonexisting(node.name, typeName);
    if (node.limit !== undefined) throw invalidParameter(`Field ${node.name} is not an edge and takes no .limit()`);
    const inner = shape[node.name];
    if (node.children) {
      if (!inner) throw invalidParameter(`Field ${node.name} has no sub-fields`);
      validateShape(node.children, inner, typeName);
    }
  }
}

/** Throws (#100) for any field the type does not have, at any depth. */
export function validateSelection(type: NodeType<never>, nodes: FieldNode[] | undefined): void {
  for (const node of nodes ?? []) {
    const spec = type.fields[node.name];
    if (!spec) nonexisting(node.name, type.name);
    if (spec.edge) {
      if (node.limit !== undefined && (node.limit < 1 || node.limit > MAX_PAGE_SIZE)) {
        throw invalidParameter(`limit of ${node.name} must be between 1 and ${MAX_PAGE_SIZE}`);
      }
      validateSelection(spec.edge, node.children);
      continue;
    }
    if (node.limit !== undefined) throw invalidParameter(`Field ${node.name} is not an edge and takes no .limit()`);
    if (node.children) {
      if (!spec.shape) throw invalidParameter(`Field ${node.name} has no sub-fields`);
      validateShape(node.children, spec.shape, type.name);
    }
  }
}

function project(value: unknown, nodes: FieldNode[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const node of nodes) {
    const inner = source[node.name];
    if (inner === undefined) continue;
    out[node.name] = node.children ? project(inner, node.children) : inner;
  }
  return out;
}

/** Renders a node with a validated selection (undefined = the type's defaults). */
export function render<T>(
  type: NodeType<T>,
  subject: T,
  nodes: FieldNode[] | undefined,
  ctx: ViewContext,
): Record<string, unknown> {
  const selection: FieldNode[] = nodes ?? type.defaults.map((name) => ({ name }));
  const out: Record<string, unknown> = {};
  const idSpec = type.fields.id;
  if (idSpec) out.id = idSpec.get(subject, ctx, { name: 'id' });
  for (const node of selection) {
    if (node.name === 'id') continue;
    const spec = type.fields[node.name]!;
    const value = spec.get(subject, ctx, node);
    if (value === undefined) continue;
    out[node.name] = spec.shape && node.children ? project(value, node.children) : value;
  }
  return out;
}

/** Back to text, for `next` links of nested edges. */
export function serializeFields(nodes: FieldNode[]): string {
  return nodes
    .map(
      (node) =>
        `${node.name}${node.limit !== undefined ? `.limit(${node.limit})` : ''}${node.children ? `{${serializeFields(node.children)}}` : ''}`,
    )
    .join(',');
}

// ---- paging envelopes ------------------------------------------------------------------

export interface PagedResponse {
  data: Record<string, unknown>[];
  paging?: { cursors: { before: string; after: string }; next?: string; previous?: string };
}

/**
 * `{ data, paging }`. An empty page has no cursors to give, so it is `{ data: [] }` alone, as
 * Graph does; clients stop when `next` is absent.
 */
export function pagedResponse<T>(
  page: Page<T>,
  rows: Record<string, unknown>[],
  cursorOf: (item: T) => string,
  link: (param: 'after' | 'before', cursor: string) => string,
): PagedResponse {
  if (page.items.length === 0) return { data: rows };
  const before = cursorOf(page.items[0]!);
  const after = cursorOf(page.items[page.items.length - 1]!);
  const paging: NonNullable<PagedResponse['paging']> = { cursors: { before, after } };
  if (page.hasNext) paging.next = link('after', after);
  if (page.hasPrevious) paging.previous = link('before', before);
  return { data: rows, paging };
}

export function graphLink(ctx: ViewContext, path: string, params: [string, string][]): string {
  const query = new URLSearchParams([...params, ...ctx.authQuery]);
  return `${ctx.graphBase}${path}?${query.toString()}`;
}

/** A list edge nested in a node (`items{...}` in an order), first page only, with a link onwards. */
function nestedEdge<T>(
  list: readonly T[],
  type: NodeType<T>,
  scope: string,
  path: string,
  node: FieldNode,
  ctx: ViewContext,
): PagedResponse {
  const limit = node.limit ?? DEFAULT_PAGE_SIZE;
  const page = paginate(indexList(list.length), { limit });
  const rows = page.items.map((i) => render(type, list[i]!, node.children, ctx));
  const params: [string, string][] = [['limit', String(limit)]];
  if (node.children) params.push(['fields', serializeFields(node.children)]);
  return pagedResponse(
    page,
    rows,
    (i) => encodeCursor(scope, i),
    (param, cursor) => graphLink(ctx, path, [...params, [param, cursor]]),
  );
}

// ---- the types ------------------------------------------------------------------------

function unitLinesView(lines: UnitLine[]): { data: { item_id: string; retailer_id: string; quantity: number }[] } {
  return {
    data: lines.map((line) => ({ item_id: line.itemId, retailer_id: line.retailerId, quantity: line.quantity })),
  };
}

function shippingOptionView(order: StoredOrder): Record<string, unknown> {
  const option = order.shippingOption;
  return {
    name: option.name,
    price: money(option.priceMinor, order.currency),
    calculated_tax: money(option.taxMinor, order.currency),
    estimated_shipping_time: { min_days: option.minDays, max_days: option.maxDays },
  };
}

const SHIPPING_OPTION_SHAPE: Shape = {
  name: null,
  price: MONEY,
  calculated_tax: MONEY,
  estimated_shipping_time: { min_days: null, max_days: null },
};

/** Item views need their order (currency, shipping option). */
export interface ItemInOrder {
  order: StoredOrder;
  item: StoredItem;
}

export const ITEM_TYPE: NodeType<ItemInOrder> = {
  name: 'CommerceOrderItem',
  defaults: ['id', 'retailer_id', 'product_id', 'quantity', 'price_per_unit'],
  fields: {
    id: { get: ({ item }) => item.id },
    retailer_id: { get: ({ item }) => item.retailerId },
    product_id: { get: ({ item }) => item.productId },
    product_name: { get: ({ item }) => item.productName },
    quantity: { get: ({ item }) => item.quantity },
    price_per_unit: { get: ({ order, item }) => money(item.unitPriceMinor, order.currency), shape: MONEY },
    selected_shipping_option: { get: ({ order }) => shippingOptionView(order), shape: SHIPPING_OPTION_SHAPE },
    status: {
      get: ({ item }) => ({ in_progress: openUnits(item), fulfilled: item.shipped, cancelled: item.cancelled }),
      shape: { in_progress: null, fulfilled: null, cancelled: null },
    },
    tax_details: {
      get: ({ order, item }) => ({
        estimated_tax: money(item.taxMinor, order.currency),
        captured_tax: {
          total_tax: money((item.taxMinor * BigInt(item.shipped)) / BigInt(item.quantity), order.currency),
        },
      }),
      shape: { estimated_tax: MONEY, captured_tax: { total_tax: MONEY } },
    },
    customization: { get: ({ item }) => item.customization },
  },
};

const TRACKING_SHAPE: Shape = { tracking_number: null, carrier: null, carrier_name: null, shipping_method_name: null };
const UNIT_LINES_SHAPE: Shape = { data: null };

export const SHIPMENT_TYPE: NodeType<StoredShipment> = {
  name: 'CommerceOrderShipment',
  defaults: ['id', 'external_shipment_id', 'items', 'tracking_info', 'created', 'last_updated'],
  fields: {
    id: { get: (s) => s.id },
    external_shipment_id: { get: (s) => s.externalShipmentId },
    items: { get: (s) => unitLinesView(s.items), shape: UNIT_LINES_SHAPE },
    tracking_info: {
      get: (s) => ({
        tracking_number: s.tracking.trackingNumber,
        carrier: s.tracking.carrier,
        carrier_name: carrierLabel(s.tracking.carrier),
        shipping_method_name: s.tracking.shippingMethodName,
      }),
      shape: TRACKING_SHAPE,
    },
    created: { get: (s) => metaTimestamp(s.createdMs) },
    last_updated: { get: (s) => metaTimestamp(s.updatedMs) },
  },
};

export const CANCELLATION_TYPE: NodeType<StoredCancellation> = {
  name: 'CommerceOrderCancellation',
  defaults: ['id', 'cancel_reason', 'restock_items', 'items', 'initiated_by', 'created'],
  fields: {
    id: { get: (c) => c.id },
    cancel_reason: {
      get: (c) => ({ reason_code: c.reasonCode, reason_description: c.reasonDescription }),
      shape: { reason_code: null, reason_description: null },
    },
    restock_items: { get: (c) => c.restockItems },
    items: { get: (c) => unitLinesView(c.items), shape: UNIT_LINES_SHAPE },
    initiated_by: { get: (c) => c.initiatedBy },
    created: { get: (c) => metaTimestamp(c.createdMs) },
  },
};

export interface RefundInOrder {
  order: StoredOrder;
  refund: StoredRefund;
}

export const REFUND_TYPE: NodeType<RefundInOrder> = {
  name: 'CommerceOrderRefund',
  defaults: [
    'id',
    'reason_code',
    'reason_text',
    'items',
    'shipping',
    'deductions',
    'adjustment_amount',
    'total_refund_amount',
    'return_id',
    'created',
  ],
  fields: {
    id: { get: ({ refund }) => refund.id },
    reason_code: { get: ({ refund }) => refund.reasonCode },
    reason_text: { get: ({ refund }) => refund.reasonText },
    items: {
      get: ({ order, refund }) => ({
        data: refund.items.map((line) => ({
          item_id: line.itemId,
          retailer_id: line.retailerId,
          ...(line.quantity !== undefined ? { item_refund_quantity: line.quantity } : {}),
          item_refund_amount: money(line.amountMinor, order.currency),
        })),
      }),
      shape: UNIT_LINES_SHAPE,
    },
    shipping: {
      get: ({ order, refund }) => ({ shipping_refund: money(refund.shippingMinor, order.currency) }),
      shape: { shipping_refund: MONEY },
    },
    deductions: {
      get: ({ order, refund }) =>
        refund.deductions.map((d) => ({
          deduction_type: d.type,
          deduction_amount: money(d.amountMinor, order.currency),
        })),
    },
    adjustment_amount: { get: ({ order, refund }) => money(refund.adjustmentMinor, order.currency), shape: MONEY },
    total_refund_amount: { get: ({ order, refund }) => money(refund.totalMinor, order.currency), shape: MONEY },
    return_id: { get: ({ refund }) => refund.returnId },
    created: { get: ({ refund }) => metaTimestamp(refund.createdMs) },
  },
};

export const RETURN_TYPE: NodeType<StoredReturn> = {
  name: 'CommerceReturn',
  defaults: ['id', 'items', 'return_status', 'return_message', 'created'],
  fields: {
    id: { get: (r) => r.id },
    items: { get: (r) => unitLinesView(r.items), shape: UNIT_LINES_SHAPE },
    return_status: { get: (r) => r.status },
    return_reason: { get: (r) => r.reasonCode },
    return_message: { get: (r) => r.reason },
    merchant_return_id: { get: (r) => r.merchantReturnId },
    created: { get: (r) => metaTimestamp(r.createdMs) },
    updated: { get: (r) => metaTimestamp(r.updatedMs) },
  },
};

function itemsOf(order: StoredOrder): ItemInOrder[] {
  return order.items.map((item) => ({ order, item }));
}

function refundsOf(order: StoredOrder): RefundInOrder[] {
  return order.refunds.map((refund) => ({ order, refund }));
}

/** Buyer and address are Meta's to share only once the order is released. */
function released(order: StoredOrder): boolean {
  return order.releasedMs !== undefined;
}

export const ORDER_TYPE: NodeType<StoredOrder> = {
  name: 'CommerceOrder',
  defaults: ['id', 'order_status', 'created', 'last_updated'],
  fields: {
    id: { get: (o) => o.id },
    order_status: { get: (o) => ({ state: o.state }), shape: { state: null } },
    created: { get: (o) => metaTimestamp(o.createdMs) },
    last_updated: { get: (o) => metaTimestamp(o.lastUpdatedMs) },
    items: {
      get: (o, ctx, node) => nestedEdge(itemsOf(o), ITEM_TYPE, `items.${o.id}`, `/${o.id}/items`, node, ctx),
      edge: ITEM_TYPE as NodeType<never>,
    },
    ship_by_date: { get: (o) => o.shipByDate },
    merchant_order_id: { get: (o) => o.merchantOrderReference },
    channel: { get: (o) => o.channel },
    selected_shipping_option: { get: (o) => shippingOptionView(o), shape: SHIPPING_OPTION_SHAPE },
    shipping_address: {
      get: (o) =>
        released(o)
          ? {
              name: o.shippingAddress.name,
              street1: o.shippingAddress.street1,
              street2: o.shippingAddress.street2,
              city: o.shippingAddress.city,
              state: o.shippingAddress.state,
              postal_code: o.shippingAddress.postalCode,
              country: o.shippingAddress.country,
            }
          : undefined,
      shape: { name: null, street1: null, street2: null, city: null, state: null, postal_code: null, country: null },
    },
    estimated_payment_details: {
      get: (o) => {
        const itemsMinor = o.items.reduce((sum, item) => sum + item.unitPriceMinor * BigInt(item.quantity), 0n);
        const taxMinor = o.items.reduce((sum, item) => sum + item.taxMinor, 0n) + o.shippingOption.taxMinor;
        const total = orderTotalMinor(o);
        const facebookPaid = o.facebookPaidMinor ?? 0n;
        return {
          subtotal: { items: money(itemsMinor, o.currency), shipping: money(o.shippingOption.priceMinor, o.currency) },
          tax: money(taxMinor, o.currency),
          total_amount: money(total, o.currency),
          tax_remitted: o.taxRemitted ?? true,
          facebook_paid_amount: money(facebookPaid, o.currency),
          buyer_paid_amount: money(total - facebookPaid, o.currency),
        };
      },
      shape: {
        subtotal: { items: MONEY, shipping: MONEY },
        tax: MONEY,
        total_amount: MONEY,
        tax_remitted: null,
        facebook_paid_amount: MONEY,
        buyer_paid_amount: MONEY,
      },
    },
    buyer_details: {
      get: (o) =>
        released(o)
          ? { name: o.buyer.name, email: o.buyer.email, email_remarketing_option: o.buyer.emailRemarketingOption }
          : undefined,
      shape: { name: null, email: null, email_remarketing_option: null },
    },
    shipments: {
      get: (o, ctx, node) =>
        nestedEdge(o.shipments, SHIPMENT_TYPE, `shipments.${o.id}`, `/${o.id}/shipments`, node, ctx),
      edge: SHIPMENT_TYPE as NodeType<never>,
    },
    cancellations: {
      get: (o, ctx, node) =>
        nestedEdge(o.cancellations, CANCELLATION_TYPE, `cancellations.${o.id}`, `/${o.id}/cancellations`, node, ctx),
      edge: CANCELLATION_TYPE as NodeType<never>,
    },
    refunds: {
      get: (o, ctx, node) => nestedEdge(refundsOf(o), REFUND_TYPE, `refunds.${o.id}`, `/${o.id}/refunds`, node, ctx),
      edge: REFUND_TYPE as NodeType<never>,
    },
    returns: {
      get: (o, ctx, node) => nestedEdge(o.returns, RETURN_TYPE, `returns.${o.id}`, `/${o.id}/returns`, node, ctx),
      edge: RETURN_TYPE as NodeType<never>,
    },
  },
};

export const PRODUCT_TYPE: NodeType<StoredProduct> = {
  name: 'ProductItem',
  defaults: ['id', 'retailer_id', 'name'],
  fields: {
    id: { get: (p) => p.id },
    retailer_id: { get: (p) => p.retailerId },
    name: { get: (p) => p.name },
    description: { get: (p) => p.description },
    brand: { get: (p) => p.brand },
    gtin: { get: () => undefined },
    manufacturer_part_number: { get: (p) => `MPN-${p.retailerId}` },
    color: { get: () => undefined },
    size: { get: () => undefined },
    gender: { get: () => 'unisex' },
    additional_variant_attributes: { get: () => [] },
    url: { get: (p) => `https://shop.example.com/products/${encodeURIComponent(p.retailerId)}` },
    image_url: { get: (p) => `https://shop.example.com/images/${encodeURIComponent(p.retailerId)}.jpg` },
    visibility: { get: () => 'published' },
    availability: { get: (p) => (p.inventory > 0 ? 'in stock' : 'out of stock') },
    inventory: { get: (p) => p.inventory },
  },
};

/** Items of an order for the `/items` edge. */
export { itemsOf, refundsOf };
