import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RefundRecord, ShipmentRecord } from '../../../src/api/oms-port.js';
import { canonicalHash } from '../../../src/oms/canonical-json.js';
import { MIGRATIONS, ReferenceOms, applyMigrations } from '../../../src/oms/reference/index.js';
import { line, newOrderId, pendingOrder } from './fixtures.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'reference-oms-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('ReferenceOms on disk', () => {
  it('keeps orders, stock, reservations and events across close and open, and continues the reference sequence', async () => {
    const [firstId, secondId] = [newOrderId(), newOrderId()];

    const before = await ReferenceOms.open({ dataDir });
    await before.seedProducts([{ retailerId: 'MUG-1', name: 'Mug', onHand: 5 }]);
    await before.reserveInventory(firstId, [{ retailerId: 'MUG-1', quantity: 2 }]);
    const first = await before.createPendingOrder(
      pendingOrder(firstId, [line('i1', 'MUG-1', 2)], { buyer: { name: 'Łukasz Żółć', marketingOptIn: false } }),
    );
    await before.markProcessing(firstId);
    await before.notifyOps({ metaOrderId: firstId, severity: 'warning', reason: 'checked' });
    await before.close();

    const after = await ReferenceOms.open({ dataDir });
    try {
      const order = await after.getOrder(firstId);
      expect(order).toMatchObject({
        merchantOrderReference: first.merchantOrderReference,
        status: 'processing',
        buyer: { name: 'Łukasz Żółć' },
      });
      expect(await after.inventory('MUG-1')).toEqual({
        retailerId: 'MUG-1',
        name: 'Mug',
        onHand: 5,
        reserved: 2,
        available: 3,
      });
      // Idempotency survives the restart: the retry neither re-reserves nor issues a new reference.
      expect(await after.reserveInventory(firstId, [{ retailerId: 'MUG-1', quantity: 2 }])).toEqual({
        reserved: true,
        shortages: [],
      });
      expect((await after.inventory('MUG-1'))?.reserved).toBe(2);
      expect(
        await after.createPendingOrder(
          pendingOrder(firstId, [line('i1', 'MUG-1', 2)], { buyer: { name: 'Łukasz Żółć', marketingOptIn: false } }),
        ),
      ).toEqual(first);
      expect((await after.events(firstId)).map((event) => event.kind)).toEqual(['ops.notification']);

      const second = await after.createPendingOrder(pendingOrder(secondId, [line('i1', 'MUG-1', 1)]));
      const sequenceOf = (reference: string) => Number(reference.slice('OMS-'.length));
      expect(sequenceOf(second.merchantOrderReference)).toBe(sequenceOf(first.merchantOrderReference) + 1);
    } finally {
      await after.close();
    }
  });

  it('has every migration recorded once, and the database refuses to change a merchant_order_reference', async () => {
    const orderId = newOrderId();
    const oms = await ReferenceOms.open({ dataDir });
    await oms.createPendingOrder(pendingOrder(orderId, [line('i1', 'MUG-1', 1)]));
    await oms.close();

    const db = await PGlite.create(dataDir);
    try {
      expect(await applyMigrations(db)).toEqual([]);
      const recorded = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(recorded.rows.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version));
      await expect(
        db.query(`UPDATE orders SET merchant_order_reference = 'OMS-999999' WHERE meta_order_id = $1`, [orderId]),
      ).rejects.toThrow(/immutable/);
      await expect(
        db.query(`UPDATE orders SET status = 'processing' WHERE meta_order_id = $1`, [orderId]),
      ).resolves.toBeDefined();
    } finally {
      await db.close();
    }
  });
});

describe('a database created before item ids and refund amounts (schema version 1)', () => {
  it('upgrades: old records keep their data, are counted per line in the books, and replay as no-ops', async () => {
    const oldDir = await mkdtemp(join(tmpdir(), 'reference-oms-v1-'));
    const orderId = newOrderId();
    // What version 1 stored: shipments and cancellations by retailer id only, refunds as JSON.
    const shipment: ShipmentRecord = {
      metaOrderId: orderId,
      requestId: 'ship-1',
      items: [{ retailerId: 'MUG', quantity: 2 }],
      carrier: 'UPS',
      trackingNumber: '1Z1',
    };
    const refund: RefundRecord = {
      metaOrderId: orderId,
      requestId: 'refund-1',
      items: [
        { retailerId: 'MUG', quantity: 1, amount: { amount: '12.50', currency: 'EUR' } },
        { retailerId: 'MUG', amount: { amount: '0.10', currency: 'EUR' } },
      ],
      shipping: { amount: '4.9', currency: 'EUR' },
      reasonCode: 'DAMAGED_GOODS',
      origin: 'merchant',
    };
    const v1 = await PGlite.create(oldDir);
    try {
      expect(
        await applyMigrations(
          v1,
          MIGRATIONS.filter((migration) => migration.version === 1),
        ),
      ).toEqual([1]);
      await v1.exec(`
        INSERT INTO products (retailer_id, name) VALUES ('MUG', 'Mug');
        INSERT INTO inventory (retailer_id, on_hand) VALUES ('MUG', 8);
        INSERT INTO orders (meta_order_id, merchant_order_reference, channel, payment_method, buyer_name,
          marketing_opt_in, suppress_customer_emails, ship_name, ship_street1, ship_city, ship_postal_code,
          ship_country, input_hash, status)
        VALUES ('${orderId}', 'OMS-000001', 'facebook', 'Paid on Facebook', 'Ana', false, true, 'Ana', 'Rua 1',
          'Lisboa', '1000-001', 'PT', 'h', 'processing');
        INSERT INTO order_lines (meta_order_id, item_id, position, retailer_id, quantity, price_amount, price_currency)
        VALUES ('${orderId}', 'first', 0, 'MUG', 2, '12.50', 'EUR'), ('${orderId}', 'second', 1, 'MUG', 1, '12.50', 'EUR');
      `);
      await v1.query(
        `INSERT INTO shipments (meta_order_id, request_id, request_hash, items, carrier, tracking_number)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6)`,
        [orderId, 'ship-1', canonicalHash(shipment), JSON.stringify(shipment.items), 'UPS', '1Z1'],
      );
      await v1.query(
        `INSERT INTO cancellations (meta_order_id, request_id, request_hash, items, reason_code, restock, origin)
         VALUES ($1, 'external-1', 'old-hash', $2::jsonb, 'EXTERNAL', false, 'external')`,
        [orderId, JSON.stringify([{ retailerId: 'MUG', quantity: 1 }])],
      );
      await v1.query(
        `INSERT INTO refunds (meta_order_id, request_id, request_hash, items, shipping, reason_code, origin)
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7)`,
        [
          orderId,
          'refund-1',
          canonicalHash(refund),
          JSON.stringify(refund.items),
          JSON.stringify(refund.shipping),
          'DAMAGED_GOODS',
          'merchant',
        ],
      );
    } finally {
      await v1.close();
    }

    const oms = await ReferenceOms.open({ dataDir: oldDir });
    try {
      const order = await oms.getOrder(orderId);
      expect(order?.shipments).toEqual([
        expect.objectContaining({ items: [{ retailerId: 'MUG', quantity: 2 }], origin: 'merchant' }),
      ]);
      expect(order?.cancellations).toEqual([
        expect.objectContaining({ items: [{ retailerId: 'MUG', quantity: 1 }], initiatedBy: undefined }),
      ]);
      // The refund's lines moved to NUMERIC columns, booked on the first line of their retailer id.
      expect(order?.refunds).toEqual([
        expect.objectContaining({
          items: [
            { itemId: 'first', retailerId: 'MUG', quantity: 1, amount: { amount: '12.50', currency: 'EUR' } },
            { itemId: 'first', retailerId: 'MUG', amount: { amount: '0.10', currency: 'EUR' } },
          ],
          shipping: { amount: '4.9', currency: 'EUR' },
          deductions: [],
          total: undefined,
        }),
      ]);
      // Units named by retailer id alone fill the lines in order.
      expect(await oms.orderBooks(orderId)).toMatchObject({
        items: [
          { itemId: 'first', shipped: 2, cancelled: 0, refunded: 1, refundedAmount: { amount: '12.60' } },
          { itemId: 'second', shipped: 0, cancelled: 1, refunded: 0, refundedAmount: { amount: '0.00' } },
        ],
        shippingRefunded: { amount: '4.90', currency: 'EUR' },
        totalRefunded: { amount: '17.50', currency: 'EUR' },
      });
      // A retry of a call made before the upgrade is the same request, not a conflict.
      await oms.recordShipment(shipment);
      await oms.recordShipment({ ...shipment, origin: 'merchant' });
      await oms.recordRefund(refund);
      expect((await oms.getOrder(orderId))?.refunds).toHaveLength(1);
      expect((await oms.inventory('MUG'))?.onHand).toBe(8);
      // Nothing is open any more: the line-by-line count agrees with the old records.
      await expect(
        oms.recordShipment({ ...shipment, requestId: 'ship-2', items: [{ retailerId: 'MUG', quantity: 1 }] }),
      ).rejects.toThrow(/only 0 open/);
    } finally {
      await oms.close();
      await rm(oldDir, { recursive: true, force: true });
    }
  });
});

describe('a database created before the warehouse fields (schema version 2)', () => {
  it('upgrades to version 3: old orders read back without them, new orders store them', async () => {
    const oldDir = await mkdtemp(join(tmpdir(), 'reference-oms-v2-'));
    const oldId = newOrderId();
    const v2 = await PGlite.create(oldDir);
    try {
      expect(
        await applyMigrations(
          v2,
          MIGRATIONS.filter((migration) => migration.version <= 2),
        ),
      ).toEqual([1, 2]);
      await v2.exec(`
        INSERT INTO orders (meta_order_id, merchant_order_reference, channel, payment_method, buyer_name,
          marketing_opt_in, suppress_customer_emails, ship_name, ship_street1, ship_city, ship_postal_code,
          ship_country, totals, input_hash)
        VALUES ('${oldId}', 'OMS-LEGACY-1', 'facebook', 'Paid on Facebook', 'Ana', false, true, 'Ana', 'Rua 1',
          'Lisboa', '1000-001', 'PT', '{"total": {"amount": "12.50", "currency": "EUR"}}', 'h');
        INSERT INTO order_lines (meta_order_id, item_id, position, retailer_id, quantity, price_amount, price_currency)
        VALUES ('${oldId}', 'first', 0, 'MUG', 1, '12.50', 'EUR');
      `);
    } finally {
      await v2.close();
    }

    const oms = await ReferenceOms.open({ dataDir: oldDir });
    try {
      const old = await oms.getOrder(oldId);
      expect(old?.shipByDate).toBeUndefined();
      expect(old?.totals).toEqual({ total: { amount: '12.50', currency: 'EUR' } });
      expect(old?.lines).toEqual([
        { itemId: 'first', retailerId: 'MUG', productName: undefined, quantity: 1, pricePerUnit: eur12 },
      ]);
      const newId = newOrderId();
      const taxed = { ...line('i1', 'MUG-1', 1), shippingOption: { name: 'Express', maxDays: 2 }, tax: eur12 };
      await oms.createPendingOrder(
        pendingOrder(newId, [taxed], {
          shipByDate: '2024-05-07',
          totals: { taxRemitted: false, facebookPaid: eur12, buyerPaid: { amount: '0.00', currency: 'EUR' } },
        }),
      );
      expect(await oms.getOrder(newId)).toMatchObject({
        shipByDate: '2024-05-07',
        totals: { taxRemitted: false, facebookPaid: eur12, buyerPaid: { amount: '0.00', currency: 'EUR' } },
        lines: [taxed],
      });
    } finally {
      await oms.close();
      await rm(oldDir, { recursive: true, force: true });
    }
  });
});

const eur12 = { amount: '12.50', currency: 'EUR' };
