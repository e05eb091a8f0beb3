/**
 * Wire shapes of the sandbox's admin API (`/_admin/...`), shared by the server and
 * SandboxAdminClient. camelCase: this API is ours, for tests, benchmarks and the demo.
 */
import { z } from 'zod';
import { isAmount } from './money.js';
import { ORDER_STATES } from './meta-codes/order-states.js';
import { RETURN_REASONS } from './meta-codes/return-codes.js';
import { CANCEL_REASONS, PLATFORM_REFUND_REASONS, SELLER_REFUND_REASONS } from './meta-codes/reason-codes.js';
import { FaultConfigSchema, FaultPatchSchema, FaultStateSchema } from './fault-schemas.js';
import { LedgerSnapshotSchema } from './ledger-schemas.js';
import { RateLimitSchema } from './options.js';

const amount = z.string().refine(isAmount, 'must be a decimal string with at most two places, e.g. "19.99"');

export const NewOrderItemSchema = z.strictObject({
  retailerId: z.string().min(1).max(100),
  quantity: z.number().int().min(1).max(10_000),
  /** Unit price, decimal string in the order currency. */
  pricePerUnit: amount.default('19.99'),
  productName: z.string().min(1).max(200).optional(),
  customization: z.string().max(500).optional(),
});

/** Lines may share a retailer id (a personalised and a plain mug): each line is its own item with its own id. */
export const CreateOrdersRequestSchema = z.strictObject({
  count: z.number().int().min(1).max(5_000).default(1),
  /** Default: alternates facebook / instagram. */
  channel: z.enum(['facebook', 'instagram']).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('USD'),
  /** Default: one or more lines from the demo catalogue. */
  items: z.array(NewOrderItemSchema).min(1).max(50).optional(),
  /** Default: a buyer from the demo list (Unicode names). */
  buyer: z
    .strictObject({
      name: z.string().min(1).max(200),
      email: z.string().min(3).max(320).optional(),
      emailRemarketingOption: z.boolean().default(false),
    })
    .optional(),
  shippingAddress: z
    .strictObject({
      name: z.string().min(1).max(200).optional(),
      street1: z.string().min(1).max(200),
      street2: z.string().max(200).optional(),
      city: z.string().min(1).max(100),
      state: z.string().max(100).optional(),
      postalCode: z.string().min(1).max(20),
      country: z.string().regex(/^[A-Z]{2}$/),
    })
    .optional(),
  shipping: z
    .strictObject({
      name: z.string().min(1).max(100).default('Standard'),
      price: amount.default('5.00'),
      minDays: z.number().int().min(0).max(60).default(3),
      maxDays: z.number().int().min(0).max(60).default(7),
    })
    .optional(),
  /** Tax rate on items and shipping, e.g. 0.08. */
  taxRate: z.number().min(0).max(1).default(0.08),
  /** Meta collects and remits the tax (estimated_payment_details.tax_remitted). */
  taxRemitted: z.boolean().default(true),
  /**
   * A promotion Meta funds: what Meta pays toward the order (facebook_paid_amount, at most the order's
   * total); the buyer pays the rest (buyer_paid_amount).
   */
  facebookPaid: amount.default('0.00'),
  /** Overrides the sandbox's release delay for these orders (0 = released on the next read). */
  releaseDelayMs: z.number().int().min(0).optional(),
  /** Keep in FB_PROCESSING (risk review) until released through the admin API. */
  holdForReview: z.boolean().default(false),
  /** Lines per order when `items` is absent. */
  itemsPerOrder: z.number().int().min(1).max(8).default(1),
});
export type CreateOrdersRequest = z.input<typeof CreateOrdersRequestSchema>;

export const CreatedOrderSchema = z.object({
  id: z.string(),
  state: z.enum(ORDER_STATES),
  channel: z.enum(['facebook', 'instagram']),
  createdAt: z.string(),
  /** null when held for review. */
  releaseAt: z.string().nullable(),
  items: z.array(
    z.object({ id: z.string(), retailerId: z.string(), productId: z.string(), quantity: z.number().int() }),
  ),
});
export type CreatedOrder = z.output<typeof CreatedOrderSchema>;
export const CreateOrdersResponseSchema = z.object({ orders: z.array(CreatedOrderSchema) });

export const ReleaseRequestSchema = z.strictObject({
  /** Default: every order in FB_PROCESSING (held ones included). */
  orderIds: z.array(z.string().min(1)).max(10_000).optional(),
});
export const ReleaseResponseSchema = z.object({ released: z.array(z.string()) });

const UnitLineSchema = z
  .strictObject({
    retailerId: z.string().min(1).optional(),
    itemId: z.string().min(1).optional(),
    quantity: z.number().int().min(1),
  })
  .refine(
    (line) => (line.retailerId === undefined) !== (line.itemId === undefined),
    'needs exactly one of retailerId or itemId',
  );

/** Shipping as if done in Commerce Manager (IN_PROGRESS orders). Default: every open unit. */
export const ExternalShipRequestSchema = z.strictObject({
  /** Each line names its item by `itemId` or `retailerId` (the latter must be unambiguous). */
  items: z.array(UnitLineSchema).min(1).optional(),
  /** A code of Meta's carrier list. */
  carrier: z.string().min(1).default('OTHER'),
  /** Default: a generated "CM0000000001". */
  trackingNumber: z.string().min(1).max(100).optional(),
  shippingMethodName: z.string().min(1).max(200).optional(),
});
export type ExternalShipRequest = z.input<typeof ExternalShipRequestSchema>;

/**
 * Cancelling outside the integration: by the seller in Commerce Manager (`initiatedBy: 'SELLER'`)
 * or by the buyer through Meta support (`'BUYER'`). IN_PROGRESS orders: the given units (default:
 * every open unit). CREATED orders, and FB_PROCESSING ones for a buyer (a seller only after 24
 * hours there): the whole order only, which then ends COMPLETED with every unit cancelled.
 */
export const ExternalCancelRequestSchema = z.strictObject({
  items: z.array(UnitLineSchema).min(1).optional(),
  reasonCode: z.enum(CANCEL_REASONS).default('CUSTOMER_REQUESTED'),
  reasonDescription: z.string().max(1000).optional(),
  /** `restock_items` on the cancellation: the units go back to the product's inventory. */
  restock: z.boolean().default(false),
  initiatedBy: z.enum(['SELLER', 'BUYER']).default('SELLER'),
});
export type ExternalCancelRequest = z.input<typeof ExternalCancelRequestSchema>;

const RefundLineSchema = z
  .strictObject({
    retailerId: z.string().min(1).optional(),
    itemId: z.string().min(1).optional(),
    /** Units to refund at the unit price. */
    quantity: z.number().int().min(1).optional(),
    /** Money to refund on the line, in the order's currency. */
    amount: amount.optional(),
  })
  .refine(
    (line) => (line.retailerId === undefined) !== (line.itemId === undefined),
    'needs exactly one of retailerId or itemId',
  )
  .refine(
    (line) => (line.quantity === undefined) !== (line.amount === undefined),
    'needs exactly one of quantity or amount',
  );

export const REFUND_REASONS = [...SELLER_REFUND_REASONS, ...PLATFORM_REFUND_REASONS] as const;

/**
 * Refunding outside the integration: by the seller in Commerce Manager (`issuedBy: 'SELLER'`) or
 * by Meta / its support (`'META'`). The Graph refund rules apply unchanged (shipped units only,
 * never more than is left or than the buyer paid), except that Meta's own reason codes are
 * allowed. Forms: `items` by quantity or by amount, `shipping` alone, or nothing itemised at all
 * (a full refund of what is left). Amounts are decimal strings in the order's currency.
 */
export const ExternalRefundRequestSchema = z.strictObject({
  reasonCode: z.enum(REFUND_REASONS).default('REFUND_REASON_OTHER'),
  reasonText: z.string().max(1000).optional(),
  items: z.array(RefundLineSchema).min(1).optional(),
  /** `shipping.shipping_refund`. */
  shipping: amount.optional(),
  deductions: z
    .array(z.strictObject({ type: z.enum(['RETURN_SHIPPING']).default('RETURN_SHIPPING'), amount }))
    .max(10)
    .optional(),
  /** `adjustment_amount`. */
  adjustment: amount.optional(),
  /** Id of a return of this order (created with `createReturn`). */
  returnId: z
    .string()
    .regex(/^\d{1,20}$/)
    .optional(),
  issuedBy: z.enum(['SELLER', 'META']).default('SELLER'),
});
export type ExternalRefundRequest = z.input<typeof ExternalRefundRequestSchema>;

/** A buyer-initiated return of shipped units. */
export const ReturnRequestSchema = z.strictObject({
  items: z.array(UnitLineSchema).min(1),
  /** The buyer's own words. */
  reason: z.string().max(500).optional(),
  reasonCode: z.enum(RETURN_REASONS).optional(),
  /** The shop approves returns automatically: the return starts APPROVED. */
  approved: z.boolean().optional(),
});

/** Commerce Manager's answers to a return. */
export const RETURN_ACTIONS = ['approve', 'decline', 'close'] as const;
export const ReturnActionRequestSchema = z.strictObject({ action: z.enum(RETURN_ACTIONS) });
export type ReturnActionRequest = z.input<typeof ReturnActionRequestSchema>;
export type ReturnRequest = z.input<typeof ReturnRequestSchema>;

export const EffectResponseSchema = z.object({
  orderId: z.string(),
  objectId: z.string().nullable(),
  state: z.enum(ORDER_STATES),
});
export type EffectResponse = z.output<typeof EffectResponseSchema>;

export const ClockRequestSchema = z
  .strictObject({ offsetMs: z.number().int().optional(), advanceMs: z.number().int().min(0).optional() })
  .refine(
    (r) => (r.offsetMs === undefined) !== (r.advanceMs === undefined),
    'needs exactly one of offsetMs or advanceMs',
  );
export const ClockResponseSchema = z.object({ now: z.string(), nowMs: z.number(), offsetMs: z.number() });
export type ClockResponse = z.output<typeof ClockResponseSchema>;

export const SettingsPatchSchema = z.strictObject({
  /** Rotate the accepted token; the previous one then fails as expired (190, subcode 463). */
  accessToken: z.string().min(1).optional(),
  /** null turns appsecret_proof checking off. */
  appSecret: z.string().min(1).nullable().optional(),
  /** For orders created from now on. */
  releaseDelayMs: z.number().int().min(0).optional(),
  /** Same as POST/DELETE /{cms-id}/order_management_apps (disconnecting auto-acknowledges CREATED orders). */
  connected: z.boolean().optional(),
  rateLimit: RateLimitSchema.optional(),
});
export type SettingsPatch = z.input<typeof SettingsPatchSchema>;

/** Never carries the token or secret themselves. */
export const SettingsViewSchema = z.object({
  url: z.string(),
  cmsId: z.string(),
  businessId: z.string(),
  appSecretRequired: z.boolean(),
  releaseDelayMs: z.number(),
  connected: z.boolean(),
  rateLimit: RateLimitSchema,
  clockOffsetMs: z.number(),
  orders: z.number().int(),
  idempotencyKeys: z.number().int(),
});
export type SettingsView = z.output<typeof SettingsViewSchema>;

export const RateLimitViewSchema = z.object({
  callsPerWindow: z.number(),
  windowMs: z.number(),
  callCountPct: z.number(),
  regainMs: z.number(),
  throttleBurstRemainingMs: z.number(),
});
export type RateLimitView = z.output<typeof RateLimitViewSchema>;

const MoneyView = z.object({ amount: z.string(), currency: z.string() });

/** Everything about an order, regardless of what Graph would show (admin view). */
export const OrderSnapshotSchema = z.object({
  id: z.string(),
  state: z.enum(ORDER_STATES),
  channel: z.enum(['facebook', 'instagram']),
  createdAt: z.string(),
  lastUpdatedAt: z.string(),
  releaseAt: z.string().nullable(),
  releasedAt: z.string().nullable(),
  merchantOrderReference: z.string().nullable(),
  buyer: z.object({ name: z.string(), email: z.string(), emailRemarketingOption: z.boolean() }),
  items: z.array(
    z.object({
      id: z.string(),
      retailerId: z.string(),
      productId: z.string(),
      productName: z.string(),
      quantity: z.number().int(),
      pricePerUnit: MoneyView,
      shipped: z.number().int(),
      cancelled: z.number().int(),
      refundedQuantity: z.number().int(),
      refundedAmount: MoneyView,
    }),
  ),
  shipments: z.number().int(),
  cancellations: z.number().int(),
  refunds: z.number().int(),
  returns: z.number().int(),
  shippingRefunded: MoneyView,
});
export type OrderSnapshot = z.output<typeof OrderSnapshotSchema>;

export const OrderListSchema = z.object({
  orders: z.array(z.object({ id: z.string(), state: z.enum(ORDER_STATES), lastUpdatedAt: z.string() })),
});

export { FaultConfigSchema, FaultPatchSchema, FaultStateSchema, LedgerSnapshotSchema };
