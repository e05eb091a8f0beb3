import type { Transaction } from '@electric-sql/pglite';
import { z } from 'zod';
import { moneySchema } from '../../api/oms-port-schemas.js';
import type { OrderLine } from '../../api/oms-port.js';
import {
  OMS_ORDER_STATUSES,
  type OmsCancellation,
  type OmsEvent,
  type OmsInventoryLevel,
  type OmsOrderDetail,
  type OmsOrderStatus,
  type OmsOrderSummary,
  type OmsRefund,
  type OmsReservation,
  type OmsShipment,
} from '../read-model.js';

/**
 * Reads of the reference OMS. Rows are parsed with zod rather than cast: the database is a boundary
 * too, and a schema drift should fail loudly here, not as an undefined deep in the CLI.
 */

type Queryable = Pick<Transaction, 'query'>;

const iso = z.date().transform((date) => date.toISOString());
const isoOrUndefined = z
  .date()
  .nullable()
  .transform((date) => date?.toISOString());
const textOrUndefined = z
  .string()
  .nullable()
  .transform((text) => text ?? undefined);
const itemQuantities = z.array(z.object({ retailerId: z.string(), quantity: z.number().int() }));

const orderRow = z
  .object({
    meta_order_id: z.string(),
    merchant_order_reference: z.string(),
    channel: z.enum(['facebook', 'instagram']),
    payment_method: z.string(),
    buyer_name: z.string(),
    buyer_email: textOrUndefined,
    marketing_opt_in: z.boolean(),
    suppress_customer_emails: z.boolean(),
    ship_name: z.string(),
    ship_street1: z.string(),
    ship_street2: textOrUndefined,
    ship_city: z.string(),
    ship_state: textOrUndefined,
    ship_postal_code: z.string(),
    ship_country: z.string(),
    shipping_method: textOrUndefined,
    totals: z
      .object({
        subtotal: moneySchema.optional(),
        shipping: moneySchema.optional(),
        tax: moneySchema.optional(),
        total: moneySchema.optional(),
      })
      .nullable()
      .transform((totals) => totals ?? undefined),
    status: z.enum(OMS_ORDER_STATUSES),
    created_at: iso,
    updated_at: iso,
    processing_at: isoOrUndefined,
    completed_at: isoOrUndefined,
    cancelled_at: isoOrUndefined,
  })
  .transform((row): OmsOrderSummary => ({
    metaOrderId: row.meta_order_id,
    merchantOrderReference: row.merchant_order_reference,
    channel: row.channel,
    paymentMethod: row.payment_method,
    buyer: { name: row.buyer_name, email: row.buyer_email, marketingOptIn: row.marketing_opt_in },
    suppressCustomerEmails: row.suppress_customer_emails,
    shippingAddress: {
      name: row.ship_name,
      street1: row.ship_street1,
      street2: row.ship_street2,
      city: row.ship_city,
      state: row.ship_state,
      postalCode: row.ship_postal_code,
      country: row.ship_country,
    },
    shippingMethod: row.shipping_method,
    totals: row.totals,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    processingAt: row.processing_at,
    completedAt: row.completed_at,
    cancelledAt: row.cancelled_at,
  }));

const lineRow = z
  .object({
    item_id: z.string(),
    retailer_id: z.string(),
    product_name: textOrUndefined,
    quantity: z.number().int(),
    price_amount: z.string(),
    price_currency: z.string(),
  })
  .transform((row): OrderLine => ({
    itemId: row.item_id,
    retailerId: row.retailer_id,
    productName: row.product_name,
    quantity: row.quantity,
    pricePerUnit: { amount: row.price_amount, currency: row.price_currency },
  }));

const shipmentRow = z
  .object({
    request_id: z.string(),
    items: itemQuantities,
    carrier: z.string(),
    tracking_number: z.string(),
    created_at: iso,
  })
  .transform((row): OmsShipment => ({
    requestId: row.request_id,
    items: row.items,
    carrier: row.carrier,
    trackingNumber: row.tracking_number,
    createdAt: row.created_at,
  }));

const cancellationRow = z
  .object({
    request_id: z.string(),
    items: itemQuantities,
    reason_code: z.string(),
    restock: z.boolean(),
    origin: z.enum(['merchant', 'external']),
    created_at: iso,
  })
  .transform((row): OmsCancellation => ({
    requestId: row.request_id,
    items: row.items,
    reasonCode: row.reason_code,
    restock: row.restock,
    origin: row.origin,
    createdAt: row.created_at,
  }));

const refundRow = z
  .object({
    request_id: z.string(),
    items: z.array(
      z.object({ retailerId: z.string(), quantity: z.number().int().optional(), amount: moneySchema.optional() }),
    ),
    shipping: moneySchema.nullable().transform((money) => money ?? undefined),
    reason_code: z.string(),
    origin: z.enum(['merchant', 'external']),
    created_at: iso,
  })
  .transform((row): OmsRefund => ({
    requestId: row.request_id,
    items: row.items,
    shipping: row.shipping,
    reasonCode: row.reason_code,
    origin: row.origin,
    createdAt: row.created_at,
  }));

const inventoryRow = z
  .object({ retailer_id: z.string(), name: z.string(), on_hand: z.number().int(), reserved: z.number().int() })
  .transform((row): OmsInventoryLevel => ({
    retailerId: row.retailer_id,
    name: row.name,
    onHand: row.on_hand,
    reserved: row.reserved,
    available: Math.max(0, row.on_hand - row.reserved),
  }));

const reservationHeaderRow = z.object({ fully_reserved: z.boolean(), created_at: iso, released_at: isoOrUndefined });
const reservationLineRow = z
  .object({
    retailer_id: z.string(),
    requested: z.number().int(),
    held: z.number().int(),
    consumed: z.number().int(),
    released: z.number().int(),
  })
  .transform((row) => ({
    retailerId: row.retailer_id,
    requested: row.requested,
    held: row.held,
    consumed: row.consumed,
    released: row.released,
    outstanding: row.held - row.consumed - row.released,
  }));

const eventRow = z
  .object({
    id: z.number().int(),
    meta_order_id: textOrUndefined,
    kind: z.string(),
    severity: z.enum(['info', 'warning', 'critical']),
    detail: z.string(),
    data: z.unknown(),
    created_at: iso,
  })
  .transform((row): OmsEvent => ({
    id: row.id,
    metaOrderId: row.meta_order_id,
    kind: row.kind,
    severity: row.severity,
    detail: row.detail,
    data: row.data ?? undefined,
    createdAt: row.created_at,
  }));

const ORDER_COLUMNS = `meta_order_id, merchant_order_reference, channel, payment_method, buyer_name, buyer_email,
  marketing_opt_in, suppress_customer_emails, ship_name, ship_street1, ship_street2, ship_city, ship_state,
  ship_postal_code, ship_country, shipping_method, totals, status, created_at, updated_at, processing_at,
  completed_at, cancelled_at`;

export async function readOrder(db: Queryable, metaOrderId: string): Promise<OmsOrderDetail | undefined> {
  const found = await db.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE meta_order_id = $1`, [metaOrderId]);
  if (found.rows.length === 0) return undefined;
  const summary = orderRow.parse(found.rows[0]);
  const [lines, shipments, cancellations, refunds] = [
    await db.query(
      'SELECT item_id, retailer_id, product_name, quantity, price_amount, price_currency FROM order_lines WHERE meta_order_id = $1 ORDER BY position',
      [metaOrderId],
    ),
    await db.query(
      'SELECT request_id, items, carrier, tracking_number, created_at FROM shipments WHERE meta_order_id = $1 ORDER BY id',
      [metaOrderId],
    ),
    await db.query(
      'SELECT request_id, items, reason_code, restock, origin, created_at FROM cancellations WHERE meta_order_id = $1 ORDER BY id',
      [metaOrderId],
    ),
    await db.query(
      'SELECT request_id, items, shipping, reason_code, origin, created_at FROM refunds WHERE meta_order_id = $1 ORDER BY id',
      [metaOrderId],
    ),
  ];
  return {
    ...summary,
    lines: lines.rows.map((row) => lineRow.parse(row)),
    shipments: shipments.rows.map((row) => shipmentRow.parse(row)),
    cancellations: cancellations.rows.map((row) => cancellationRow.parse(row)),
    refunds: refunds.rows.map((row) => refundRow.parse(row)),
  };
}

export async function readOrders(db: Queryable, status: OmsOrderStatus | undefined): Promise<OmsOrderSummary[]> {
  const found =
    status === undefined
      ? await db.query(`SELECT ${ORDER_COLUMNS} FROM orders ORDER BY created_at, merchant_order_reference`)
      : await db.query(
          `SELECT ${ORDER_COLUMNS} FROM orders WHERE status = $1 ORDER BY created_at, merchant_order_reference`,
          [status],
        );
  return found.rows.map((row) => orderRow.parse(row));
}

export async function readInventory(db: Queryable, retailerId: string): Promise<OmsInventoryLevel | undefined> {
  const found = await db.query(
    'SELECT p.retailer_id, p.name, i.on_hand, i.reserved FROM products p JOIN inventory i USING (retailer_id) WHERE p.retailer_id = $1',
    [retailerId],
  );
  return found.rows.length === 0 ? undefined : inventoryRow.parse(found.rows[0]);
}

export async function readReservation(db: Queryable, metaOrderId: string): Promise<OmsReservation | undefined> {
  const header = await db.query(
    'SELECT fully_reserved, created_at, released_at FROM reservation_requests WHERE meta_order_id = $1',
    [metaOrderId],
  );
  if (header.rows.length === 0) return undefined;
  const parsed = reservationHeaderRow.parse(header.rows[0]);
  const lines = await db.query(
    'SELECT retailer_id, requested, held, consumed, released FROM reservations WHERE meta_order_id = $1 ORDER BY retailer_id',
    [metaOrderId],
  );
  return {
    metaOrderId,
    fullyReserved: parsed.fully_reserved,
    createdAt: parsed.created_at,
    releasedAt: parsed.released_at,
    lines: lines.rows.map((row) => reservationLineRow.parse(row)),
  };
}

export async function readEvents(db: Queryable, metaOrderId: string | undefined): Promise<OmsEvent[]> {
  const columns = 'id, meta_order_id, kind, severity, detail, data, created_at';
  const found =
    metaOrderId === undefined
      ? await db.query(`SELECT ${columns} FROM events ORDER BY id`)
      : await db.query(`SELECT ${columns} FROM events WHERE meta_order_id = $1 ORDER BY id`, [metaOrderId]);
  return found.rows.map((row) => eventRow.parse(row));
}
