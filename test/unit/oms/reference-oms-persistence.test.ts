import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
