import type { Transaction } from '@electric-sql/pglite';
import { canonicalHash } from '../canonical-json.js';
import { OmsIdempotencyConflictError } from '../../api/oms-errors.js';
import type { ReservationLine } from '../../api/oms-port.js';
import { recordEvent } from './event-log.js';

/**
 * Stock movements of the reference OMS. Every function runs inside the caller's transaction, which
 * already holds the order's advisory lock; inventory rows are locked by their UPDATE, always in
 * retailer_id order so two orders touching the same SKUs cannot deadlock.
 *
 * Reservation policy: hold what exists. A line with too little stock holds the units available and
 * reports the rest as a shortage; `reserved` is true only when every unit is held. The held units
 * stay set aside until releaseInventory, a shipment, or a cancellation of those units, so a workflow
 * that cancels only the short units keeps the rest, and one that cancels the order releases all.
 */

export interface ReservationResult {
  reserved: boolean;
  shortages: ReservationLine[];
}

/** Sums lines per SKU and sorts them, so the same request always hashes and locks alike. */
export function aggregateBySku(lines: readonly { retailerId: string; quantity: number }[]): ReservationLine[] {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.retailerId, (totals.get(line.retailerId) ?? 0) + line.quantity);
  return [...totals.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([retailerId, quantity]) => ({ retailerId, quantity }));
}

export async function reserve(
  tx: Transaction,
  metaOrderId: string,
  lines: ReservationLine[],
): Promise<ReservationResult> {
  const wanted = aggregateBySku(lines);
  const requestHash = canonicalHash(wanted);
  const previous = await tx.query<{ request_hash: string }>(
    'SELECT request_hash FROM reservation_requests WHERE meta_order_id = $1',
    [metaOrderId],
  );
  const previousHash = previous.rows[0]?.request_hash;
  if (previousHash !== undefined) {
    if (previousHash !== requestHash) {
      throw new OmsIdempotencyConflictError(`order ${metaOrderId} already has a reservation for other lines`);
    }
    return storedResult(tx, metaOrderId);
  }

  await tx.query(
    'INSERT INTO reservation_requests (meta_order_id, request_hash, fully_reserved) VALUES ($1, $2, false)',
    [metaOrderId, requestHash],
  );
  const shortages: ReservationLine[] = [];
  for (const line of wanted) {
    const stock = await tx.query<{ available: number }>(
      'SELECT greatest(on_hand - reserved, 0) AS available FROM inventory WHERE retailer_id = $1 FOR UPDATE',
      [line.retailerId],
    );
    const held = Math.min(line.quantity, stock.rows[0]?.available ?? 0);
    if (held > 0) {
      await tx.query('UPDATE inventory SET reserved = reserved + $2, updated_at = now() WHERE retailer_id = $1', [
        line.retailerId,
        held,
      ]);
    }
    await tx.query('INSERT INTO reservations (meta_order_id, retailer_id, requested, held) VALUES ($1, $2, $3, $4)', [
      metaOrderId,
      line.retailerId,
      line.quantity,
      held,
    ]);
    if (held < line.quantity) shortages.push({ retailerId: line.retailerId, quantity: line.quantity - held });
  }
  const reserved = shortages.length === 0;
  await tx.query('UPDATE reservation_requests SET fully_reserved = $2 WHERE meta_order_id = $1', [
    metaOrderId,
    reserved,
  ]);
  if (!reserved) {
    await recordEvent(tx, {
      metaOrderId,
      kind: 'inventory.shortage',
      severity: 'warning',
      detail: `short of ${shortages.map((s) => `${s.quantity} x ${s.retailerId}`).join(', ')}`,
      data: { shortages },
    });
  }
  return { reserved, shortages };
}

/**
 * Holds stock again for an order whose reservation was given back while Meta still had it in
 * FB_PROCESSING, now that Meta released it (called once, inside the idempotent pending-order write).
 * Nothing was consumed before release, so each line's hold starts over from what is available now.
 */
export async function reserveAgain(
  tx: Transaction,
  metaOrderId: string,
  lines: ReservationLine[],
): Promise<ReservationResult> {
  const wanted = aggregateBySku(lines);
  // Every unit was given back (releaseAll), so the old rows hold nothing: the new hold replaces them.
  await tx.query('DELETE FROM reservations WHERE meta_order_id = $1', [metaOrderId]);
  await tx.query('DELETE FROM reservation_requests WHERE meta_order_id = $1', [metaOrderId]);
  const result = await reserve(tx, metaOrderId, wanted);
  await recordEvent(tx, {
    metaOrderId,
    kind: 'inventory.reserved_again',
    severity: 'info',
    detail: `released by Meta after its stock was given back; held again${result.reserved ? '' : ' (short)'}`,
    data: { shortages: result.shortages },
  });
  return result;
}

async function storedResult(tx: Transaction, metaOrderId: string): Promise<ReservationResult> {
  const rows = await tx.query<{ retailer_id: string; short: number }>(
    'SELECT retailer_id, requested - held AS short FROM reservations WHERE meta_order_id = $1 ORDER BY retailer_id',
    [metaOrderId],
  );
  const shortages = rows.rows
    .filter((row) => row.short > 0)
    .map((row) => ({ retailerId: row.retailer_id, quantity: row.short }));
  return { reserved: shortages.length === 0, shortages };
}

/** Gives back every unit still held for the order; returns what it gave back. */
export async function releaseAll(tx: Transaction, metaOrderId: string): Promise<ReservationLine[]> {
  const rows = await tx.query<{ retailer_id: string; outstanding: number }>(
    `SELECT retailer_id, held - consumed - released AS outstanding FROM reservations
     WHERE meta_order_id = $1 ORDER BY retailer_id FOR UPDATE`,
    [metaOrderId],
  );
  const givenBack: ReservationLine[] = [];
  for (const row of rows.rows) {
    if (row.outstanding <= 0) continue;
    await tx.query('UPDATE reservations SET released = released + $3 WHERE meta_order_id = $1 AND retailer_id = $2', [
      metaOrderId,
      row.retailer_id,
      row.outstanding,
    ]);
    await tx.query('UPDATE inventory SET reserved = reserved - $2, updated_at = now() WHERE retailer_id = $1', [
      row.retailer_id,
      row.outstanding,
    ]);
    givenBack.push({ retailerId: row.retailer_id, quantity: row.outstanding });
  }
  await tx.query(
    'UPDATE reservation_requests SET released_at = coalesce(released_at, now()) WHERE meta_order_id = $1',
    [metaOrderId],
  );
  return givenBack;
}

/** Units the order still holds per SKU (held - consumed - released). */
export async function outstandingHolds(tx: Transaction, metaOrderId: string): Promise<ReservationLine[]> {
  const rows = await tx.query<{ retailer_id: string; outstanding: number }>(
    `SELECT retailer_id, held - consumed - released AS outstanding FROM reservations
     WHERE meta_order_id = $1 AND held - consumed - released > 0 ORDER BY retailer_id`,
    [metaOrderId],
  );
  return rows.rows.map((row) => ({ retailerId: row.retailer_id, quantity: row.outstanding }));
}

/** Moves up to `quantity` units of the order's hold to `consumed` or `released`; returns how many moved. */
async function takeFromHold(
  tx: Transaction,
  metaOrderId: string,
  retailerId: string,
  quantity: number,
  as: 'consumed' | 'released',
): Promise<number> {
  const row = await tx.query<{ outstanding: number }>(
    'SELECT held - consumed - released AS outstanding FROM reservations WHERE meta_order_id = $1 AND retailer_id = $2 FOR UPDATE',
    [metaOrderId, retailerId],
  );
  const taken = Math.min(quantity, row.rows[0]?.outstanding ?? 0);
  if (taken > 0) {
    // `as` is one of two literal column names, never caller text.
    await tx.query(`UPDATE reservations SET ${as} = ${as} + $3 WHERE meta_order_id = $1 AND retailer_id = $2`, [
      metaOrderId,
      retailerId,
      taken,
    ]);
  }
  return taken;
}

/** Shipped units leave the shelf: they come out of the order's hold first, and always out of on_hand. */
export async function shipUnits(
  tx: Transaction,
  metaOrderId: string,
  requestId: string,
  items: ReservationLine[],
): Promise<void> {
  for (const item of aggregateBySku(items)) {
    const eventKey = (kind: string) => `${kind}:${metaOrderId}:${requestId}:${item.retailerId}`;
    const fromHold = await takeFromHold(tx, metaOrderId, item.retailerId, item.quantity, 'consumed');
    const updated = await tx.query<{ on_hand: number }>(
      'UPDATE inventory SET reserved = reserved - $2, on_hand = on_hand - $3, updated_at = now() WHERE retailer_id = $1 RETURNING on_hand',
      [item.retailerId, fromHold, item.quantity],
    );
    const onHand = updated.rows[0]?.on_hand;
    if (onHand === undefined) {
      await recordEvent(
        tx,
        {
          metaOrderId,
          kind: 'inventory.unknown_sku',
          severity: 'warning',
          detail: `shipped ${item.quantity} x ${item.retailerId}, which the OMS does not stock`,
          data: item,
        },
        eventKey('inventory.unknown_sku'),
      );
    } else if (onHand < 0) {
      await recordEvent(
        tx,
        {
          metaOrderId,
          kind: 'inventory.negative_on_hand',
          severity: 'warning',
          detail: `on_hand of ${item.retailerId} is ${onHand} after a shipment: the stock count is wrong`,
          data: { retailerId: item.retailerId, onHand },
        },
        eventKey('inventory.negative_on_hand'),
      );
    }
  }
}

/**
 * Cancelled units that were held for the order: with restock they become available again; without
 * restock they are written off (taken out of on_hand), as an OMS does when it does not "return to
 * stock". Units that were never held need no movement either way.
 */
export async function cancelUnits(
  tx: Transaction,
  metaOrderId: string,
  requestId: string,
  items: ReservationLine[],
  restock: boolean,
): Promise<void> {
  for (const item of aggregateBySku(items)) {
    const fromHold = await takeFromHold(
      tx,
      metaOrderId,
      item.retailerId,
      item.quantity,
      restock ? 'released' : 'consumed',
    );
    if (fromHold === 0) continue;
    const writtenOff = restock ? 0 : fromHold;
    await tx.query(
      'UPDATE inventory SET reserved = reserved - $2, on_hand = on_hand - $3, updated_at = now() WHERE retailer_id = $1',
      [item.retailerId, fromHold, writtenOff],
    );
    if (writtenOff > 0) {
      await recordEvent(
        tx,
        {
          metaOrderId,
          kind: 'inventory.written_off',
          severity: 'info',
          detail: `${writtenOff} x ${item.retailerId} cancelled without restock`,
          data: { retailerId: item.retailerId, quantity: writtenOff },
        },
        `inventory.written_off:${metaOrderId}:${requestId}:${item.retailerId}`,
      );
    }
  }
}
