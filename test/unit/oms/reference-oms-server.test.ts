/**
 * The reference OMS server (src/oms/server), driven by the worker's own HTTP adapter: every event
 * applied to the reference OMS and read back over the read API, the two replies, repeats answered
 * as the first time, and the refusals the adapter must treat as final.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { HttpOms, OMS_SIGNATURE_HEADER, OmsHttpError, signOmsBody } from '../../../src/oms/http/index.js';
import { ReferenceOms } from '../../../src/oms/reference/index.js';
import { ReferenceOmsClient, startReferenceOmsServer, type RunningOmsServer } from '../../../src/oms/server/index.js';
import { line, newOrderId, pendingOrder, recordOrderLife } from './fixtures.js';

const SECRET = 'reference-oms-server-secret-0123456789';
let oms: ReferenceOms;
let server: RunningOmsServer;
let client: ReferenceOmsClient;
const logged: string[] = [];

beforeAll(async () => {
  oms = await ReferenceOms.open();
  server = await startReferenceOmsServer({ oms, secret: SECRET, log: (l) => logged.push(l) });
  client = new ReferenceOmsClient(server.url, SECRET);
  await client.seedProducts([
    { retailerId: 'MUG', name: 'Mug', onHand: 1 },
    { retailerId: 'TEE', name: 'Tee', onHand: 5 },
  ]);
}, 60_000);
afterAll(async () => {
  await server?.close();
  await oms?.close();
});

const adapter = (secret = SECRET) => new HttpOms({ url: server.eventsUrl, secret, keyId: '1', timeoutMs: 5_000 });

describe('the reference OMS server', () => {
  it('applies every event the adapter sends and answers the two that expect a reply', async () => {
    const http = adapter();
    const orderId = newOrderId();
    expect(
      await http.reserveInventory(orderId, [
        { retailerId: 'MUG', quantity: 2 },
        { retailerId: 'TEE', quantity: 1 },
      ]),
    ).toEqual({ reserved: false, shortages: [{ retailerId: 'MUG', quantity: 1 }] });
    const { merchantOrderReference } = await http.createPendingOrder(
      pendingOrder(orderId, [line('i1', 'MUG', 2), line('i2', 'TEE', 1)]),
    );
    expect(merchantOrderReference).toMatch(/^OMS-\d+$/);
    await recordOrderLife(http, orderId, 'MUG');

    // Read back over the read API: the same records the in-process reference OMS would hold.
    const order = await client.getOrder(orderId);
    expect(order).toMatchObject({ merchantOrderReference, status: 'completed' });
    expect(order!.shipments.map((s) => [s.requestId, s.carrier, s.trackingNumber])).toEqual([['s1', 'DHL', 'JD0123']]);
    expect(order!.cancellations.map((c) => c.requestId)).toEqual(['c1']);
    expect(order!.refunds.map((r) => r.requestId)).toEqual(['r1']);
    expect(order!.returns.map((r) => r.status)).toEqual(['REQUESTED']);
    expect(await client.getOrder(orderId)).toEqual(await oms.getOrder(orderId));
    expect(await client.orderBooks(orderId)).toEqual(await oms.orderBooks(orderId));
    expect(await client.reservation(orderId)).toEqual(await oms.reservation(orderId));
    expect((await client.events(orderId)).map((e) => e.kind)).toEqual(
      expect.arrayContaining(['external.refunded', 'ops.notification']),
    );
    expect((await client.listOrders({ status: 'completed' })).map((o) => o.metaOrderId)).toContain(orderId);
    expect(await client.inventory('MUG')).toMatchObject({ onHand: 0 });
    expect(await client.progress([orderId, 'no-such-order'])).toEqual({
      reserved: 1,
      processing: 0,
      lastProcessingAt: undefined,
    });
    expect(await client.getOrder('no-such-order')).toBeUndefined();
  });

  it('answers a repeated event (same id) as the first time and applies it once', async () => {
    const http = adapter();
    const orderId = newOrderId();
    const lines = [{ retailerId: 'TEE', quantity: 2 }];
    const before = (await client.inventory('TEE'))!.available;
    const first = await http.reserveInventory(orderId, lines);
    expect(await http.reserveInventory(orderId, lines)).toEqual(first);
    expect((await client.inventory('TEE'))!.available).toBe(before - 2);
    const order = pendingOrder(orderId, [line('i1', 'TEE', 2)]);
    const created = await http.createPendingOrder(order);
    expect(await http.createPendingOrder(order)).toEqual(created);
  });

  it("turns the OMS's refusals into final 4xx answers, and a bad signature into 401", async () => {
    const http = adapter();
    const orderId = newOrderId();
    await http.createPendingOrder(pendingOrder(orderId, [line('i1', 'TEE', 1)]));
    const shipment = { metaOrderId: orderId, requestId: 'same', carrier: 'UPS', trackingNumber: '1Z' };
    await http.recordShipment({ ...shipment, items: [{ retailerId: 'TEE', quantity: 1 }] });
    const final = async (call: Promise<unknown>, status: number) => {
      const error = await call.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OmsHttpError);
      expect((error as OmsHttpError).status).toBe(status);
      expect((error as OmsHttpError).retryable).toBe(false);
    };
    // Same request id, other data: an idempotency conflict.
    await final(
      http.recordShipment({ ...shipment, items: [{ retailerId: 'TEE', quantity: 1 }], trackingNumber: 'OTHER' }),
      409,
    );
    // A SKU not on the order: invalid input only the OMS can judge.
    await final(
      http.recordCancellation({
        metaOrderId: orderId,
        requestId: 'c1',
        items: [{ retailerId: 'NOT-ON-ORDER', quantity: 1 }],
        reasonCode: 'OTHER',
        restock: true,
        origin: 'merchant',
      }),
      422,
    );
    await final(http.markProcessing(newOrderId()), 404);
    await final(adapter('not-the-shared-secret-at-all').markProcessing(orderId), 401);
    expect(logged).toEqual([]);
  });

  it('refuses signed data that breaks its schema with 422, and reads without the bearer token with 401', async () => {
    const body = JSON.stringify({
      id: '6f1f7f8e-7a6c-5d3e-9b1a-0c2d3e4f5a6b',
      type: 'inventory.reserve',
      occurredAt: new Date().toISOString(),
      data: { metaOrderId: '1', lines: [{ retailerId: 'MUG', quantity: 0 }] },
    });
    const refused = await request(server.eventsUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [OMS_SIGNATURE_HEADER]: signOmsBody(body, { keyId: '1', secret: SECRET }),
      },
      body,
    });
    expect(refused.statusCode).toBe(422);
    expect(await refused.body.json()).toEqual({ error: 'invalid inventory.reserve data at lines.0.quantity' });
    const anonymous = await request(`${server.url}/oms/orders`);
    expect(anonymous.statusCode).toBe(401);
    await anonymous.body.dump();
    await expect(new ReferenceOmsClient(server.url, 'wrong-secret-0123456789').listOrders()).rejects.toThrow(
      /HTTP 401/,
    );
  });
});
