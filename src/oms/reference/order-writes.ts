import type { Transaction } from '@electric-sql/pglite';
import { canonicalHash } from '../canonical-json.js';
import { OmsIdempotencyConflictError, OmsInvalidInputError, OmsNotFoundError } from '../../api/oms-errors.js';
import type {
  CancellationRecord,
  PendingOrderInput,
  RefundRecord,
  ReservationLine,
  ShipmentRecord,
  TrackingUpdateRecord,
} from '../../api/oms-port.js';
import type { OmsOrderStatus } from '../read-model.js';
import { recordEvent } from './event-log.js';
import { aggregateBySku, cancelUnits, outstandingHolds, shipUnits } from './inventory-ledger.js';

/**
 * Order writes of the reference OMS. Each function runs in the caller's transaction, which holds the
 * order's advisory lock, so a check-then-insert here cannot race another call for the same order.
 */

/** Applied to names and addresses before they are stored (identity unless transliteration is on). */
export type TextTransform = (text: string) => string;

export function formatMerchantOrderReference(sequenceValue: number): string {
  return `OMS-${String(sequenceValue).padStart(6, '0')}`;
}

export async function insertPendingOrder(
  tx: Transaction,
  input: PendingOrderInput,
  storeText: TextTransform,
): Promise<string> {
  const inputHash = canonicalHash(input);
  const existing = await tx.query<{ merchant_order_reference: string; input_hash: string }>(
    'SELECT merchant_order_reference, input_hash FROM orders WHERE meta_order_id = $1',
    [input.metaOrderId],
  );
  const issued = existing.rows[0];
  if (issued !== undefined) {
    // The reference is immutable and the first write wins; a retry with other data is worth a look.
    if (issued.input_hash !== inputHash) {
      await recordEvent(
        tx,
        {
          metaOrderId: input.metaOrderId,
          kind: 'order.create_pending_mismatch',
          severity: 'warning',
          detail: `createPendingOrder repeated with different data; kept the order as first created (${issued.merchant_order_reference})`,
        },
        `order.create_pending_mismatch:${input.metaOrderId}:${inputHash}`,
      );
    }
    return issued.merchant_order_reference;
  }

  const sequence = await tx.query<{ value: number }>(
    `SELECT nextval('merchant_order_reference_seq')::integer AS value`,
  );
  const reference = formatMerchantOrderReference(sequence.rows[0]?.value ?? Number.NaN);
  const address = input.shippingAddress;
  const optionalText = (text: string | undefined) => (text === undefined ? null : storeText(text));
  await tx.query(
    `INSERT INTO orders (meta_order_id, merchant_order_reference, channel, payment_method, buyer_name, buyer_email,
       marketing_opt_in, suppress_customer_emails, ship_name, ship_street1, ship_street2, ship_city, ship_state,
       ship_postal_code, ship_country, shipping_method, totals, input_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb, $18)`,
    [
      input.metaOrderId,
      reference,
      input.channel,
      input.paymentMethod,
      storeText(input.buyer.name),
      input.buyer.email ?? null,
      input.buyer.marketingOptIn,
      input.suppressCustomerEmails,
      storeText(address.name),
      storeText(address.street1),
      optionalText(address.street2),
      storeText(address.city),
      optionalText(address.state),
      address.postalCode,
      address.country,
      input.shippingMethod ?? null,
      input.totals === undefined ? null : JSON.stringify(input.totals),
      inputHash,
    ],
  );
  for (const [position, line] of input.lines.entries()) {
    await tx.query(
      `INSERT INTO order_lines (meta_order_id, item_id, position, retailer_id, product_name, quantity, price_amount, price_currency)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        input.metaOrderId,
        line.itemId,
        position,
        line.retailerId,
        line.productName ?? null,
        line.quantity,
        line.pricePerUnit.amount,
        line.pricePerUnit.currency,
      ],
    );
  }
  return reference;
}

const STATUS_SOURCES: Readonly<Record<'processing' | 'completed', readonly OmsOrderStatus[]>> = {
  processing: ['pending'],
  completed: ['pending', 'processing'],
};

/** Moves the order forward to `target`; a call that would move it back (or sideways) changes nothing. */
export async function advanceStatus(
  tx: Transaction,
  metaOrderId: string,
  target: 'processing' | 'completed',
): Promise<void> {
  await requireOrder(tx, metaOrderId);
  // `target` is one of two literals, so the column name is never caller text.
  await tx.query(
    `UPDATE orders SET status = $2, ${target}_at = now(), updated_at = now() WHERE meta_order_id = $1 AND status = ANY($3::text[])`,
    [metaOrderId, target, STATUS_SOURCES[target]],
  );
}

async function requireOrder(tx: Transaction, metaOrderId: string): Promise<OmsOrderStatus> {
  const found = await tx.query<{ status: OmsOrderStatus }>('SELECT status FROM orders WHERE meta_order_id = $1', [
    metaOrderId,
  ]);
  const status = found.rows[0]?.status;
  if (status === undefined) throw new OmsNotFoundError(metaOrderId);
  return status;
}

/**
 * Looks up an earlier record with the same (order, request id). Returns true when it is this very
 * request again (nothing to do); throws when the request id was used for different data.
 */
async function alreadyRecorded(
  tx: Transaction,
  table: 'shipments' | 'cancellations' | 'refunds',
  metaOrderId: string,
  requestId: string,
  requestHash: string,
): Promise<boolean> {
  const found = await tx.query<{ request_hash: string }>(
    `SELECT request_hash FROM ${table} WHERE meta_order_id = $1 AND request_id = $2`,
    [metaOrderId, requestId],
  );
  const previous = found.rows[0]?.request_hash;
  if (previous === undefined) return false;
  if (previous !== requestHash) {
    throw new OmsIdempotencyConflictError(
      `request ${requestId} of order ${metaOrderId} was already recorded in ${table} with different data`,
    );
  }
  return true;
}

interface LineProgress {
  ordered: number;
  shipped: number;
  cancelled: number;
}

/** Per SKU: units ordered, shipped and cancelled so far. */
async function lineProgress(tx: Transaction, metaOrderId: string): Promise<Map<string, LineProgress>> {
  const progress = new Map<string, LineProgress>();
  const entry = (sku: string) => {
    let found = progress.get(sku);
    if (found === undefined) progress.set(sku, (found = { ordered: 0, shipped: 0, cancelled: 0 }));
    return found;
  };
  const ordered = await tx.query<{ retailer_id: string; units: number }>(
    'SELECT retailer_id, sum(quantity)::integer AS units FROM order_lines WHERE meta_order_id = $1 GROUP BY retailer_id',
    [metaOrderId],
  );
  for (const row of ordered.rows) entry(row.retailer_id).ordered = row.units;
  for (const table of ['shipments', 'cancellations'] as const) {
    const done = await tx.query<{ retailer_id: string; units: number }>(
      `SELECT item->>'retailerId' AS retailer_id, sum((item->>'quantity')::integer)::integer AS units
       FROM ${table}, jsonb_array_elements(items) AS item WHERE meta_order_id = $1 GROUP BY 1`,
      [metaOrderId],
    );
    for (const row of done.rows) entry(row.retailer_id)[table === 'shipments' ? 'shipped' : 'cancelled'] = row.units;
  }
  return progress;
}

function openUnits(progress: Map<string, LineProgress>): ReservationLine[] {
  return [...progress.entries()]
    .map(([retailerId, line]) => ({ retailerId, quantity: line.ordered - line.shipped - line.cancelled }))
    .filter((line) => line.quantity > 0);
}

/**
 * An empty item list means every open unit (as on Meta's endpoints); otherwise each SKU must be on
 * the order with enough units still open.
 */
function resolveItems(
  what: string,
  metaOrderId: string,
  requested: ReservationLine[],
  progress: Map<string, LineProgress>,
): ReservationLine[] {
  const open = openUnits(progress);
  const items = requested.length === 0 ? open : aggregateBySku(requested);
  if (items.length === 0) throw new OmsInvalidInputError(`order ${metaOrderId} has no open units to ${what}`);
  for (const item of items) {
    const line = progress.get(item.retailerId);
    if (line === undefined || line.ordered === 0)
      throw new OmsInvalidInputError(`order ${metaOrderId} has no line for ${item.retailerId}`);
    const stillOpen = line.ordered - line.shipped - line.cancelled;
    if (item.quantity > stillOpen) {
      throw new OmsInvalidInputError(
        `cannot ${what} ${item.quantity} x ${item.retailerId} on order ${metaOrderId}: only ${stillOpen} open`,
      );
    }
  }
  return items;
}

export async function insertShipment(tx: Transaction, shipment: ShipmentRecord): Promise<void> {
  const { metaOrderId, requestId } = shipment;
  await requireOrder(tx, metaOrderId);
  if (await alreadyRecorded(tx, 'shipments', metaOrderId, requestId, canonicalHash(shipment))) return;
  const items = resolveItems('ship', metaOrderId, shipment.items, await lineProgress(tx, metaOrderId));
  await tx.query(
    `INSERT INTO shipments (meta_order_id, request_id, request_hash, items, carrier, tracking_number)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6)`,
    [metaOrderId, requestId, canonicalHash(shipment), JSON.stringify(items), shipment.carrier, shipment.trackingNumber],
  );
  await shipUnits(tx, metaOrderId, requestId, items);
  await tx.query('UPDATE orders SET updated_at = now() WHERE meta_order_id = $1', [metaOrderId]);
}

/**
 * Points a recorded shipment at its new carrier and tracking number and notes the change in the
 * event log (once per update request). Commands run one at a time per order, so a retried update
 * can never overwrite a newer one.
 */
export async function updateShipmentTracking(tx: Transaction, update: TrackingUpdateRecord): Promise<void> {
  const { metaOrderId, requestId, shipmentRequestId, carrier, trackingNumber } = update;
  await requireOrder(tx, metaOrderId);
  const before = await tx.query<{ carrier: string; tracking_number: string }>(
    'SELECT carrier, tracking_number FROM shipments WHERE meta_order_id = $1 AND request_id = $2',
    [metaOrderId, shipmentRequestId],
  );
  const previous = before.rows[0];
  if (previous === undefined)
    throw new OmsInvalidInputError(`OMS has no shipment ${shipmentRequestId} on order ${metaOrderId}`);
  await tx.query(
    'UPDATE shipments SET carrier = $3, tracking_number = $4 WHERE meta_order_id = $1 AND request_id = $2',
    [metaOrderId, shipmentRequestId, carrier, trackingNumber],
  );
  await recordEvent(
    tx,
    {
      metaOrderId,
      kind: 'order.tracking_updated',
      severity: 'info',
      detail: `shipment ${shipmentRequestId}: tracking ${previous.carrier} ${previous.tracking_number} -> ${carrier} ${trackingNumber}`,
      data: { requestId, shipmentRequestId, carrier, trackingNumber },
    },
    `order.tracking_updated:${metaOrderId}:${requestId}`,
  );
  await tx.query('UPDATE orders SET updated_at = now() WHERE meta_order_id = $1', [metaOrderId]);
}

export async function insertCancellation(tx: Transaction, cancellation: CancellationRecord): Promise<void> {
  const { metaOrderId, requestId } = cancellation;
  const requestHash = canonicalHash(cancellation);
  if (await alreadyRecorded(tx, 'cancellations', metaOrderId, requestId, requestHash)) return;
  const order = await tx.query<{ status: OmsOrderStatus }>('SELECT status FROM orders WHERE meta_order_id = $1', [
    metaOrderId,
  ]);
  const orderExists = order.rows.length > 0;
  // Without an order (cancelled before the OMS created it) the reservation is all there is to cancel.
  const items = orderExists
    ? resolveItems('cancel', metaOrderId, cancellation.items, await lineProgress(tx, metaOrderId))
    : cancellation.items.length === 0
      ? await outstandingHolds(tx, metaOrderId)
      : aggregateBySku(cancellation.items);
  await tx.query(
    `INSERT INTO cancellations (meta_order_id, request_id, request_hash, items, reason_code, restock, origin)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)`,
    [
      metaOrderId,
      requestId,
      requestHash,
      JSON.stringify(items),
      cancellation.reasonCode,
      cancellation.restock,
      cancellation.origin,
    ],
  );
  await cancelUnits(tx, metaOrderId, requestId, items, cancellation.restock);
  if (!orderExists) return;
  const progress = await lineProgress(tx, metaOrderId);
  const everyUnitCancelled = [...progress.values()].every((line) => line.cancelled >= line.ordered);
  // A partly shipped order is not "cancelled": markCompleted closes it once nothing is open.
  await tx.query(
    everyUnitCancelled
      ? `UPDATE orders SET status = 'cancelled', cancelled_at = coalesce(cancelled_at, now()), updated_at = now() WHERE meta_order_id = $1`
      : 'UPDATE orders SET updated_at = now() WHERE meta_order_id = $1',
    [metaOrderId],
  );
}

export async function insertRefund(tx: Transaction, refund: RefundRecord): Promise<void> {
  const { metaOrderId, requestId } = refund;
  const requestHash = canonicalHash(refund);
  if (await alreadyRecorded(tx, 'refunds', metaOrderId, requestId, requestHash)) return;
  const progress = await lineProgress(tx, metaOrderId);
  if (progress.size > 0) {
    const unknown = refund.items.find((item) => !progress.has(item.retailerId));
    if (unknown !== undefined)
      throw new OmsInvalidInputError(`order ${metaOrderId} has no line for ${unknown.retailerId}`);
  }
  await tx.query(
    `INSERT INTO refunds (meta_order_id, request_id, request_hash, items, shipping, reason_code, origin)
     VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7)`,
    [
      metaOrderId,
      requestId,
      requestHash,
      JSON.stringify(refund.items),
      refund.shipping === undefined ? null : JSON.stringify(refund.shipping),
      refund.reasonCode,
      refund.origin,
    ],
  );
  await tx.query('UPDATE orders SET updated_at = now() WHERE meta_order_id = $1', [metaOrderId]);
}
