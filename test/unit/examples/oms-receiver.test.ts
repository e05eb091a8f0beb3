/**
 * examples/oms-receiver.ts, driven by the real HTTP adapter (HttpOms) the worker uses: every event
 * type, the two replies, dedupe on the event id, and the refusals (bad, stale or unknown-key
 * signatures, invalid data); a rotation where the worker moves to a new key while the receiver takes both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { HttpOms, OMS_EVENT_TYPES, OmsHttpError, signOmsBody } from '../../../src/oms/http/index.js';
import { startOmsReceiver, ToyOms } from '../../../examples/oms-receiver.js';
import { line, newOrderId, pendingOrder, recordOrderLife } from '../oms/fixtures.js';

const SECRET = 'example-receiver-secret-0123456789';
const OLD_SECRET = 'the-previous-secret-still-accepted';
const KEYS = { '2025-01': SECRET, '2024-07': OLD_SECRET };
let receiver: Awaited<ReturnType<typeof startOmsReceiver>>;
let oms: ToyOms;

beforeAll(async () => {
  oms = new ToyOms();
  oms.stock.set('MUG', 1);
  oms.stock.set('TEE', 5);
  receiver = await startOmsReceiver({ signatures: { keys: KEYS }, oms });
});
afterAll(() => receiver.close());

const adapter = (keyId = '2025-01', secret = SECRET) =>
  new HttpOms({ url: receiver.url, keyId, secret, timeoutMs: 5_000 });
const post = (body: string, signature: string) =>
  request(receiver.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-oms-signature': signature },
    body,
  });
const someEvent = () =>
  JSON.stringify({
    id: '6f1f7f8e-7a6c-5d3e-9b1a-0c2d3e4f5a6b',
    type: 'order.mark_processing',
    occurredAt: new Date().toISOString(),
    data: { metaOrderId: '1' },
  });

describe('the example OMS receiver', () => {
  it('takes every event the adapter sends and answers the two that expect a reply', async () => {
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
    expect(merchantOrderReference).toMatch(/^TOY-\d{6}$/);
    await recordOrderLife(http, orderId, 'MUG');

    expect(oms.orders.get(orderId)).toEqual({
      reference: merchantOrderReference,
      status: 'completed',
      // Every order event after the creation, in the order recordOrderLife sends them.
      events: OMS_EVENT_TYPES.filter((type) => !type.startsWith('inventory.') && type !== 'order.create_pending'),
    });
    // The release gave the held units back.
    expect(oms.stock.get('MUG')).toBe(1);
  });

  it('answers a repeated event (same id) as the first time and applies it once', async () => {
    const http = adapter();
    const orderId = newOrderId();
    const lines = [{ retailerId: 'TEE', quantity: 2 }];
    const before = oms.stock.get('TEE')!;
    const first = await http.reserveInventory(orderId, lines);
    const again = await http.reserveInventory(orderId, lines); // a retried activity: same event id
    expect(again).toEqual(first);
    expect(oms.stock.get('TEE')).toBe(before - 2);
  });

  it('refuses a wrong secret or an unknown key id with 401, which the adapter does not retry', async () => {
    for (const [keyId, secret] of [
      ['2025-01', 'not-the-shared-secret-at-all'],
      ['2023-01', SECRET],
    ]) {
      const error = await adapter(keyId, secret)
        .markProcessing(newOrderId())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OmsHttpError);
      expect((error as OmsHttpError).status).toBe(401);
      expect((error as OmsHttpError).retryable).toBe(false);
    }
  });

  it('takes the old and the new key during a rotation: the worker switches key ids without a refusal', async () => {
    const orderId = newOrderId();
    const lines = [{ retailerId: 'TEE', quantity: 1 }];
    await expect(adapter('2024-07', OLD_SECRET).reserveInventory(orderId, lines)).resolves.toMatchObject({
      reserved: true,
    });
    await expect(adapter().createPendingOrder(pendingOrder(orderId, [line('i1', 'TEE', 1)]))).resolves.toMatchObject({
      merchantOrderReference: expect.stringMatching(/^TOY-/),
    });
  });

  it('refuses a captured request replayed after the tolerance, and says why', async () => {
    const body = someEvent();
    const sixMinutesAgo = Date.now() - 6 * 60_000;
    const replayed = await post(body, signOmsBody(body, { keyId: '2025-01', secret: SECRET }, sixMinutesAgo));
    expect(replayed.statusCode).toBe(401);
    expect(await replayed.body.json()).toEqual({ error: 'bad signature (outside_tolerance)' });
    const unsigned = await post(body, '');
    expect(unsigned.statusCode).toBe(401);
    expect(await unsigned.body.json()).toEqual({ error: 'bad signature (malformed)' });
  });

  it('refuses a signed event whose data breaks its schema with 422, and a non-event with 400', async () => {
    const signed = (body: string) => post(body, signOmsBody(body, { keyId: '2025-01', secret: SECRET }));
    const invalid = JSON.stringify({
      id: '6f1f7f8e-7a6c-5d3e-9b1a-0c2d3e4f5a6b',
      type: 'inventory.reserve',
      occurredAt: new Date().toISOString(),
      data: { metaOrderId: '1', lines: [{ retailerId: 'MUG', quantity: 0 }] },
    });
    const refused = await signed(invalid);
    expect(refused.statusCode).toBe(422);
    expect(await refused.body.json()).toEqual({ error: 'invalid inventory.reserve data at lines.0.quantity' });
    const notAnEvent = await signed(JSON.stringify({ hello: 'world' }));
    expect(notAnEvent.statusCode).toBe(400);
    await notAnEvent.body.dump();
  });
});
