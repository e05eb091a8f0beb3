import type { Transaction } from '@electric-sql/pglite';
import { z } from 'zod';
import { orderTotalsSchema } from '../../api/oms-port-schemas.js';
import { RETURN_STATUSES } from '../../domain/returns.js';
import type { Money, OrderLine, RefundDeduction, RefundItem } from '../../api/oms-port.js';
import {
  OMS_ORDER_STATUSES,
  type OmsCancellation,
  type OmsEvent,
  type OmsInventoryLevel,
  type OmsOrderBooks,
  type OmsOrderDetail,
  type OmsOrderStatus,
  type OmsOrderSummary,
  type OmsRefund,
  type OmsReturn,
  type OmsReservation,
  type OmsShipment,
} from '../read-model.js';
import { lineProgress } from './line-progress.js';

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
const itemQuantities = z.array(
  z.object({ itemId: z.string().optional(), retailerId: z.string(), quantity: z.number().int() }),
);
const origin = z.enum(['merchant', 'external']);
/** A NUMERIC column (PGlite hands it over as text) with its currency column: Money, or undefined when NULL. */
const numericMoney = (amount: string | null, currency: string | null): Money | undefined =>
  amount === null || currency === null ? undefined : { amount, currency };

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
    ship_by_date: textOrUndefined,
    totals: orderTotalsSchema.nullable().transform((totals) => totals ?? undefined),
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
    shipByDate: row.ship_by_date,
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
    customization: textOrUndefined,
    shipping_option_name: z.string().nullable(),
    shipping_min_days: z.number().int().nullable(),
    shipping_max_days: z.number().int().nullable(),
    tax_amount: z.string().nullable(),
    tax_currency: z.string().nullable(),
  })
  .transform((row): OrderLine => ({
    itemId: row.item_id,
    retailerId: row.retailer_id,
    productName: row.product_name,
    quantity: row.quantity,
    pricePerUnit: { amount: row.price_amount, currency: row.price_currency },
    // Lines stored before version 3, or without these facts, leave them out.
    ...(row.customization === undefined ? {} : { customization: row.customization }),
    ...(row.shipping_option_name === null
      ? {}
      : {
          shippingOption: {
            name: row.shipping_option_name,
            ...(row.shipping_min_days === null ? {} : { minDays: row.shipping_min_days }),
            ...(row.shipping_max_days === null ? {} : { maxDays: row.shipping_max_days }),
          },
        }),
    ...(row.tax_amount === null || row.tax_currency === null
      ? {}
      : { tax: { amount: row.tax_amount, currency: row.tax_currency } }),
  }));

const shipmentRow = z
  .object({
    request_id: z.string(),
    items: itemQuantities,
    carrier: z.string(),
    tracking_number: z.string(),
    origin,
    meta_shipment_id: textOrUndefined,
    created_at: iso,
  })
  .transform((row): OmsShipment => ({
    requestId: row.request_id,
    items: row.items,
    carrier: row.carrier,
    trackingNumber: row.tracking_number,
    origin: row.origin,
    metaShipmentId: row.meta_shipment_id,
    createdAt: row.created_at,
  }));

const cancellationRow = z
  .object({
    request_id: z.string(),
    items: itemQuantities,
    reason_code: z.string(),
    restock: z.boolean(),
    origin,
    initiated_by: textOrUndefined,
    reason_description: textOrUndefined,
    meta_cancellation_id: textOrUndefined,
    created_at: iso,
  })
  .transform((row): OmsCancellation => ({
    requestId: row.request_id,
    items: row.items,
    reasonCode: row.reason_code,
    restock: row.restock,
    origin: row.origin,
    initiatedBy: row.initiated_by,
    reasonDescription: row.reason_description,
    metaCancellationId: row.meta_cancellation_id,
    createdAt: row.created_at,
  }));

const numeric = z.string().nullable();
const currencyColumn = z.string().nullable();

const refundRow = z.object({
  id: z.number().int(),
  request_id: z.string(),
  shipping_amount: numeric,
  shipping_currency: currencyColumn,
  adjustment_amount: numeric,
  adjustment_currency: currencyColumn,
  total_amount: numeric,
  total_currency: currencyColumn,
  reason_code: z.string(),
  reason_text: textOrUndefined,
  return_id: textOrUndefined,
  origin,
  meta_refund_id: textOrUndefined,
  created_at: iso,
});

const refundLineRow = z
  .object({
    refund_id: z.number().int(),
    item_id: textOrUndefined,
    retailer_id: z.string(),
    quantity: z.number().int().nullable(),
    amount: numeric,
    currency: currencyColumn,
  })
  .transform((row): { refundId: number; item: RefundItem } => {
    const amount = numericMoney(row.amount, row.currency);
    return {
      refundId: row.refund_id,
      item: {
        ...(row.item_id === undefined ? {} : { itemId: row.item_id }),
        retailerId: row.retailer_id,
        ...(row.quantity === null ? {} : { quantity: row.quantity }),
        ...(amount === undefined ? {} : { amount }),
      },
    };
  });

const refundDeductionRow = z
  .object({ refund_id: z.number().int(), type: z.string(), amount: z.string(), currency: z.string() })
  .transform((row): { refundId: number; deduction: RefundDeduction } => ({
    refundId: row.refund_id,
    deduction: { type: row.type, amount: { amount: row.amount, currency: row.currency } },
  }));

async function readRefunds(db: Queryable, metaOrderId: string): Promise<OmsRefund[]> {
  const [refunds, lines, deductions] = [
    await db.query(
      `SELECT id, request_id, shipping_amount::text, shipping_currency, adjustment_amount::text, adjustment_currency,
         total_amount::text, total_currency, reason_code, reason_text, return_id, origin, meta_refund_id, created_at
       FROM refunds WHERE meta_order_id = $1 ORDER BY id`,
      [metaOrderId],
    ),
    await db.query(
      `SELECT l.refund_id, l.item_id, l.retailer_id, l.quantity, l.amount::text, l.currency
       FROM refund_lines l JOIN refunds r ON r.id = l.refund_id WHERE r.meta_order_id = $1 ORDER BY l.refund_id, l.position`,
      [metaOrderId],
    ),
    await db.query(
      `SELECT d.refund_id, d.type, d.amount::text, d.currency
       FROM refund_deductions d JOIN refunds r ON r.id = d.refund_id WHERE r.meta_order_id = $1 ORDER BY d.refund_id, d.position`,
      [metaOrderId],
    ),
  ];
  const parsedLines = lines.rows.map((row) => refundLineRow.parse(row));
  const parsedDeductions = deductions.rows.map((row) => refundDeductionRow.parse(row));
  return refunds.rows.map((raw) => {
    const row = refundRow.parse(raw);
    return {
      requestId: row.request_id,
      items: parsedLines.filter((line) => line.refundId === row.id).map((line) => line.item),
      shipping: numericMoney(row.shipping_amount, row.shipping_currency),
      deductions: parsedDeductions.filter((line) => line.refundId === row.id).map((line) => line.deduction),
      adjustment: numericMoney(row.adjustment_amount, row.adjustment_currency),
      total: numericMoney(row.total_amount, row.total_currency),
      reasonCode: row.reason_code,
      reasonText: row.reason_text,
      returnId: row.return_id,
      origin: row.origin,
      metaRefundId: row.meta_refund_id,
      createdAt: row.created_at,
    };
  });
}

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
  ship_postal_code, ship_country, shipping_method, ship_by_date::text, totals, status, created_at, updated_at, processing_at,
  completed_at, cancelled_at`;

export async function readOrder(db: Queryable, metaOrderId: string): Promise<OmsOrderDetail | undefined> {
  const found = await db.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE meta_order_id = $1`, [metaOrderId]);
  if (found.rows.length === 0) return undefined;
  const summary = orderRow.parse(found.rows[0]);
  const [lines, shipments, cancellations] = [
    await db.query(
      `SELECT item_id, retailer_id, product_name, quantity, price_amount, price_currency, customization,
         shipping_option_name, shipping_min_days, shipping_max_days, tax_amount::text, tax_currency
       FROM order_lines WHERE meta_order_id = $1 ORDER BY position`,
      [metaOrderId],
    ),
    await db.query(
      `SELECT request_id, items, carrier, tracking_number, origin, meta_shipment_id, created_at
       FROM shipments WHERE meta_order_id = $1 ORDER BY id`,
      [metaOrderId],
    ),
    await db.query(
      `SELECT request_id, items, reason_code, restock, origin, initiated_by, reason_description, meta_cancellation_id,
         created_at
       FROM cancellations WHERE meta_order_id = $1 ORDER BY id`,
      [metaOrderId],
    ),
  ];
  return {
    ...summary,
    lines: lines.rows.map((row) => lineRow.parse(row)),
    shipments: shipments.rows.map((row) => shipmentRow.parse(row)),
    cancellations: cancellations.rows.map((row) => cancellationRow.parse(row)),
    refunds: await readRefunds(db, metaOrderId),
    returns: await readReturns(db, metaOrderId),
  };
}

const returnRow = z
  .object({
    meta_return_id: z.string(),
    status: z.enum(RETURN_STATUSES),
    steps: z.array(z.enum(RETURN_STATUSES)),
    items: itemQuantities,
    reason_code: textOrUndefined,
    merchant_return_id: textOrUndefined,
    updated_at: iso,
  })
  .transform((row): OmsReturn => ({
    metaReturnId: row.meta_return_id,
    status: row.status,
    steps: row.steps,
    items: row.items,
    reasonCode: row.reason_code,
    merchantReturnId: row.merchant_return_id,
    updatedAt: row.updated_at,
  }));

async function readReturns(db: Queryable, metaOrderId: string): Promise<OmsReturn[]> {
  const { rows } = await db.query(
    `SELECT r.meta_return_id, r.status, r.items, r.reason_code, r.merchant_return_id, r.updated_at,
       array(SELECT s.status FROM order_return_steps s WHERE s.meta_return_id = r.meta_return_id
             ORDER BY s.recorded_at, s.status) AS steps
     FROM order_returns r WHERE r.meta_order_id = $1 ORDER BY r.created_at, r.meta_return_id`,
    [metaOrderId],
  );
  return rows.map((row) => returnRow.parse(row));
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

/** "6.9" -> "6.90", "0" -> "0.00": at least two decimals, digits never changed (exact). */
function atLeastTwoDecimals(amount: string): string {
  const [whole, fraction = ''] = amount.split('.');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

const booksLineRow = z.object({
  item_id: z.string().nullable(),
  units: z.number().int(),
  amount: z.string(),
  unpriced: z.number().int(),
});
const booksTotalsRow = z.object({
  shipping: z.string(),
  deducted: z.string(),
  adjusted: z.string(),
  total: z.string(),
});

/**
 * The order's books, summed in SQL over NUMERIC columns (exact). Refund lines without an item id
 * (recorded before the OMS held the order) count on the first line of their retailer id.
 */
export async function readOrderBooks(db: Queryable, metaOrderId: string): Promise<OmsOrderBooks | undefined> {
  const progress = await lineProgress(db, metaOrderId);
  if (progress.length === 0) return undefined;
  const currencyRow = await db.query<{ currency: string }>(
    'SELECT price_currency AS currency FROM order_lines WHERE meta_order_id = $1 ORDER BY position LIMIT 1',
    [metaOrderId],
  );
  const currency = currencyRow.rows[0]!.currency;
  const foreign = await db.query<{ currency: string }>(
    `SELECT DISTINCT currency FROM (
       SELECT unnest(ARRAY[shipping_currency, adjustment_currency, total_currency]) AS currency
       FROM refunds WHERE meta_order_id = $1
       UNION ALL
       SELECT l.currency FROM refund_lines l JOIN refunds r ON r.id = l.refund_id WHERE r.meta_order_id = $1
       UNION ALL
       SELECT d.currency FROM refund_deductions d JOIN refunds r ON r.id = d.refund_id WHERE r.meta_order_id = $1
     ) AS used WHERE currency IS NOT NULL AND currency <> $2`,
    [metaOrderId, currency],
  );
  if (foreign.rows.length > 0) {
    throw new Error(
      `order ${metaOrderId} (${currency}) has refunds in ${foreign.rows.map((row) => row.currency).join(', ')}: no books`,
    );
  }
  const perLine = await db.query(
    `SELECT coalesce(l.item_id, (SELECT ol.item_id FROM order_lines ol
              WHERE ol.meta_order_id = r.meta_order_id AND ol.retailer_id = l.retailer_id
              ORDER BY ol.position LIMIT 1)) AS item_id,
            coalesce(sum(l.quantity), 0)::integer AS units,
            coalesce(sum(l.amount), 0)::text AS amount,
            (count(*) FILTER (WHERE l.quantity IS NOT NULL AND l.amount IS NULL))::integer AS unpriced
     FROM refund_lines l JOIN refunds r ON r.id = l.refund_id
     WHERE r.meta_order_id = $1 GROUP BY 1`,
    [metaOrderId],
  );
  const totals = await db.query(
    `SELECT coalesce(sum(r.shipping_amount), 0)::text AS shipping,
            coalesce(sum(d.deducted), 0)::text AS deducted,
            coalesce(sum(r.adjustment_amount), 0)::text AS adjusted,
            coalesce(sum(coalesce(r.total_amount, coalesce(l.lines, 0) + coalesce(r.shipping_amount, 0)
              + coalesce(r.adjustment_amount, 0) - coalesce(d.deducted, 0))), 0)::text AS total
     FROM refunds r
     LEFT JOIN LATERAL (SELECT sum(amount) AS lines FROM refund_lines WHERE refund_id = r.id) AS l ON true
     LEFT JOIN LATERAL (SELECT sum(amount) AS deducted FROM refund_deductions WHERE refund_id = r.id) AS d ON true
     WHERE r.meta_order_id = $1`,
    [metaOrderId],
  );
  const refunded = new Map(
    perLine.rows.map((raw) => {
      const row = booksLineRow.parse(raw);
      return [row.item_id, row] as const;
    }),
  );
  const sums = booksTotalsRow.parse(totals.rows[0]);
  const money = (amount: string): Money => ({ amount: atLeastTwoDecimals(amount), currency });
  return {
    metaOrderId,
    currency,
    items: progress.map((line) => ({
      itemId: line.itemId,
      retailerId: line.retailerId,
      ordered: line.ordered,
      shipped: line.shipped,
      cancelled: line.cancelled,
      refunded: refunded.get(line.itemId)?.units ?? 0,
      refundedAmount: money(refunded.get(line.itemId)?.amount ?? '0'),
    })),
    shippingRefunded: money(sums.shipping),
    deducted: money(sums.deducted),
    adjusted: money(sums.adjusted),
    totalRefunded: money(sums.total),
    unpricedRefundLines: [...refunded.values()].reduce((sum, row) => sum + row.unpriced, 0),
  };
}
