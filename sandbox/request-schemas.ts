/**
 * zod schemas for every Graph request the sandbox accepts. Form bodies carry arrays and objects as
 * JSON strings (`items=[{...}]`) and every scalar as a string; JSON bodies carry real types. The
 * schemas accept both and normalise to one canonical shape, so the same request sent either way
 * has the same idempotency fingerprint. Objects are strict: an unknown field is an error.
 */
import { z } from 'zod';
import { formatAmount, isAmount, parseAmount } from './money.js';
import { CANCEL_REASONS } from './meta-codes/reason-codes.js';
import { RETURN_UPDATE_EVENTS } from './meta-codes/return-codes.js';
import { invalidParameter } from './errors.js';

/**
 * Meta: "any alphanumeric string up to 100 characters", a UUID recommended. A UUID has hyphens, so
 * they are allowed too; anything else (`_`, `.`, spaces) is refused.
 */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9-]{1,100}$/;

function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!text.startsWith('[') && !text.startsWith('{')) return value;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return value;
  }
}

/** An array/object parameter that may arrive as a JSON string (form bodies). */
function jsonParam<T extends z.ZodType>(schema: T) {
  return z.preprocess(parseJsonText, schema);
}

const graphId = z.string().regex(/^\d{1,20}$/, 'must be a numeric id string');

const positiveInt = z
  .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
  .pipe(z.number().int('must be an integer').min(1, 'must be at least 1').max(1_000_000, 'is too large'));

const booleanParam = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1'),
]);

const text = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Money in, canonical money out: amount "5.5" / 5.5 -> "5.50". */
export const MoneySchema = z.strictObject({
  amount: z
    .union([z.string(), z.number()])
    .transform((value) => String(value))
    .refine(isAmount, 'must be a non-negative decimal with at most two places, e.g. "5.50"')
    .transform((value) => formatAmount(parseAmount(value))),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code such as USD'),
});
export type MoneyParam = z.output<typeof MoneySchema>;

const merchantOrderReference = text(256);

const UnitRefSchema = z
  .strictObject({ retailer_id: text(100).optional(), item_id: graphId.optional(), quantity: positiveInt })
  .refine(
    (item) => (item.retailer_id === undefined) !== (item.item_id === undefined),
    'needs exactly one of retailer_id or item_id',
  );
export type UnitRefParam = z.output<typeof UnitRefSchema>;

const TrackingInfoSchema = z.strictObject({
  tracking_number: text(100),
  carrier: text(100),
  shipping_method_name: text(200).optional(),
});
export type TrackingInfoParam = z.output<typeof TrackingInfoSchema>;

export const AcknowledgeOrderRequest = z.strictObject({
  merchant_order_reference: merchantOrderReference.optional(),
});

export const AcknowledgeOrdersRequest = z.strictObject({
  orders: jsonParam(
    z
      .array(z.strictObject({ id: graphId, merchant_order_reference: merchantOrderReference.optional() }))
      .min(1, 'must list at least one order')
      .max(100, 'accepts at most 100 orders per call'),
  ),
});

export const ShipmentRequest = z.strictObject({
  items: jsonParam(z.array(UnitRefSchema).min(1).max(500)).optional(),
  tracking_info: jsonParam(TrackingInfoSchema),
  external_shipment_id: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,100}$/, 'may contain only letters, digits and _')
    .optional(),
  merchant_order_reference: merchantOrderReference.optional(),
});

export const UpdateShipmentRequest = z
  .strictObject({
    tracking_info: jsonParam(TrackingInfoSchema),
    shipment_id: graphId.optional(),
    fulfillment_id: graphId.optional(),
    external_shipment_id: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,100}$/)
      .optional(),
  })
  .refine(
    (r) => [r.shipment_id, r.fulfillment_id, r.external_shipment_id].filter((v) => v !== undefined).length === 1,
    'needs exactly one of shipment_id, fulfillment_id or external_shipment_id',
  );

export const CancellationRequest = z.strictObject({
  cancel_reason: jsonParam(
    z.strictObject({
      reason_code: z.enum(CANCEL_REASONS),
      reason_description: z.string().max(1000).optional(),
    }),
  ).optional(),
  restock_items: booleanParam.default(false),
  items: jsonParam(z.array(UnitRefSchema).min(1).max(500)).optional(),
});

const RefundItemSchema = z
  .strictObject({
    retailer_id: text(100).optional(),
    item_id: graphId.optional(),
    item_refund_quantity: positiveInt.optional(),
    item_refund_amount: jsonParam(MoneySchema).optional(),
  })
  .refine(
    (item) => (item.retailer_id === undefined) !== (item.item_id === undefined),
    'needs exactly one of retailer_id or item_id',
  )
  .refine(
    (item) => (item.item_refund_quantity === undefined) !== (item.item_refund_amount === undefined),
    'needs exactly one of item_refund_quantity or item_refund_amount',
  );
export type RefundItemParam = z.output<typeof RefundItemSchema>;

export const RefundRequest = z.strictObject({
  // Checked against the seller codes by the refund rule, so a platform code gets its own message.
  reason_code: text(64),
  reason_text: z.string().max(1000).optional(),
  items: jsonParam(z.array(RefundItemSchema).min(1).max(500)).optional(),
  shipping: jsonParam(z.strictObject({ shipping_refund: MoneySchema })).optional(),
  deductions: jsonParam(
    z.array(z.strictObject({ deduction_type: z.enum(['RETURN_SHIPPING']), deduction_amount: MoneySchema })).max(10),
  ).optional(),
  adjustment_amount: jsonParam(MoneySchema).optional(),
  return_id: graphId.optional(),
});
export type RefundRequestParams = z.output<typeof RefundRequest>;

export const UpdateReturnRequest = z.strictObject({
  update_event: z.enum(RETURN_UPDATE_EVENTS),
  merchant_return_id: z.string().min(1).max(100).optional(),
  notes: z.string().max(1000).optional(),
});

export const EmptyWriteRequest = z.strictObject({});

// ---- reads -------------------------------------------------------------------------------

const unixSeconds = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^\d{1,12}(\.\d+)?$/, 'must be a unix timestamp in seconds')
      .transform(Number),
  ])
  .pipe(z.number().nonnegative());

/** Graph clamps an over-large limit rather than failing. A number when a read comes as a JSON body (`method=GET`). */
const limitParam = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^\d{1,6}$/, 'must be a positive integer')
      .transform(Number),
  ])
  .pipe(z.number().int('must be a positive integer').min(1, 'must be at least 1'))
  .transform((n) => Math.min(n, MAX_PAGE_SIZE));

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export const NodeQuery = z.strictObject({ fields: z.string().optional() });

export const EdgeQuery = z.strictObject({
  fields: z.string().optional(),
  limit: limitParam.optional(),
  after: z.string().optional(),
  before: z.string().optional(),
});

export const ListOrdersQuery = EdgeQuery.extend({
  state: z.string().optional(),
  filters: z.string().optional(),
  updated_after: unixSeconds.optional(),
  updated_before: unixSeconds.optional(),
});

/** Turns the first zod issue into Graph's (#100) wording. */
export function parseParams<T extends z.ZodType>(schema: T, params: Record<string, unknown>): z.output<T> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
    .join('');
  if (issue.code === 'unrecognized_keys') {
    throw invalidParameter(`Unknown parameter(s)${path ? ` in ${path}` : ''}: ${issue.keys.join(', ')}`);
  }
  // zod 4 does not echo the input in issues; its wording is the only sign of a missing value.
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    throw invalidParameter(`The parameter ${path} is required`);
  }
  throw invalidParameter(`Param ${path || 'request'} ${issue.message.replace(/^Invalid input: /, 'invalid: ')}`);
}
