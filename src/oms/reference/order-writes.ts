import type { Transaction } from '@electric-sql/pglite';
import { canonicalHash } from '../canonical-json.js';
import { OmsIdempotencyConflictError, OmsInvalidInputError, OmsNotFoundError } from '../../api/oms-errors.js';
import type {
  CancellationRecord,
  ItemQuantity,
  Money,
  PendingOrderInput,
  RefundItem,
  RefundRecord,
  ShipmentRecord,
  TrackingUpdateRecord,
  ReturnRecord,
} from '../../api/oms-port.js';
import type { OmsOrderStatus } from '../read-model.js';
import { recordEvent } from './event-log.js';
import { cancelUnits, outstandingHolds, reserve, reserveAgain, shipUnits } from './inventory-ledger.js';
import { lineProgress, resolveUnits, type LineProgress } from './line-progress.js';

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
       ship_postal_code, ship_country, shipping_method, totals, input_hash, ship_by_date)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb, $18, $19::date)`,
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
      input.shipByDate ?? null,
    ],
  );
  for (const [position, line] of input.lines.entries()) {
    await tx.query(
      `INSERT INTO order_lines (meta_order_id, item_id, position, retailer_id, product_name, quantity, price_amount,
         price_currency, customization, shipping_option_name, shipping_min_days, shipping_max_days, tax_amount, tax_currency)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::numeric, $14)`,
      [
        input.metaOrderId,
        line.itemId,
        position,
        line.retailerId,
        line.productName ?? null,
        line.quantity,
        line.pricePerUnit.amount,
        line.pricePerUnit.currency,
        line.customization ?? null,
        line.shippingOption?.name ?? null,
        line.shippingOption?.minDays ?? null,
        line.shippingOption?.maxDays ?? null,
        line.tax?.amount ?? null,
        line.tax?.currency ?? null,
      ],
    );
  }
  // An order first seen already released holds its stock from here, so no order skips stock (a
  // reservation made in FB_PROCESSING is kept as it is); one whose reservation was given back while
  // Meta held the order in FB_PROCESSING holds it again.
  if (input.reserveStock) {
    const previous = await tx.query<{ released: boolean }>(
      'SELECT released_at IS NOT NULL AS released FROM reservation_requests WHERE meta_order_id = $1',
      [input.metaOrderId],
    );
    if (previous.rows.length === 0) await reserve(tx, input.metaOrderId, input.lines);
    else if (previous.rows[0]!.released) await reserveAgain(tx, input.metaOrderId, input.lines);
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

type RecordTable = 'shipments' | 'cancellations' | 'refunds';

/**
 * Looks up an earlier record with the same (order, request id). Returns true when it is this very
 * request again (nothing to do); throws when the request id was used for different data.
 */
async function alreadyRecorded(
  tx: Transaction,
  table: RecordTable,
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

const META_ID_COLUMNS: Readonly<Record<RecordTable, string>> = {
  shipments: 'meta_shipment_id',
  cancellations: 'meta_cancellation_id',
  refunds: 'meta_refund_id',
};

/**
 * Meta's object is recorded once: a new request naming a Meta shipment, cancellation or refund that
 * an earlier request already recorded is a conflict (the same object reported under two keys).
 */
async function refuseRecordedMetaObject(
  tx: Transaction,
  table: RecordTable,
  metaOrderId: string,
  metaObjectId: string | undefined,
): Promise<void> {
  if (metaObjectId === undefined) return;
  // The column is one of three literals, never caller text.
  const found = await tx.query<{ request_id: string }>(
    `SELECT request_id FROM ${table} WHERE meta_order_id = $1 AND ${META_ID_COLUMNS[table]} = $2`,
    [metaOrderId, metaObjectId],
  );
  const previous = found.rows[0]?.request_id;
  if (previous !== undefined) {
    throw new OmsIdempotencyConflictError(
      `Meta's ${table.slice(0, -1)} ${metaObjectId} of order ${metaOrderId} was already recorded by request ${previous}`,
    );
  }
}

/**
 * The hash a shipment is known by. `origin: 'merchant'` and no origin are the same shipment, and hash
 * as shipments recorded before `origin` existed did, so a retry across the upgrade is no conflict.
 */
function shipmentHash(shipment: ShipmentRecord): string {
  return canonicalHash({ ...shipment, origin: shipment.origin === 'merchant' ? undefined : shipment.origin });
}

export async function insertShipment(tx: Transaction, shipment: ShipmentRecord): Promise<void> {
  const { metaOrderId, requestId } = shipment;
  await requireOrder(tx, metaOrderId);
  const requestHash = shipmentHash(shipment);
  if (await alreadyRecorded(tx, 'shipments', metaOrderId, requestId, requestHash)) return;
  await refuseRecordedMetaObject(tx, 'shipments', metaOrderId, shipment.metaShipmentId);
  const items = resolveUnits('ship', metaOrderId, shipment.items, await lineProgress(tx, metaOrderId));
  await tx.query(
    `INSERT INTO shipments (meta_order_id, request_id, request_hash, items, carrier, tracking_number, origin, meta_shipment_id)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)`,
    [
      metaOrderId,
      requestId,
      requestHash,
      JSON.stringify(items),
      shipment.carrier,
      shipment.trackingNumber,
      shipment.origin ?? 'merchant',
      shipment.metaShipmentId ?? null,
    ],
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

/** Sums items per (item id, retailer id), in a stable order: what a cancellation without an order stores. */
function sumItems(items: readonly ItemQuantity[]): ItemQuantity[] {
  const totals = new Map<string, ItemQuantity>();
  for (const item of items) {
    const key = JSON.stringify([item.itemId ?? null, item.retailerId]);
    const found = totals.get(key);
    if (found === undefined) totals.set(key, { ...item });
    else found.quantity += item.quantity;
  }
  return [...totals.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, item]) => (item.itemId === undefined ? { retailerId: item.retailerId, quantity: item.quantity } : item));
}

/**
 * Cancelled units leave the order; the units it held go back on sale only with `restock` (for an
 * external cancellation, Meta's restock flag), and are written off otherwise.
 */
export async function insertCancellation(tx: Transaction, cancellation: CancellationRecord): Promise<void> {
  const { metaOrderId, requestId } = cancellation;
  const requestHash = canonicalHash(cancellation);
  if (await alreadyRecorded(tx, 'cancellations', metaOrderId, requestId, requestHash)) return;
  await refuseRecordedMetaObject(tx, 'cancellations', metaOrderId, cancellation.metaCancellationId);
  const order = await tx.query<{ status: OmsOrderStatus }>('SELECT status FROM orders WHERE meta_order_id = $1', [
    metaOrderId,
  ]);
  const orderExists = order.rows.length > 0;
  // Without an order (cancelled before the OMS created it) the reservation is all there is to cancel.
  const items: ItemQuantity[] = orderExists
    ? resolveUnits('cancel', metaOrderId, cancellation.items, await lineProgress(tx, metaOrderId))
    : cancellation.items.length === 0
      ? await outstandingHolds(tx, metaOrderId)
      : sumItems(cancellation.items);
  await tx.query(
    `INSERT INTO cancellations (meta_order_id, request_id, request_hash, items, reason_code, restock, origin,
       initiated_by, reason_description, meta_cancellation_id)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10)`,
    [
      metaOrderId,
      requestId,
      requestHash,
      JSON.stringify(items),
      cancellation.reasonCode,
      cancellation.restock,
      cancellation.origin,
      cancellation.initiatedBy ?? null,
      cancellation.reasonDescription ?? null,
      cancellation.metaCancellationId ?? null,
    ],
  );
  await cancelUnits(tx, metaOrderId, requestId, items, cancellation.restock);
  if (!orderExists) return;
  const progress = await lineProgress(tx, metaOrderId);
  const everyUnitCancelled = progress.every((line) => line.cancelled >= line.ordered);
  // A partly shipped order is not "cancelled": markCompleted closes it once nothing is open.
  await tx.query(
    everyUnitCancelled
      ? `UPDATE orders SET status = 'cancelled', cancelled_at = coalesce(cancelled_at, now()), updated_at = now() WHERE meta_order_id = $1`
      : 'UPDATE orders SET updated_at = now() WHERE meta_order_id = $1',
    [metaOrderId],
  );
}

/**
 * Names each refund line's order line. An item id must be a line of this retailer id. An item named
 * by retailer id alone goes to the first of its lines with room for its units (units refunded so far
 * plus these within the units ordered), else to the first with any room, else to the first: a guess
 * when two lines share a retailer id, which is why callers should send item ids.
 */
async function resolveRefundItems(
  tx: Transaction,
  metaOrderId: string,
  items: readonly RefundItem[],
  progress: readonly LineProgress[],
): Promise<RefundItem[]> {
  const refunded = await tx.query<{ item_id: string; units: number }>(
    `SELECT l.item_id, coalesce(sum(l.quantity), 0)::integer AS units
     FROM refund_lines l JOIN refunds r ON r.id = l.refund_id
     WHERE r.meta_order_id = $1 AND l.item_id IS NOT NULL GROUP BY l.item_id`,
    [metaOrderId],
  );
  const refundedUnits = new Map(refunded.rows.map((row) => [row.item_id, row.units]));
  return items.map((item) => {
    let line: LineProgress | undefined;
    if (item.itemId !== undefined) {
      line = progress.find((candidate) => candidate.itemId === item.itemId);
      if (line === undefined) throw new OmsInvalidInputError(`order ${metaOrderId} has no item ${item.itemId}`);
      if (line.retailerId !== item.retailerId) {
        throw new OmsInvalidInputError(
          `item ${item.itemId} of order ${metaOrderId} is ${line.retailerId}, not ${item.retailerId}`,
        );
      }
    } else {
      const lines = progress.filter((candidate) => candidate.retailerId === item.retailerId);
      if (lines.length === 0) throw new OmsInvalidInputError(`order ${metaOrderId} has no line for ${item.retailerId}`);
      const refundedSoFar = (candidate: LineProgress) => refundedUnits.get(candidate.itemId) ?? 0;
      line =
        lines.find((candidate) => refundedSoFar(candidate) + (item.quantity ?? 0) <= candidate.ordered) ??
        lines.find((candidate) => refundedSoFar(candidate) < candidate.ordered) ??
        lines[0]!;
    }
    refundedUnits.set(line.itemId, (refundedUnits.get(line.itemId) ?? 0) + (item.quantity ?? 0));
    return { ...item, itemId: line.itemId };
  });
}

function refundAmounts(refund: RefundRecord): Money[] {
  return [
    ...refund.items.flatMap((item) => (item.amount === undefined ? [] : [item.amount])),
    ...(refund.shipping === undefined ? [] : [refund.shipping]),
    ...(refund.deductions ?? []).map((deduction) => deduction.amount),
    ...(refund.adjustment === undefined ? [] : [refund.adjustment]),
    ...(refund.total === undefined ? [] : [refund.total]),
  ];
}

/**
 * Stores a refund with its amounts as given (Meta's, when known) in NUMERIC columns: exact decimals
 * the books add up. Each line is kept on its order line; every amount must be in the order's currency.
 */
export async function insertRefund(tx: Transaction, refund: RefundRecord): Promise<void> {
  const { metaOrderId, requestId } = refund;
  const requestHash = canonicalHash(refund);
  if (await alreadyRecorded(tx, 'refunds', metaOrderId, requestId, requestHash)) return;
  await refuseRecordedMetaObject(tx, 'refunds', metaOrderId, refund.metaRefundId);
  const progress = await lineProgress(tx, metaOrderId);
  // Without an order (handled on Meta before the OMS created it) the refund is kept as given.
  const items =
    progress.length === 0 ? refund.items : await resolveRefundItems(tx, metaOrderId, refund.items, progress);
  if (progress.length > 0) {
    const currencies = await tx.query<{ currency: string }>(
      'SELECT DISTINCT price_currency AS currency FROM order_lines WHERE meta_order_id = $1',
      [metaOrderId],
    );
    const orderCurrencies = new Set(currencies.rows.map((row) => row.currency));
    const foreign = refundAmounts(refund).find((money) => !orderCurrencies.has(money.currency));
    if (foreign !== undefined) {
      throw new OmsInvalidInputError(
        `refund ${requestId} of order ${metaOrderId} is in ${foreign.currency}, the order in ${[...orderCurrencies].join(', ')}`,
      );
    }
  }
  const inserted = await tx.query<{ id: number }>(
    `INSERT INTO refunds (meta_order_id, request_id, request_hash, reason_code, origin, shipping_amount, shipping_currency,
       adjustment_amount, adjustment_currency, total_amount, total_currency, reason_text, return_id, meta_refund_id)
     VALUES ($1, $2, $3, $4, $5, $6::numeric, $7, $8::numeric, $9, $10::numeric, $11, $12, $13, $14)
     RETURNING id`,
    [
      metaOrderId,
      requestId,
      requestHash,
      refund.reasonCode,
      refund.origin,
      refund.shipping?.amount ?? null,
      refund.shipping?.currency ?? null,
      refund.adjustment?.amount ?? null,
      refund.adjustment?.currency ?? null,
      refund.total?.amount ?? null,
      refund.total?.currency ?? null,
      refund.reasonText ?? null,
      refund.returnId ?? null,
      refund.metaRefundId ?? null,
    ],
  );
  const refundId = inserted.rows[0]!.id;
  for (const [position, item] of items.entries()) {
    await tx.query(
      `INSERT INTO refund_lines (refund_id, position, item_id, retailer_id, quantity, amount, currency)
       VALUES ($1, $2, $3, $4, $5, $6::numeric, $7)`,
      [
        refundId,
        position,
        item.itemId ?? null,
        item.retailerId,
        item.quantity ?? null,
        item.amount?.amount ?? null,
        item.amount?.currency ?? null,
      ],
    );
  }
  for (const [position, deduction] of (refund.deductions ?? []).entries()) {
    await tx.query(
      `INSERT INTO refund_deductions (refund_id, position, type, amount, currency) VALUES ($1, $2, $3, $4::numeric, $5)`,
      [refundId, position, deduction.type, deduction.amount.amount, deduction.amount.currency],
    );
  }
  await tx.query('UPDATE orders SET updated_at = now() WHERE meta_order_id = $1', [metaOrderId]);
}

/**
 * A return step: inserted once per (return, status); the return row keeps the latest step. A
 * return is the buyer's and Meta's: the OMS need not hold the order (it may predate the OMS).
 */
export async function upsertReturn(tx: Transaction, record: ReturnRecord): Promise<void> {
  await tx.query(
    `INSERT INTO order_returns (meta_return_id, meta_order_id, status, items, reason_code, merchant_return_id)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6)
     ON CONFLICT (meta_return_id) DO NOTHING`,
    [
      record.metaReturnId,
      record.metaOrderId,
      record.status,
      JSON.stringify(record.items),
      record.reasonCode ?? null,
      record.merchantReturnId ?? null,
    ],
  );
  const step = await tx.query(
    `INSERT INTO order_return_steps (meta_return_id, status) VALUES ($1, $2)
     ON CONFLICT (meta_return_id, status) DO NOTHING RETURNING status`,
    [record.metaReturnId, record.status],
  );
  if (step.rows.length === 0) return;
  await tx.query(
    `UPDATE order_returns SET status = $2, merchant_return_id = coalesce($3, merchant_return_id), updated_at = now()
     WHERE meta_return_id = $1`,
    [record.metaReturnId, record.status, record.merchantReturnId ?? null],
  );
  await recordEvent(
    tx,
    {
      metaOrderId: record.metaOrderId,
      kind: `return.${record.status.toLowerCase()}`,
      severity: 'info',
      detail: `return ${record.metaReturnId}: ${record.status}${record.reasonCode ? ` (${record.reasonCode})` : ''}`,
    },
    `return:${record.metaReturnId}:${record.status}`,
  );
}
