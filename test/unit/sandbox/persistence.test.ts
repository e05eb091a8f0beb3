import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type * as FsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectGraphError, newKey, startTestSandbox, TRACKING, type Json, type TestSandbox } from './helpers.js';
import type { SandboxOptionsInput } from '../../../sandbox/index.js';

// Every file the sandbox opens for writing or renames into place, to prove "no stateFile -> nothing written".
const written = vi.hoisted(() => ({ paths: [] as string[] }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const open: typeof real.open = (path, flags, mode) => {
    if (flags !== undefined && flags !== 'r') written.paths.push(String(path));
    return real.open(path, flags, mode);
  };
  const rename: typeof real.rename = (from, to) => {
    written.paths.push(String(to));
    return real.rename(from, to);
  };
  return { ...real, open, rename };
});

const ORDER_FIELDS =
  'id,order_status,created,last_updated,ship_by_date,merchant_order_id,channel,selected_shipping_option,shipping_address,estimated_payment_details,buyer_details';
const EDGES = ['items', 'shipments', 'cancellations', 'refunds', 'returns'] as const;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-state-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileCounter = 0;
const newStateFile = () => join(dir, `state-${++fileCounter}.json`);

function start(stateFile: string | undefined, options: SandboxOptionsInput = {}): Promise<TestSandbox> {
  return startTestSandbox({ ...(stateFile === undefined ? {} : { stateFile }), ...options });
}

/** What a client can see of an order over Graph, with this sandbox's URL (its port) taken out. */
async function graphView(t: TestSandbox, orderId: string): Promise<string> {
  const parts: Json[] = [(await t.graph.get(`/${orderId}`, { fields: ORDER_FIELDS })).body];
  for (const edge of EDGES) parts.push((await t.graph.get(`/${orderId}/${edge}`)).body);
  return JSON.stringify(parts).replaceAll(t.sandbox.url, 'SANDBOX');
}

async function allIds(t: TestSandbox): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const { id } of await t.admin.listOrders()) {
    const order = await t.admin.getOrder(id);
    ids.add(order.id);
    for (const item of order.items) ids.add(item.id).add(item.productId);
  }
  for (const effect of (await t.admin.getLedger()).effects) if (effect.objectId !== null) ids.add(effect.objectId);
  return ids;
}

describe('sandbox state file', () => {
  it('brings back orders, states, history edges, merchant references, the release schedule and the ledger', async () => {
    const file = newStateFile();
    const first = await start(file);
    expect(first.sandbox.persistence?.restored).toBeNull();
    const [acked, shipped, untouched] = await first.admin.createOrders({ count: 3, itemsPerOrder: 2 });
    const held = await first.admin.createOrder({ holdForReview: true });
    // With a promotion Meta funds and the tax left to the seller: both kept.
    const later = await first.admin.createOrder({ releaseDelayMs: 60_000, facebookPaid: '3.00', taxRemitted: false });
    expect(
      (
        await first.graph.post(`/${acked!.id}/acknowledge_order`, {
          idempotency_key: newKey(),
          merchant_order_reference: 'OMS-1001',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await first.graph.post(`/${shipped!.id}/acknowledge_order`, {
          idempotency_key: newKey(),
          merchant_order_reference: 'OMS-1002',
        })
      ).status,
    ).toBe(200);
    const retailerId = shipped!.items[0]!.retailerId;
    const shipment = {
      idempotency_key: newKey(),
      tracking_info: TRACKING,
      items: [{ retailer_id: retailerId, quantity: 1 }],
    };
    expect((await first.graph.post(`/${shipped!.id}/shipments`, shipment)).status).toBe(200);
    await first.admin.createReturn(shipped!.id, {
      items: [{ itemId: shipped!.items[0]!.id, quantity: 1 }],
      reason: 'Too small',
    });

    const ids = [acked!.id, shipped!.id, untouched!.id, held.id, later.id];
    const before = { views: [] as string[], snapshots: [] as Json[] };
    for (const id of ids) {
      before.views.push(await graphView(first, id));
      before.snapshots.push(await first.admin.getOrder(id));
    }
    const ledgerBefore = await first.admin.getLedger();
    const listBefore = await first.admin.listOrders();
    await first.close();
    expect(written.paths).toContain(file);

    const second = await start(file);
    try {
      expect(second.sandbox.persistence?.restored).toMatchObject({
        orders: 5,
        ledgerEffects: ledgerBefore.effects.length,
        startOptionsWon: [],
      });
      // The ledger first: the reads below add calls to it.
      expect(await second.admin.getLedger()).toEqual(ledgerBefore);
      expect(await second.admin.listOrders()).toEqual(listBefore);
      for (const [i, id] of ids.entries()) {
        expect(await second.admin.getOrder(id)).toEqual(before.snapshots[i]);
        expect(await graphView(second, id)).toBe(before.views[i]);
      }
      expect((await second.admin.getOrder(acked!.id)).merchantOrderReference).toBe('OMS-1001');
      expect((await second.admin.getOrder(shipped!.id)).state).toBe('IN_PROGRESS');
      expect((await second.graph.get(`/${shipped!.id}/shipments`)).body.data).toHaveLength(1);

      // The release schedule survived: the held order waits, the delayed one is released at its due time.
      await second.admin.advanceClock(61_000);
      expect((await second.admin.getOrder(held.id)).state).toBe('FB_PROCESSING');
      const released = await second.admin.getOrder(later.id);
      expect(released.state).toBe('CREATED');
      expect(released.lastUpdatedAt).toBe(later.releaseAt);
    } finally {
      await second.close();
    }
  });

  it('answers a retried POST after a restart from the idempotency store, with no second effect', async () => {
    const file = newStateFile();
    const first = await start(file);
    const order = await first.admin.createOrder({
      items: [{ retailerId: 'SKU-P', quantity: 3, pricePerUnit: '10.00' }],
    });
    const ack = { idempotency_key: newKey() };
    expect((await first.graph.post(`/${order.id}/acknowledge_order`, ack)).status).toBe(200);
    const ship = { idempotency_key: newKey(), tracking_info: TRACKING, items: [{ retailer_id: 'SKU-P', quantity: 1 }] };
    const firstAnswer = await first.graph.post(`/${order.id}/shipments`, ship);
    expect(firstAnswer.status).toBe(200);
    await first.close();

    const second = await start(file);
    try {
      const replayedAck = await second.graph.post(`/${order.id}/acknowledge_order`, ack);
      const replayedShip = await second.graph.post(`/${order.id}/shipments`, ship);
      expect(replayedShip.status).toBe(200);
      expect(replayedShip.body).toEqual(firstAnswer.body);
      expect(replayedAck.status).toBe(200);
      const ledger = await second.admin.getLedger(order.id);
      expect(ledger.effects.filter((e) => e.kind === 'shipment')).toHaveLength(1);
      expect(ledger.effects.filter((e) => e.kind === 'acknowledge')).toHaveLength(1);
      expect(ledger.replays.byEndpoint).toEqual({ 'POST acknowledge_order': 1, 'POST shipments': 1 });
      expect((await second.admin.getOrder(order.id)).items[0]!.shipped).toBe(1);
      // The same key for another request is still a conflict after the restart.
      expectGraphError(
        await second.graph.post(`/${order.id}/shipments`, { ...ship, items: [{ retailer_id: 'SKU-P', quantity: 2 }] }),
        100,
        2388049,
      );
    } finally {
      await second.close();
    }
  });

  it('keeps stored refusals: replayed, and a conflict for a corrected request', async () => {
    const file = newStateFile();
    const first = await start(file);
    const order = await first.admin.createOrder();
    const ship = { idempotency_key: newKey(), tracking_info: TRACKING };
    const refused = await first.graph.post(`/${order.id}/shipments`, ship);
    expectGraphError(refused, 100);
    await first.close();

    const second = await start(file);
    try {
      await second.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: newKey() });
      const replayed = await second.graph.post(`/${order.id}/shipments`, ship);
      expect(replayed.status).toBe(400);
      expect(replayed.body).toEqual(refused.body);
      expectGraphError(
        await second.graph.post(`/${order.id}/shipments`, { ...ship, external_shipment_id: 'box_1' }),
        100,
        2388049,
      );
      expect((await second.admin.getOrder(order.id)).shipments).toBe(0);
    } finally {
      await second.close();
    }
  });

  it('loads a file saved before cancellations had initiatedBy and ledger effects had external', async () => {
    const file = newStateFile();
    const first = await start(file);
    const [byBuyer, bySeller] = await first.admin.createOrders({ count: 2, releaseDelayMs: 60_000 });
    await first.admin.buyerCancel(byBuyer!.id);
    await first.admin.release([bySeller!.id]);
    await first.graph.post(`/${bySeller!.id}/acknowledge_order`, { idempotency_key: newKey() });
    await first.graph.post(`/${bySeller!.id}/cancellations`, { idempotency_key: newKey() });
    await first.close();
    const saved = JSON.parse(await readFile(file, 'utf8'));
    for (const order of saved.orders) for (const c of order.cancellations) delete c.initiatedBy;
    for (const effect of saved.ledger.effects) delete effect.external;
    await writeFile(file, JSON.stringify(saved));

    const second = await start(file);
    try {
      const initiator = async (id: string) =>
        (await second.graph.get(`/${id}/cancellations`, { fields: 'initiated_by' })).body.data[0].initiated_by;
      expect(await initiator(byBuyer!.id)).toBe('BUYER');
      expect(await initiator(bySeller!.id)).toBe('SELLER');
      const effects = (await second.admin.getLedger()).effects;
      expect(effects.length).toBeGreaterThan(0);
      for (const effect of effects) expect(effect.external).toBe(effect.origin !== 'api');
    } finally {
      await second.close();
    }
  });

  it('gives new orders ids never used before the restart', async () => {
    const file = newStateFile();
    const first = await start(file);
    const order = await first.admin.createOrder();
    await first.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: newKey() });
    await first.graph.post(`/${order.id}/shipments`, { idempotency_key: newKey(), tracking_info: TRACKING });
    const used = await allIds(first);
    await first.close();

    const second = await start(file);
    try {
      const fresh = await second.admin.createOrders({ count: 2, itemsPerOrder: 3 });
      for (const created of fresh) {
        for (const id of [created.id, ...created.items.map((item) => item.id)]) {
          expect(used.has(id), `id ${id} reused`).toBe(false);
          expect(BigInt(id) > BigInt(order.id)).toBe(true);
        }
      }
      // Newest first: the new orders sort before the restored one.
      const { body } = await second.graph.get(`/${second.cmsId}/commerce_orders`, {
        state: 'CREATED,IN_PROGRESS,COMPLETED',
      });
      expect(body.data.map((o: Json) => o.id)).toEqual([fresh[1]!.id, fresh[0]!.id, order.id]);
    } finally {
      await second.close();
    }
  });

  it('keeps the settings changed at run time, unless the start option itself changed', async () => {
    const file = newStateFile();
    const first = await start(file, { accessToken: 'start-token-1' });
    const waiting = await first.admin.createOrder();
    await first.graph.get(`/${waiting.id}`); // released (delay 0): CREATED
    await first.admin.setAccessToken('rotated-token-2');
    await first.admin.setReleaseDelay(5_000);
    await first.admin.setConnected(false);
    await first.close();
    expect(await readFile(file, 'utf8')).not.toContain('start-token-1');

    const second = await start(file, { accessToken: 'start-token-1' });
    try {
      expect((await second.graph.get(`/${waiting.id}`, {}, { token: 'rotated-token-2' })).status).toBe(200);
      expectGraphError(await second.graph.get(`/${waiting.id}`, {}, { token: 'start-token-1' }), 190, 463);
      expect(await second.admin.getSettings()).toMatchObject({ releaseDelayMs: 5_000, connected: false });
      expect((await second.admin.getOrder(waiting.id)).state).toBe('IN_PROGRESS');
    } finally {
      await second.close();
    }

    // The operator configured a new token: it wins over the one rotated in by the admin API.
    const third = await start(file, { accessToken: 'start-token-3' });
    try {
      expect(third.sandbox.persistence?.restored?.startOptionsWon).toEqual(['accessToken']);
      expect((await third.graph.get(`/${waiting.id}`, {}, { token: 'start-token-3' })).status).toBe(200);
      expect((await third.admin.getSettings()).releaseDelayMs).toBe(5_000);
    } finally {
      await third.close();
    }
  });

  it('saves within the interval after a change, so a crash loses little', async () => {
    const file = newStateFile();
    const running = await start(file, { stateSaveIntervalMs: 50 });
    try {
      const orders = await running.admin.createOrders({ count: 4 });
      await vi.waitFor(
        async () => {
          const saved = JSON.parse(await readFile(file, 'utf8')) as Json;
          expect(saved.orders).toHaveLength(4);
        },
        { timeout: 3_000, interval: 25 },
      );
      // What a crash would leave behind: the file as it is now, loaded by another sandbox.
      const crashCopy = join(dir, 'crash-copy.json');
      await copyFile(file, crashCopy);
      const recovered = await start(crashCopy);
      try {
        expect((await recovered.admin.listOrders()).map((o) => o.id)).toEqual(orders.map((o) => o.id));
      } finally {
        await recovered.close();
      }
    } finally {
      await running.close();
    }
  });

  it('lets the demo trickle go on with fresh ids after a reload', async () => {
    const file = newStateFile();
    const waitForOrders = async (t: TestSandbox, atLeast: number) => {
      await vi.waitFor(async () => expect((await t.admin.listOrders()).length).toBeGreaterThanOrEqual(atLeast), {
        timeout: 3_000,
        interval: 20,
      });
      return (await t.admin.listOrders()).map((o) => o.id);
    };
    const first = await start(file, { demo: { intervalMs: 20 } });
    await waitForOrders(first, 3);
    await first.close();
    const second = await start(file, { demo: { intervalMs: 20 } });
    try {
      const kept = second.sandbox.persistence!.restored!.orders;
      const ids = await waitForOrders(second, kept + 3);
      expect(new Set(ids).size).toBe(ids.length);
      const numeric = ids.map((id) => BigInt(id));
      expect(numeric).toEqual([...numeric].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    } finally {
      await second.close();
    }
  });

  describe('refuses a file it cannot take whole, naming the file and the field', () => {
    let valid: Json;
    beforeAll(async () => {
      const file = newStateFile();
      const t = await start(file);
      await t.admin.createOrders({ count: 2 });
      await t.close();
      valid = JSON.parse(await readFile(file, 'utf8'));
    });

    async function refusal(content: string): Promise<{ message: string; file: string }> {
      const file = newStateFile();
      await writeFile(file, content);
      const error = await start(file).then(
        async (t) => {
          await t.close();
          throw new Error('the sandbox started from a bad file');
        },
        (e: unknown) => e as Error,
      );
      // Refused before anything was saved: the file is as it was.
      expect(await readFile(file, 'utf8')).toBe(content);
      expect(error.message).toContain(file);
      return { message: error.message, file };
    }

    const damaged = (change: (copy: Json) => void) => {
      const copy = structuredClone(valid);
      change(copy);
      return JSON.stringify(copy);
    };

    it('not JSON', async () => {
      expect((await refusal('{"format": "meta-shops-sandbox-state", "vers')).message).toMatch(/not valid JSON/);
    });

    it('a foreign file', async () => {
      expect((await refusal(JSON.stringify({ orders: [] }))).message).toMatch(/not a sandbox state file/);
      expect((await refusal(damaged((c) => (c.version = 99)))).message).toMatch(/version 99 is not supported/);
    });

    it('a wrong field', async () => {
      expect((await refusal(damaged((c) => (c.orders[1].items[0].quantity = 'two')))).message).toMatch(
        /orders\.1\.items\.0\.quantity: /,
      );
      expect((await refusal(damaged((c) => (c.orders[0].shippingOption.priceMinor = 5)))).message).toMatch(
        /orders\.0\.shippingOption\.priceMinor: /,
      );
      expect((await refusal(damaged((c) => delete c.ledger))).message).toMatch(/ledger: /);
    });

    it('content that does not hold together', async () => {
      expect((await refusal(damaged((c) => (c.orders[1].id = c.orders[0].id)))).message).toMatch(
        /orders\.1\.id: id \d+ is used twice/,
      );
      expect((await refusal(damaged((c) => (c.lastId = 1)))).message).toMatch(/lastId: is below id/);
      expect((await refusal(damaged((c) => (c.cmsId = '999')))).message).toMatch(/cmsId: .*commerce account 999/);
    });
  });

  it('writes nothing without a stateFile', async () => {
    // Control: the spy sees a sandbox with a state file write it.
    written.paths.length = 0;
    const file = newStateFile();
    const kept = await start(file);
    await kept.admin.createOrder();
    await kept.close();
    expect(written.paths).toContain(file);

    written.paths.length = 0;
    const t = await start(undefined, { demo: { intervalMs: 10 } });
    expect(t.sandbox.persistence).toBeUndefined();
    const order = await t.admin.createOrder();
    await t.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: newKey() });
    await new Promise((resolve) => setTimeout(resolve, 60));
    await t.close();
    expect(written.paths).toEqual([]);
  });

  it('round-trips 2,000 orders quickly', async () => {
    const file = newStateFile();
    const first = await start(file);
    const orders = await first.admin.createOrders({ count: 2_000, itemsPerOrder: 2 });
    for (const order of orders.slice(0, 50))
      await first.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: newKey() });
    const listBefore = await first.admin.listOrders();
    await first.sandbox.persistence!.save();
    await first.close();

    const second = await start(file);
    try {
      expect(await second.admin.listOrders()).toEqual(listBefore);
      expect((await second.admin.getLedger()).effects.filter((e) => e.kind === 'acknowledge')).toHaveLength(50);
    } finally {
      await second.close();
    }
  });
});
