import { z } from 'zod';
import { OmsInvalidInputError } from './oms-errors.js';
import { RETURN_STATUSES } from '../domain/returns.js';
import { CHANNELS } from './oms-port.js';

/**
 * zod schemas for the types the OmsPort methods take. OMS_PORT_ARGUMENTS (oms-port-methods.ts)
 * checks that they parse exactly the port's types, so a change in oms-port.ts that these schemas
 * do not follow fails the type check. Left unannotated for that reason: an annotation such as
 * `z.ZodType<Money>` would hide a field the schema lacks (and would silently strip).
 */

const nonEmpty = z.string().min(1);
const quantity = z.number().int().positive();
/** Ids (Meta's object and item ids, return ids, codes Meta sends): at most 100 characters. */
const id = nonEmpty.max(100);
/** Free text Meta passes on (reason descriptions): at most 500 characters. */
const freeText = z.string().max(500);

export const metaOrderIdSchema = id;

const currency = z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code');

export const moneySchema = z.object({
  amount: z.string().regex(/^-?\d+(\.\d+)?$/, 'amount must be a decimal string such as "12.50"'),
  currency,
});

/** Money that cannot be negative (what a refund gives back or deducts). */
export const nonNegativeMoneySchema = z.object({
  amount: z.string().regex(/^\d+(\.\d+)?$/, 'amount must be a decimal string such as "12.50", not negative'),
  currency,
});

/**
 * Money Meta reports on the order beyond its prices (line tax, what Meta and the buyer paid): not
 * negative, at most two decimals (the cents Meta works in).
 */
export const orderAmountSchema = z.object({
  amount: z
    .string()
    .regex(/^\d+(\.\d{1,2})?$/, 'amount must be a decimal string such as "12.50", not negative, at most 2 decimals'),
  currency,
});

/** The buyer's personalisation text of a line: at most 1,000 characters. */
const customization = z.string().max(1000);
const shippingDays = z.number().int().nonnegative();

export const reservationLinesSchema = z.array(z.object({ retailerId: nonEmpty, quantity }));

export const postalAddressSchema = z.object({
  name: z.string(),
  street1: z.string(),
  street2: z.string().optional(),
  city: z.string(),
  state: z.string().optional(),
  postalCode: z.string(),
  country: z.string(),
});

export const orderLineSchema = z.object({
  itemId: nonEmpty,
  retailerId: nonEmpty,
  productName: z.string().optional(),
  quantity,
  pricePerUnit: moneySchema,
  customization: customization.optional(),
  shippingOption: z
    .object({ name: nonEmpty, minDays: shippingDays.optional(), maxDays: shippingDays.optional() })
    .optional(),
  tax: orderAmountSchema.optional(),
});

export const orderTotalsSchema = z.object({
  subtotal: moneySchema.optional(),
  shipping: moneySchema.optional(),
  tax: moneySchema.optional(),
  total: moneySchema.optional(),
  taxRemitted: z.boolean().optional(),
  facebookPaid: orderAmountSchema.optional(),
  buyerPaid: orderAmountSchema.optional(),
});

export const pendingOrderInputSchema = z.object({
  metaOrderId: metaOrderIdSchema,
  channel: z.enum(CHANNELS),
  paymentMethod: z.enum(['Paid on Facebook', 'Paid on Instagram']),
  buyer: z.object({ name: z.string(), email: z.string().optional(), marketingOptIn: z.boolean() }),
  shippingAddress: postalAddressSchema,
  lines: z
    .array(orderLineSchema)
    .min(1)
    .refine(
      (lines) => new Set(lines.map((line) => line.itemId)).size === lines.length,
      'item ids must be unique within an order',
    ),
  shippingMethod: z.string().optional(),
  /** Meta's ship_by_date. */
  shipByDate: z.iso.date().optional(),
  totals: orderTotalsSchema.optional(),
  suppressCustomerEmails: z.literal(true),
  reserveStock: z.boolean().optional(),
});

const itemQuantities = z.array(z.object({ itemId: id.optional(), retailerId: nonEmpty, quantity }));
const recordOrigin = z.enum(['merchant', 'external']);

export const shipmentRecordSchema = z.object({
  metaOrderId: metaOrderIdSchema,
  requestId: nonEmpty,
  items: itemQuantities,
  carrier: nonEmpty,
  trackingNumber: nonEmpty,
  origin: recordOrigin.optional(),
  metaShipmentId: id.optional(),
});

export const trackingUpdateRecordSchema = z.object({
  metaOrderId: metaOrderIdSchema,
  requestId: nonEmpty,
  shipmentRequestId: nonEmpty,
  carrier: nonEmpty,
  trackingNumber: nonEmpty,
});

export const cancellationRecordSchema = z.object({
  metaOrderId: metaOrderIdSchema,
  requestId: nonEmpty,
  items: itemQuantities,
  reasonCode: nonEmpty,
  restock: z.boolean(),
  origin: recordOrigin,
  initiatedBy: id.optional(),
  reasonDescription: freeText.optional(),
  metaCancellationId: id.optional(),
});

/** Every currency a refund names: all must be the same. */
function refundCurrencies(refund: {
  items: { amount?: { currency: string } | undefined }[];
  shipping?: { currency: string } | undefined;
  deductions?: { amount: { currency: string } }[] | undefined;
  adjustment?: { currency: string } | undefined;
  total?: { currency: string } | undefined;
}): Set<string> {
  const amounts = [
    ...refund.items.map((item) => item.amount),
    refund.shipping,
    ...(refund.deductions ?? []).map((deduction) => deduction.amount),
    refund.adjustment,
    refund.total,
  ];
  return new Set(amounts.flatMap((money) => (money === undefined ? [] : [money.currency])));
}

export const refundRecordSchema = z
  .object({
    metaOrderId: metaOrderIdSchema,
    requestId: nonEmpty,
    items: z.array(
      z.object({
        itemId: id.optional(),
        retailerId: nonEmpty,
        quantity: quantity.optional(),
        amount: nonNegativeMoneySchema.optional(),
      }),
    ),
    shipping: nonNegativeMoneySchema.optional(),
    deductions: z.array(z.object({ type: id, amount: nonNegativeMoneySchema })).optional(),
    /** May be negative: Meta's adjustment is added to the refund as it is. */
    adjustment: moneySchema.optional(),
    total: nonNegativeMoneySchema.optional(),
    reasonCode: nonEmpty,
    reasonText: freeText.optional(),
    returnId: id.optional(),
    origin: recordOrigin,
    metaRefundId: id.optional(),
  })
  .refine((refund) => refundCurrencies(refund).size <= 1, 'every amount of a refund must be in one currency');

export const returnRecordSchema = z.object({
  metaOrderId: metaOrderIdSchema,
  metaReturnId: id,
  status: z.enum(RETURN_STATUSES),
  items: itemQuantities,
  reasonCode: id.optional(),
  merchantReturnId: id.optional(),
});

export const externalChangeSchema = z.object({
  metaOrderId: metaOrderIdSchema,
  kind: z.enum(['cancelled_before_release', 'cancelled', 'shipped', 'refunded', 'state_changed']),
  detail: z.string(),
});

export const opsNotificationSchema = z.object({
  metaOrderId: metaOrderIdSchema.optional(),
  severity: z.enum(['warning', 'critical']),
  reason: z.string(),
});

/** "path: message; ..." for an invalid-input error. Values are left out: they may hold buyer data. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/** Parses a value, throwing a non-retryable OmsInvalidInputError that names the offending paths. */
export function parsePortInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new OmsInvalidInputError(`invalid ${what}: ${describeIssues(result.error.issues)}`);
}
