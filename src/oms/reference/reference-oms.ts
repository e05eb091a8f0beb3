import type { PGlite, Transaction } from '@electric-sql/pglite';
import { z } from 'zod';
import { canonicalHash } from '../canonical-json.js';
import { parsePortInput } from '../../api/oms-port-schemas.js';
import type {
  CancellationRecord,
  ExternalChange,
  OmsPort,
  OpsNotification,
  PendingOrderInput,
  RefundRecord,
  ReservationLine,
  ReturnRecord,
  ShipmentRecord,
  TrackingUpdateRecord,
} from '../../api/oms-port.js';
import type {
  OmsEvent,
  OmsInventoryLevel,
  OmsOrderBooks,
  OmsOrderDetail,
  OmsOrderStatus,
  OmsOrderSummary,
  OmsReadModel,
  OmsReservation,
} from '../read-model.js';
import { recordEvent } from './event-log.js';
import { releaseAll, reserve } from './inventory-ledger.js';
import { openDatabase } from './database.js';
import { readEvents, readInventory, readOrder, readOrderBooks, readOrders, readReservation } from './order-reader.js';
import {
  advanceStatus,
  insertCancellation,
  insertPendingOrder,
  insertRefund,
  insertShipment,
  updateShipmentTracking,
  upsertReturn,
  type TextTransform,
} from './order-writes.js';
import { transliterateToAscii } from './transliterate.js';

export interface ReferenceOmsOptions {
  /** Folder holding the database; absent means in memory ('memory://'), gone on close. */
  dataDir?: string | undefined;
  /**
   * Store buyer names and addresses flattened to ASCII (é -> e, ß -> ss), for merchants whose
   * downstream systems cannot take Unicode. Off by default: names are kept exactly as written.
   */
  transliterateToAscii?: boolean | undefined;
}

export interface SeedProduct {
  retailerId: string;
  name: string;
  onHand: number;
}

const seedProductsSchema = z.array(
  z.object({ retailerId: z.string().min(1), name: z.string(), onHand: z.number().int().min(0) }),
);

/**
 * A working order management system on an embedded Postgres (PGlite): what a merchant without an
 * OMS of their own can run, and what the tests and the demo use. Every port method is one
 * transaction under a per-order advisory lock, and idempotent as the port requires. Takes its
 * arguments as valid: they are validated once, before any adapter (validatedOmsPort); what only the
 * OMS can judge (a SKU not on the order, more units than are open) it still refuses here.
 */
export class ReferenceOms implements OmsPort, OmsReadModel {
  private constructor(
    private readonly db: PGlite,
    private readonly storeText: TextTransform,
  ) {}

  static async open(options: ReferenceOmsOptions = {}): Promise<ReferenceOms> {
    const db = await openDatabase(options.dataDir);
    return new ReferenceOms(db, options.transliterateToAscii === true ? transliterateToAscii : (text) => text);
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }

  // --- OmsPort -------------------------------------------------------------------------------

  async reserveInventory(
    metaOrderId: string,
    lines: ReservationLine[],
  ): Promise<{ reserved: boolean; shortages: ReservationLine[] }> {
    return this.forOrder(metaOrderId, (tx) => reserve(tx, metaOrderId, lines));
  }

  async releaseInventory(metaOrderId: string): Promise<void> {
    await this.forOrder(metaOrderId, (tx) => releaseAll(tx, metaOrderId));
  }

  async createPendingOrder(input: PendingOrderInput): Promise<{ merchantOrderReference: string }> {
    const merchantOrderReference = await this.forOrder(input.metaOrderId, (tx) =>
      insertPendingOrder(tx, input, this.storeText),
    );
    return { merchantOrderReference };
  }

  async markProcessing(metaOrderId: string): Promise<void> {
    await this.forOrder(metaOrderId, (tx) => advanceStatus(tx, metaOrderId, 'processing'));
  }

  async recordShipment(shipment: ShipmentRecord): Promise<void> {
    await this.forOrder(shipment.metaOrderId, (tx) => insertShipment(tx, shipment));
  }

  async recordTrackingUpdate(update: TrackingUpdateRecord): Promise<void> {
    await this.forOrder(update.metaOrderId, (tx) => updateShipmentTracking(tx, update));
  }

  async recordCancellation(cancellation: CancellationRecord): Promise<void> {
    await this.forOrder(cancellation.metaOrderId, (tx) => insertCancellation(tx, cancellation));
  }

  async recordRefund(refund: RefundRecord): Promise<void> {
    await this.forOrder(refund.metaOrderId, (tx) => insertRefund(tx, refund));
  }

  async recordReturn(record: ReturnRecord): Promise<void> {
    await this.forOrder(record.metaOrderId, (tx) => upsertReturn(tx, record));
  }

  async markCompleted(metaOrderId: string): Promise<void> {
    await this.forOrder(metaOrderId, (tx) => advanceStatus(tx, metaOrderId, 'completed'));
  }

  /** Logged once per distinct change: the port gives no request id, so the change itself is the key. */
  async notifyExternalChange(change: ExternalChange): Promise<void> {
    await this.forOrder(change.metaOrderId, (tx) =>
      recordEvent(
        tx,
        { metaOrderId: change.metaOrderId, kind: `external.${change.kind}`, severity: 'info', detail: change.detail },
        `external:${canonicalHash(change)}`,
      ),
    );
  }

  async notifyOps(notification: OpsNotification): Promise<void> {
    // A notice about intake as a whole names no order: it takes a lock of its own.
    await this.forOrder(notification.metaOrderId ?? 'ops:intake', (tx) =>
      recordEvent(
        tx,
        {
          metaOrderId: notification.metaOrderId,
          kind: 'ops.notification',
          severity: notification.severity,
          detail: notification.reason,
        },
        `ops:${canonicalHash(notification)}`,
      ),
    );
  }

  // --- catalogue and reads ------------------------------------------------------------------

  /** Creates or updates products and sets their on-hand count (reservations are left as they are). */
  async seedProducts(products: SeedProduct[]): Promise<void> {
    const parsed = parsePortInput(seedProductsSchema, products, 'products');
    await this.db.transaction(async (tx) => {
      for (const product of parsed) {
        await tx.query(
          `INSERT INTO products (retailer_id, name) VALUES ($1, $2)
           ON CONFLICT (retailer_id) DO UPDATE SET name = excluded.name, updated_at = now()`,
          [product.retailerId, product.name],
        );
        await tx.query(
          `INSERT INTO inventory (retailer_id, on_hand) VALUES ($1, $2)
           ON CONFLICT (retailer_id) DO UPDATE SET on_hand = excluded.on_hand, updated_at = now()`,
          [product.retailerId, product.onHand],
        );
      }
    });
  }

  getOrder(metaOrderId: string): Promise<OmsOrderDetail | undefined> {
    return this.db.transaction((tx) => readOrder(tx, metaOrderId));
  }

  listOrders(filter: { status?: OmsOrderStatus | undefined } = {}): Promise<OmsOrderSummary[]> {
    return readOrders(this.db, filter.status);
  }

  inventory(retailerId: string): Promise<OmsInventoryLevel | undefined> {
    return readInventory(this.db, retailerId);
  }

  reservation(metaOrderId: string): Promise<OmsReservation | undefined> {
    return this.db.transaction((tx) => readReservation(tx, metaOrderId));
  }

  /** How many of these orders have asked for a reservation: one query, for dashboards and benchmarks. */
  async reservationCount(metaOrderIds: string[]): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM reservation_requests WHERE meta_order_id = ANY($1::text[])',
      [metaOrderIds],
    );
    return rows[0]!.n;
  }

  /** How many of these orders are processing, and when the last of them got there: one query. */
  async processingProgress(
    metaOrderIds: string[],
  ): Promise<{ processing: number; lastProcessingAt: Date | undefined }> {
    const { rows } = await this.db.query<{ n: number; last: Date | null }>(
      "SELECT count(*)::int AS n, max(processing_at) AS last FROM orders WHERE meta_order_id = ANY($1::text[]) AND status = 'processing'",
      [metaOrderIds],
    );
    return { processing: rows[0]!.n, lastProcessingAt: rows[0]!.last ?? undefined };
  }

  events(metaOrderId?: string): Promise<OmsEvent[]> {
    return readEvents(this.db, metaOrderId);
  }

  /**
   * The order's books, per order line (Meta's item id): units ordered, shipped, cancelled and
   * refunded, money refunded; and per order shipping refunded, deductions, adjustments and the total
   * refunded. Exact sums, for comparing the OMS with Meta (the sandbox). Undefined without the order.
   */
  orderBooks(metaOrderId: string): Promise<OmsOrderBooks | undefined> {
    return this.db.transaction((tx) => readOrderBooks(tx, metaOrderId));
  }

  /**
   * Runs `work` in a transaction holding the order's advisory lock. PGlite has one connection and
   * already runs transactions one at a time; the lock keeps the check-then-write code correct on a
   * server Postgres with many connections too.
   */
  private forOrder<T>(metaOrderId: string, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [metaOrderId]);
      return work(tx);
    });
  }
}
