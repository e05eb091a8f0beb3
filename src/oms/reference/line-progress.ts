import type { Transaction } from '@electric-sql/pglite';
import { OmsInvalidInputError } from '../../api/oms-errors.js';
import type { ItemQuantity } from '../../api/oms-port.js';

/**
 * Where each unit of an order stands, per order line (Meta's item id). An order may have two lines
 * with one retailer id, so units are counted per line, never per SKU. Shipments and cancellations
 * written since migration 2 store their items resolved to lines (with `itemId`); older ones name the
 * SKU only, and are spread over that SKU's lines in line order, as a request without item ids is.
 */

type Queryable = Pick<Transaction, 'query'>;

/** One order line and what has happened to its units so far. */
export interface LineProgress {
  itemId: string;
  retailerId: string;
  ordered: number;
  shipped: number;
  cancelled: number;
}

/** Units of one order line, as shipments and cancellations store them (resolved to their line). */
export interface LineUnits {
  itemId: string;
  retailerId: string;
  quantity: number;
}

export function openUnits(line: LineProgress): number {
  return line.ordered - line.shipped - line.cancelled;
}

/** The order's lines in order, with the units shipped and cancelled so far; empty without an order. */
export async function lineProgress(db: Queryable, metaOrderId: string): Promise<LineProgress[]> {
  const lines = await db.query<{ item_id: string; retailer_id: string; quantity: number }>(
    'SELECT item_id, retailer_id, quantity FROM order_lines WHERE meta_order_id = $1 ORDER BY position',
    [metaOrderId],
  );
  const progress = lines.rows.map((row): LineProgress => ({
    itemId: row.item_id,
    retailerId: row.retailer_id,
    ordered: row.quantity,
    shipped: 0,
    cancelled: 0,
  }));
  if (progress.length === 0) return progress;
  const done = await db.query<{ kind: 'shipped' | 'cancelled'; items: Partial<ItemQuantity>[] }>(
    `SELECT kind, items FROM (
       SELECT 'shipped' AS kind, id, items FROM shipments WHERE meta_order_id = $1
       UNION ALL
       SELECT 'cancelled' AS kind, id, items FROM cancellations WHERE meta_order_id = $1
     ) AS done ORDER BY kind DESC, id`,
    [metaOrderId],
  );
  const byItemId = new Map(progress.map((line) => [line.itemId, line]));
  const bySku: { kind: 'shipped' | 'cancelled'; retailerId: string; quantity: number }[] = [];
  // Units on a named line first; then the units named by SKU alone fill that SKU's lines in order.
  for (const row of done.rows) {
    for (const item of row.items) {
      const quantity = Number(item.quantity ?? 0);
      const line = item.itemId === undefined ? undefined : byItemId.get(item.itemId);
      if (line !== undefined) line[row.kind] += quantity;
      else if (item.retailerId !== undefined) bySku.push({ kind: row.kind, retailerId: item.retailerId, quantity });
    }
  }
  for (const { kind, retailerId, quantity } of bySku) {
    const lines = progress.filter((line) => line.retailerId === retailerId);
    let rest = quantity;
    for (const line of lines) {
      const taken = Math.min(rest, Math.max(0, openUnits(line)));
      line[kind] += taken;
      rest -= taken;
    }
    // More than the lines hold (a cancellation recorded before the order was created): kept on the
    // last line, so the SKU's count stays what was recorded.
    const last = lines.at(-1);
    if (rest > 0 && last !== undefined) last[kind] += rest;
  }
  return progress;
}

/**
 * The units a shipment or cancellation takes, per line, in line order. An empty request means every
 * open unit (as on Meta's endpoints). Items with an item id take from that line, whose retailer id
 * must match; items without one take from the lines of their retailer id in order, after the named
 * lines. A line or SKU not on the order, or more units than are open, is refused.
 */
export function resolveUnits(
  what: 'ship' | 'cancel',
  metaOrderId: string,
  requested: readonly ItemQuantity[],
  progress: readonly LineProgress[],
): LineUnits[] {
  const remaining = new Map(progress.map((line) => [line.itemId, openUnits(line)]));
  const taken = new Map<string, number>();
  const take = (line: LineProgress, quantity: number) => {
    taken.set(line.itemId, (taken.get(line.itemId) ?? 0) + quantity);
    remaining.set(line.itemId, (remaining.get(line.itemId) ?? 0) - quantity);
  };

  if (requested.length === 0) {
    for (const line of progress) if (openUnits(line) > 0) take(line, openUnits(line));
    if (taken.size === 0) throw new OmsInvalidInputError(`order ${metaOrderId} has no open units to ${what}`);
  }

  const named = new Map<string, { retailerId: string; quantity: number }>();
  const bySku = new Map<string, number>();
  for (const item of requested) {
    if (item.itemId === undefined) {
      bySku.set(item.retailerId, (bySku.get(item.retailerId) ?? 0) + item.quantity);
      continue;
    }
    const line = progress.find((candidate) => candidate.itemId === item.itemId);
    if (line === undefined) throw new OmsInvalidInputError(`order ${metaOrderId} has no item ${item.itemId}`);
    if (line.retailerId !== item.retailerId) {
      throw new OmsInvalidInputError(
        `item ${item.itemId} of order ${metaOrderId} is ${line.retailerId}, not ${item.retailerId}`,
      );
    }
    named.set(item.itemId, {
      retailerId: item.retailerId,
      quantity: (named.get(item.itemId)?.quantity ?? 0) + item.quantity,
    });
  }
  for (const [itemId, { retailerId, quantity }] of named) {
    const line = progress.find((candidate) => candidate.itemId === itemId)!;
    const stillOpen = remaining.get(itemId) ?? 0;
    if (quantity > stillOpen) {
      throw new OmsInvalidInputError(
        `cannot ${what} ${quantity} x ${retailerId} (item ${itemId}) on order ${metaOrderId}: only ${stillOpen} open`,
      );
    }
    take(line, quantity);
  }
  for (const [retailerId, quantity] of bySku) {
    const lines = progress.filter((line) => line.retailerId === retailerId);
    if (lines.length === 0) throw new OmsInvalidInputError(`order ${metaOrderId} has no line for ${retailerId}`);
    const stillOpen = lines.reduce((sum, line) => sum + Math.max(0, remaining.get(line.itemId) ?? 0), 0);
    if (quantity > stillOpen) {
      throw new OmsInvalidInputError(
        `cannot ${what} ${quantity} x ${retailerId} on order ${metaOrderId}: only ${stillOpen} open`,
      );
    }
    let rest = quantity;
    for (const line of lines) {
      const units = Math.min(rest, Math.max(0, remaining.get(line.itemId) ?? 0));
      if (units > 0) take(line, units);
      rest -= units;
    }
  }
  return progress
    .filter((line) => (taken.get(line.itemId) ?? 0) > 0)
    .map((line) => ({ itemId: line.itemId, retailerId: line.retailerId, quantity: taken.get(line.itemId)! }));
}
