/**
 * What callers pass to the write methods (camelCase), checked with zod and turned into Meta's
 * snake_case JSON bodies. Anything Meta would reject for its shape is refused here, before a
 * request (and an idempotency key) is spent on it.
 */
import { z } from 'zod';
import { isKnownCarrier } from '../domain/carrier-codes.js';
import { CANCEL_REASON_CODES, SELLER_REFUND_REASON_CODES } from '../domain/reason-codes.js';
import { RETURN_UPDATE_EVENTS } from '../domain/returns.js';
import { DecimalString, GraphId } from './schemas.js';

/** Meta: alphanumeric, up to 100 characters, UUID recommended (so hyphens are allowed). */
export const IdempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, 'expected 1-100 letters, digits, "-" or "_" (e.g. a UUID)');

export const MAX_BULK_ACK_ORDERS = 100;

const Quantity = z.number().int().positive();
const MoneyInput = z.object({
  amount: DecimalString,
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code'),
});
const MerchantOrderReference = z.string().min(1).max(255);

/** An order line named by the seller's id or by Meta's item id. */
const ItemRef = z.union([
  z.object({ retailerId: z.string().min(1), itemId: z.undefined().optional() }),
  z.object({ itemId: GraphId, retailerId: z.undefined().optional() }),
]);

function itemRefWire(ref: z.output<typeof ItemRef>): { retailer_id: string } | { item_id: string } {
  return ref.retailerId !== undefined ? { retailer_id: ref.retailerId } : { item_id: ref.itemId! };
}

const QuantityItem = z.intersection(ItemRef, z.object({ quantity: Quantity }));

const TrackingInfo = z
  .object({
    trackingNumber: z.string().min(1),
    carrier: z.string().refine(isKnownCarrier, 'unknown carrier code (see src/domain/carrier-codes.ts)'),
    shippingMethodName: z.string().min(1).optional(),
  })
  .transform((t) => ({
    tracking_number: t.trackingNumber,
    carrier: t.carrier,
    shipping_method_name: t.shippingMethodName,
  }));

const ExternalShipmentId = z.string().regex(/^[A-Za-z0-9_]+$/, 'expected letters, digits and "_" only');

// ---------------------------------------------------------------------------------------------

export const AcknowledgeOrderInput = z
  .object({ idempotencyKey: IdempotencyKeySchema, merchantOrderReference: MerchantOrderReference.optional() })
  .transform((i) => ({ idempotency_key: i.idempotencyKey, merchant_order_reference: i.merchantOrderReference }));
export type AcknowledgeOrderOptions = z.input<typeof AcknowledgeOrderInput>;

export const AcknowledgeOrdersInput = z
  .object({
    idempotencyKey: IdempotencyKeySchema,
    orders: z
      .array(z.object({ id: GraphId, merchantOrderReference: MerchantOrderReference.optional() }))
      .min(1, 'expected at least one order')
      .max(MAX_BULK_ACK_ORDERS, `at most ${MAX_BULK_ACK_ORDERS} orders per call: split the batch`)
      .refine((orders) => new Set(orders.map((o) => o.id)).size === orders.length, 'an order id appears twice'),
  })
  .transform((i) => ({
    idempotency_key: i.idempotencyKey,
    orders: i.orders.map((o) => ({ id: o.id, merchant_order_reference: o.merchantOrderReference })),
  }));
export type AcknowledgeOrdersOptions = z.input<typeof AcknowledgeOrdersInput>;

export const CreateShipmentInput = z
  .object({
    idempotencyKey: IdempotencyKeySchema,
    /** Omitted: every unfulfilled unit ships. */
    items: z.array(QuantityItem).min(1).optional(),
    trackingInfo: TrackingInfo,
    externalShipmentId: ExternalShipmentId.optional(),
    /** Only when none was given at acknowledgement; a different value is an error at Meta. */
    merchantOrderReference: MerchantOrderReference.optional(),
  })
  .transform((i) => ({
    idempotency_key: i.idempotencyKey,
    items: i.items?.map((item) => ({ ...itemRefWire(item), quantity: item.quantity })),
    tracking_info: i.trackingInfo,
    external_shipment_id: i.externalShipmentId,
    merchant_order_reference: i.merchantOrderReference,
  }));
export type CreateShipmentOptions = z.input<typeof CreateShipmentInput>;

/** Exactly one of shipmentId, fulfillmentId, externalShipmentId names the shipment to change. */
const ShipmentRef = z.union([
  z.object({
    shipmentId: GraphId,
    fulfillmentId: z.undefined().optional(),
    externalShipmentId: z.undefined().optional(),
  }),
  z.object({
    fulfillmentId: GraphId,
    shipmentId: z.undefined().optional(),
    externalShipmentId: z.undefined().optional(),
  }),
  z.object({
    externalShipmentId: ExternalShipmentId,
    shipmentId: z.undefined().optional(),
    fulfillmentId: z.undefined().optional(),
  }),
]);

export const UpdateShipmentInput = z
  .intersection(z.object({ idempotencyKey: IdempotencyKeySchema, trackingInfo: TrackingInfo }), ShipmentRef)
  .transform((i) => ({
    idempotency_key: i.idempotencyKey,
    tracking_info: i.trackingInfo,
    shipment_id: i.shipmentId,
    fulfillment_id: i.fulfillmentId,
    external_shipment_id: i.externalShipmentId,
  }));
export type UpdateShipmentOptions = z.input<typeof UpdateShipmentInput>;

export const UpdateReturnInput = z
  .object({
    idempotencyKey: IdempotencyKeySchema,
    event: z.enum(RETURN_UPDATE_EVENTS),
    /** The merchant's own id for the return (an RMA number). */
    merchantReturnId: z.string().min(1).max(100).optional(),
  })
  .transform((i) => ({
    idempotency_key: i.idempotencyKey,
    update_event: i.event,
    merchant_return_id: i.merchantReturnId,
  }));
export type UpdateReturnOptions = z.input<typeof UpdateReturnInput>;

export const CancelOrderInput = z
  .object({
    idempotencyKey: IdempotencyKeySchema,
    reasonCode: z.enum(CANCEL_REASON_CODES),
    reasonDescription: z.string().min(1).optional(),
    restockItems: z.boolean().optional(),
    /** Omitted: the whole order (every unshipped unit) is cancelled. */
    items: z.array(QuantityItem).min(1).optional(),
  })
  .transform((i) => ({
    idempotency_key: i.idempotencyKey,
    cancel_reason: { reason_code: i.reasonCode, reason_description: i.reasonDescription },
    restock_items: i.restockItems,
    items: i.items?.map((item) => ({ ...itemRefWire(item), quantity: item.quantity })),
  }));
export type CancelOrderOptions = z.input<typeof CancelOrderInput>;

/** A refunded line: by units (quantity) or by an amount, never both. */
const RefundItem = z.intersection(
  ItemRef,
  z.union([
    z.object({ quantity: Quantity, amount: z.undefined().optional() }),
    z.object({ amount: MoneyInput, quantity: z.undefined().optional() }),
  ]),
);

export const RefundOrderInput = z
  .object({
    idempotencyKey: IdempotencyKeySchema,
    reasonCode: z.enum(SELLER_REFUND_REASON_CODES),
    reasonText: z.string().min(1).optional(),
    /** Omitted: a full refund. */
    items: z.array(RefundItem).min(1).optional(),
    shippingRefund: MoneyInput.optional(),
    deductions: z
      .array(z.object({ type: z.literal('RETURN_SHIPPING'), amount: MoneyInput }))
      .min(1)
      .optional(),
    adjustmentAmount: MoneyInput.optional(),
    returnId: z.string().min(1).optional(),
  })
  .transform((i) => ({
    idempotency_key: i.idempotencyKey,
    reason_code: i.reasonCode,
    reason_text: i.reasonText,
    items: i.items?.map((item) => ({
      ...itemRefWire(item),
      ...(item.quantity !== undefined ? { item_refund_quantity: item.quantity } : { item_refund_amount: item.amount }),
    })),
    shipping: i.shippingRefund ? { shipping_refund: i.shippingRefund } : undefined,
    deductions: i.deductions?.map((d) => ({ deduction_type: d.type, deduction_amount: d.amount })),
    adjustment_amount: i.adjustmentAmount,
    return_id: i.returnId,
  }));
export type RefundOrderOptions = z.input<typeof RefundOrderInput>;
