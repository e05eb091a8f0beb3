import { z } from 'zod';
import { OmsInvalidInputError } from './oms-errors.js';
import type {
  CancellationRecord,
  ExternalChange,
  Money,
  OpsNotification,
  OrderLine,
  PendingOrderInput,
  PostalAddress,
  RefundRecord,
  ReservationLine,
  ShipmentRecord,
  TrackingUpdateRecord,
} from './oms-port.js';

/**
 * zod schemas for the arguments of every OmsPort method. The annotations tie each schema to the
 * port's type, so a change in port.ts that these schemas do not follow fails the type check.
 */

const nonEmpty = z.string().min(1);
const quantity = z.number().int().positive();

export const metaOrderIdSchema = nonEmpty.max(100);

export const moneySchema: z.ZodType<Money> = z.object({
  amount: z.string().regex(/^-?\d+(\.\d+)?$/, 'amount must be a decimal string such as "12.50"'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code'),
});

export const reservationLinesSchema: z.ZodType<ReservationLine[]> = z.array(
  z.object({ retailerId: nonEmpty, quantity }),
);

export const postalAddressSchema: z.ZodType<PostalAddress> = z.object({
  name: z.string(),
  street1: z.string(),
  street2: z.string().optional(),
  city: z.string(),
  state: z.string().optional(),
  postalCode: z.string(),
  country: z.string(),
});

export const orderLineSchema: z.ZodType<OrderLine> = z.object({
  itemId: nonEmpty,
  retailerId: nonEmpty,
  productName: z.string().optional(),
  quantity,
  pricePerUnit: moneySchema,
});

export const pendingOrderInputSchema: z.ZodType<PendingOrderInput> = z.object({
  metaOrderId: metaOrderIdSchema,
  channel: z.enum(['facebook', 'instagram']),
  paymentMethod: z.enum(['Paid on Facebook', 'Paid on Instagram']),
  buyer: z.object({ name: z.string(), email: z.string().optional(), marketingOptIn: z.boolean() }),
  shippingAddress: postalAddressSchema,
  lines: z
    .array(orderLineSchema)
    .min(1)
    .refine((lines) => new Set(lines.map((line) => line.itemId)).size === lines.length, 'item ids must be unique within an order'),
  shippingMethod: z.string().optional(),
  totals: z
    .object({
      subtotal: moneySchema.optional(),
      shipping: moneySchema.optional(),
      tax: moneySchema.optional(),
      total: moneySchema.optional(),
    })
    .optional(),
  suppressCustomerEmails: z.literal(true),
});

const itemQuantities = z.array(z.object({ retailerId: nonEmpty, quantity }));

export const shipmentRecordSchema: z.ZodType<ShipmentRecord> = z.object({
  metaOrderId: metaOrderIdSchema,
  requestId: nonEmpty,
  items: itemQuantities,
  carrier: nonEmpty,
  trackingNumber: nonEmpty,
});

export const trackingUpdateRecordSchema: z.ZodType<TrackingUpdateRecord> = z.object({
  metaOrderId: metaOrderIdSchema,
  requestId: nonEmpty,
  shipmentRequestId: nonEmpty,
  carrier: nonEmpty,
  trackingNumber: nonEmpty,
});

export const cancellationRecordSchema: z.ZodType<CancellationRecord> = z.object({
  metaOrderId: metaOrderIdSchema,
  requestId: nonEmpty,
  items: itemQuantities,
  reasonCode: nonEmpty,
  restock: z.boolean(),
  origin: z.enum(['merchant', 'external']),
});

export const refundRecordSchema: z.ZodType<RefundRecord> = z.object({
  metaOrderId: metaOrderIdSchema,
  requestId: nonEmpty,
  items: z.array(z.object({ retailerId: nonEmpty, quantity: quantity.optional(), amount: moneySchema.optional() })),
  shipping: moneySchema.optional(),
  reasonCode: nonEmpty,
  origin: z.enum(['merchant', 'external']),
});

export const externalChangeSchema: z.ZodType<ExternalChange> = z.object({
  metaOrderId: metaOrderIdSchema,
  kind: z.enum(['cancelled_before_release', 'cancelled', 'shipped', 'refunded', 'state_changed']),
  detail: z.string(),
});

export const opsNotificationSchema: z.ZodType<OpsNotification> = z.object({
  metaOrderId: metaOrderIdSchema,
  severity: z.enum(['warning', 'critical']),
  reason: z.string(),
});

/**
 * Parses a port argument, throwing a non-retryable OmsInvalidInputError that names the offending
 * paths. Values are left out of the message: they may hold buyer data.
 */
export function parsePortInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new OmsInvalidInputError(`invalid ${what}: ${issues.join('; ')}`);
}
