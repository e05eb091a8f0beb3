/**
 * zod schemas for every Graph response the client reads. Each schema validates Meta's wire format
 * (snake_case, as Meta documents it; see docs/meta-api.md) and turns its keys to camelCase, one object level
 * at a time, so the types below are what callers see. Amounts stay decimal strings and ids stay
 * strings: nothing is coerced. Unknown extra fields are dropped, a missing or mistyped known field
 * fails with the field's path.
 */
import { z } from 'zod';
import { ORDER_STATES } from '../domain/order-states.js';
import { RETURN_STATUSES } from '../domain/returns.js';

// ---------------------------------------------------------------------------------------------
// snake_case -> camelCase, per object level (map-like objects with data keys are never touched).

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;
export type CamelKeys<T> = { [K in keyof T as K extends string ? CamelCase<K> : K]: T[K] };

export function camelCaseKey(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

export function snakeCaseKey(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function camelizeKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [camelCaseKey(key), v]));
}

/** A z.object over Meta's snake_case shape whose output has camelCase keys. */
export function camelObject<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.object(shape).transform((value) => camelizeKeys(value) as CamelKeys<z.output<z.ZodObject<S>>>);
}

// ---------------------------------------------------------------------------------------------
// Scalars

/** Graph ids: numeric today, length not fixed, always strings (a number here is a contract break). */
export const GraphId = z.string().regex(/^[A-Za-z0-9_]+$/, 'expected a Graph id');
/** ISO 8601 with an offset: Meta writes "+00:00" on commerce objects and "+0000" elsewhere. */
export const Timestamp = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/,
    'expected an ISO 8601 timestamp with offset',
  );
export const DecimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string');
export const OrderStateSchema = z.enum(ORDER_STATES);
const Count = z.number().int().nonnegative();

export const MoneySchema = z.object({
  amount: DecimalString,
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code'),
});
export type Money = z.output<typeof MoneySchema>;

/** "facebook" | "instagram"; Meta's casing varies, so it is normalised to lower case. */
export const ChannelSchema = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(['facebook', 'instagram']));
export type GraphChannel = z.output<typeof ChannelSchema>;

// ---------------------------------------------------------------------------------------------
// Paging

export const PagingSchema = z.object({
  cursors: z.object({ before: z.string().optional(), after: z.string().optional() }).optional(),
  next: z.string().optional(),
  previous: z.string().optional(),
});
export type GraphPaging = z.output<typeof PagingSchema>;

/** `{ data: [...], paging }`; Meta leaves `paging` out on some empty answers. */
export function edgeOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), paging: PagingSchema.optional() });
}

// ---------------------------------------------------------------------------------------------
// Order parts

export const EstimatedShippingTimeSchema = camelObject({ min_days: Count, max_days: Count });

export const SelectedShippingOptionSchema = camelObject({
  name: z.string().optional(),
  price: MoneySchema.optional(),
  calculated_tax: MoneySchema.optional(),
  estimated_shipping_time: EstimatedShippingTimeSchema.optional(),
});
export type GraphSelectedShippingOption = z.output<typeof SelectedShippingOptionSchema>;

/** Every part may be empty or missing while the order is FB_PROCESSING. */
export const ShippingAddressSchema = camelObject({
  name: z.string().optional(),
  street1: z.string().optional(),
  street2: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  postal_code: z.string().optional(),
  country: z.string().optional(),
});
export type GraphShippingAddress = z.output<typeof ShippingAddressSchema>;

export const EstimatedPaymentDetailsSchema = camelObject({
  subtotal: camelObject({ items: MoneySchema, shipping: MoneySchema }).optional(),
  tax: MoneySchema.optional(),
  total_amount: MoneySchema.optional(),
  tax_remitted: z.boolean().optional(),
  facebook_paid_amount: MoneySchema.optional(),
  buyer_paid_amount: MoneySchema.optional(),
});
export type GraphEstimatedPaymentDetails = z.output<typeof EstimatedPaymentDetailsSchema>;

/** Empty while the order is FB_PROCESSING. */
export const BuyerDetailsSchema = camelObject({
  name: z.string().optional(),
  email: z.string().optional(),
  email_remarketing_option: z.boolean().optional(),
});
export type GraphBuyerDetails = z.output<typeof BuyerDetailsSchema>;

// ---------------------------------------------------------------------------------------------
// Items

/** Meta documents `status` as a string but sends an object; both forms are accepted. */
export const ItemStatusSchema = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  },
  camelObject({ in_progress: Count, fulfilled: Count, cancelled: Count }),
);
export type GraphItemStatus = z.output<typeof ItemStatusSchema>;

export const ItemTaxDetailsSchema = camelObject({
  estimated_tax: MoneySchema.optional(),
  captured_tax: camelObject({ total_tax: MoneySchema.optional() }).optional(),
});

/** Fields the client always requests for an item, so they are always present. */
export const DEFAULT_ITEM_FIELDS = ['id', 'retailer_id', 'product_id', 'quantity', 'price_per_unit'] as const;

export const itemWireShape = {
  id: GraphId,
  retailer_id: z.string(),
  product_id: GraphId,
  quantity: Count,
  price_per_unit: MoneySchema,
  product_name: z.string().optional(),
  selected_shipping_option: SelectedShippingOptionSchema.optional(),
  status: ItemStatusSchema.optional(),
  tax_details: ItemTaxDetailsSchema.optional(),
  customization: z.string().optional(),
};
export const OrderItemSchema = camelObject(itemWireShape);
export type GraphOrderItem = z.output<typeof OrderItemSchema>;
/** Item fields on request beyond the defaults (camelCase, as in GraphOrderItem). */
export type ItemExtraField = 'productName' | 'selectedShippingOption' | 'status' | 'taxDetails' | 'customization';

export const ItemsEdgeSchema = edgeOf(OrderItemSchema);
export type GraphItemsEdge = z.output<typeof ItemsEdgeSchema>;

// ---------------------------------------------------------------------------------------------
// Orders

export const DEFAULT_ORDER_FIELDS = ['id', 'orderStatus', 'created', 'lastUpdated'] as const;

/** The order's fields as Meta sends them. The four defaults are always present when requested. */
export const orderWireShape = {
  id: GraphId,
  order_status: z.object({ state: OrderStateSchema }),
  created: Timestamp,
  last_updated: Timestamp,
  items: ItemsEdgeSchema.optional(),
  ship_by_date: z.iso.date().optional(),
  merchant_order_id: z.string().optional(),
  channel: ChannelSchema.optional(),
  selected_shipping_option: SelectedShippingOptionSchema.optional(),
  shipping_address: ShippingAddressSchema.optional(),
  estimated_payment_details: EstimatedPaymentDetailsSchema.optional(),
  buyer_details: BuyerDetailsSchema.optional(),
};
export const OrderSchema = camelObject(orderWireShape);
export type GraphOrder = z.output<typeof OrderSchema>;
export type OrderField = keyof GraphOrder;
export type DefaultOrderField = (typeof DEFAULT_ORDER_FIELDS)[number];
/** An order carrying exactly the fields that were asked for (and `id`, which always comes). */
export type GraphOrderWith<F extends OrderField> = Pick<GraphOrder, F | 'id'>;

// ---------------------------------------------------------------------------------------------
// Products

export const DEFAULT_PRODUCT_FIELDS = ['id', 'retailer_id', 'name'] as const;

export const productWireShape = {
  id: GraphId,
  retailer_id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  brand: z.string().optional(),
  gtin: z.string().optional(),
  manufacturer_part_number: z.string().optional(),
  color: z.string().optional(),
  size: z.string().optional(),
  gender: z.string().optional(),
  additional_variant_attributes: z.array(z.string()).optional(),
  url: z.string().optional(),
  image_url: z.string().optional(),
  visibility: z.string().optional(),
  availability: z.string().optional(),
  inventory: z.number().optional(),
};
export const ProductSchema = camelObject(productWireShape);
export type GraphProduct = z.output<typeof ProductSchema>;
export type ProductExtraField = Exclude<keyof GraphProduct, 'id' | 'retailerId' | 'name'>;

// ---------------------------------------------------------------------------------------------
// Writes

export const SuccessSchema = z.object({ success: z.literal(true) });

/** One order of a bulk acknowledgement: acknowledged ones are IN_PROGRESS, others carry an error. */
export const BulkAckOrderSchema = z.object({
  id: GraphId,
  state: OrderStateSchema.optional(),
  error: z
    .object({
      code: z.coerce.number().int().optional(),
      error_subcode: z.coerce.number().int().optional(),
      message: z.string().optional(),
    })
    .optional(),
});
export const BulkAckResponseSchema = z.object({ orders: z.array(BulkAckOrderSchema) });

// ---------------------------------------------------------------------------------------------
// History edges (shipments, cancellations, refunds, returns). The reference notes give only
// `{data, paging}` for these; the fields below mirror what the write calls take, all optional
// except `id`, so a leaner answer from Meta still parses.

/** Meta nests line lists as `{data: [...]}` on these objects; a plain array is accepted too. */
function lineList<T extends z.ZodType>(line: T) {
  return z.union([z.array(line), edgeOf(line)]).transform((lines) => (Array.isArray(lines) ? lines : lines.data));
}

export const UnitLineSchema = camelObject({
  item_id: GraphId.optional(),
  retailer_id: z.string().optional(),
  quantity: Count.optional(),
});
export type GraphUnitLine = z.output<typeof UnitLineSchema>;

export const TrackingInfoSchema = camelObject({
  tracking_number: z.string(),
  carrier: z.string(),
  carrier_name: z.string().optional(),
  shipping_method_name: z.string().optional(),
  tracking_url: z.string().optional(),
});
export type GraphTrackingInfo = z.output<typeof TrackingInfoSchema>;

export const ShipmentSchema = camelObject({
  id: GraphId,
  external_shipment_id: z.string().optional(),
  tracking_info: TrackingInfoSchema.optional(),
  items: lineList(UnitLineSchema).optional(),
  created: Timestamp.optional(),
  last_updated: Timestamp.optional(),
});
export type GraphShipment = z.output<typeof ShipmentSchema>;

export const CancellationSchema = camelObject({
  id: GraphId,
  cancel_reason: camelObject({ reason_code: z.string(), reason_description: z.string().optional() }).optional(),
  restock_items: z.boolean().optional(),
  items: lineList(UnitLineSchema).optional(),
  /** BUYER or SELLER. */
  initiated_by: z.string().optional(),
  created: Timestamp.optional(),
});
export type GraphCancellation = z.output<typeof CancellationSchema>;

export const RefundLineSchema = camelObject({
  item_id: GraphId.optional(),
  retailer_id: z.string().optional(),
  item_refund_quantity: Count.optional(),
  item_refund_amount: MoneySchema.optional(),
});

export const RefundSchema = camelObject({
  id: GraphId,
  reason_code: z.string().optional(),
  reason_text: z.string().optional(),
  items: lineList(RefundLineSchema).optional(),
  shipping: camelObject({ shipping_refund: MoneySchema.optional() }).optional(),
  deductions: z.array(camelObject({ deduction_type: z.string(), deduction_amount: MoneySchema })).optional(),
  adjustment_amount: MoneySchema.optional(),
  total_refund_amount: MoneySchema.optional(),
  return_id: z.string().optional(),
  created: Timestamp.optional(),
});
export type GraphRefund = z.output<typeof RefundSchema>;

export const ReturnSchema = camelObject({
  id: GraphId,
  items: lineList(UnitLineSchema).optional(),
  return_status: z.enum(RETURN_STATUSES),
  /** The buyer's pick of reason; `return_message` (the buyer's own words) is never requested. */
  return_reason: z.string().optional(),
  merchant_return_id: z.string().optional(),
  created: Timestamp.optional(),
  updated: Timestamp.optional(),
});

/** What the integration reads of a return: everything but the buyer's own words. */
export const RETURN_FIELDS = [
  'id',
  'items',
  'return_status',
  'return_reason',
  'merchant_return_id',
  'created',
  'updated',
] as const;
export type GraphReturn = z.output<typeof ReturnSchema>;
