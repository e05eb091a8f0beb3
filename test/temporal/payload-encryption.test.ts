/**
 * Payload encryption on the real dev server: with keys configured, an order's history holds only
 * ciphertext (payloads and failure messages), the workflow still runs (an OMS refusal parks it and
 * `retry` resumes it), the typed client reads its state through the codec, a client without the
 * keys cannot, and the codec server the Web UI calls (`--ui-codec-endpoint`) decrypts the history's
 * payloads.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OmsInvalidInputError } from '../../src/api/oms-errors.js';
import type { OmsPort } from '../../src/api/oms-port.js';
import { orderWorkflowId } from '../../src/api/ids.js';
import { stateQuery } from '../../src/api/order-messages.js';
import { OrderNeedsAttentionError } from '../../src/client/index.js';
import { startCodecServer, type RunningCodecServer } from '../../src/codec/codec-server.js';
import { encryptionKeys, payloadEncryption } from '../../src/codec/index.js';
import type { ReferenceOms } from '../../src/oms/reference/index.js';
import { bundleOptionsFor, bundleWorkflows } from '../../src/wiring/bundle.js';
import { createOrderWorld, eventually, type OrderWorld } from './order-fixture.js';

const KEYS = `k2:${Buffer.alloc(32, 2).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}`;
const UI_ORIGIN = 'http://localhost:8233';
const CARRIER = 'UPS';
const TRACKING = '1ZENCRYPTED0001';
const ITEMS = [{ retailerId: 'SKU-SECRET-TEE', quantity: 1, pricePerUnit: '20.00', productName: 'Tee' }];

const encryption = payloadEncryption(encryptionKeys(KEYS));
let world: OrderWorld;
let codecServer: RunningCodecServer;
let bundleDir: string;
/** The OMS refuses the next shipment once, naming the order: a failure message that must not reach history in clear. */
let refuseNextShipment = true;

function refusingOms(oms: ReferenceOms): OmsPort {
  return new Proxy(oms, {
    get(target, property, receiver) {
      if (property === 'recordShipment') {
        return async (record: Parameters<OmsPort['recordShipment']>[0]) => {
          if (refuseNextShipment) {
            refuseNextShipment = false;
            throw new OmsInvalidInputError(`carrier not set up for order ${record.metaOrderId}`);
          }
          return target.recordShipment(record);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as OmsPort;
}

beforeAll(async () => {
  // The workflow code with the encrypting failure converter, as `npm run build` prebuilds it.
  const { code } = await bundleWorkflows(
    new DefaultLogger('WARN'),
    bundleOptionsFor({ traced: false, encryptedFailures: true }),
  );
  // The sandbox's failure converter is the encrypting one (workflow code's own failures are encoded too).
  expect(code).toContain('encodeCommonAttributes: true');
  bundleDir = mkdtempSync(join(tmpdir(), 'fb-orders-encrypted-bundle-'));
  writeFileSync(join(bundleDir, 'workflows.js'), code);
  world = await createOrderWorld({
    dataConverter: encryption.dataConverter,
    workflowBundlePath: join(bundleDir, 'workflows.js'),
    wrapOms: refusingOms,
  });
  codecServer = await startCodecServer({
    codec: encryption.codec,
    allowedOrigins: [UI_ORIGIN],
    host: '127.0.0.1',
    port: 0,
  });
});

afterAll(async () => {
  await codecServer?.close();
  await world?.close();
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

/**
 * Every payload in a history, except two kinds that are plain by design: search attributes (the
 * server indexes them) and the markers of patch() calls, which the SDK's core writes itself (their
 * payload is `{"id":"<patch name>","deprecated":false}`).
 */
function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (Array.isArray(value)) for (const item of value) payloadsIn(item, found);
  else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record.markerName === 'core_patch') return found;
    if (record.data instanceof Uint8Array && record.metadata !== null && typeof record.metadata === 'object') {
      found.push(record as Payload);
      return found;
    }
    for (const [key, item] of Object.entries(record)) if (key !== 'searchAttributes') payloadsIn(item, found);
  }
  return found;
}

/** Every failure in a history: what carries an application failure's info. */
function failuresIn(value: unknown, found: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(value)) for (const item of value) failuresIn(item, found);
  else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record.applicationFailureInfo) found.push(record);
    for (const item of Object.values(record)) failuresIn(item, found);
  }
  return found;
}

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('payload encryption', () => {
  let orderId: string;

  test('an order runs end to end with encryption on, an OMS refusal and a retry included', async () => {
    await world.oms.seedProducts(ITEMS.map((i) => ({ retailerId: i.retailerId, name: i.productName, onHand: 10 })));
    const [order] = await world.admin.createOrders({ count: 1, items: ITEMS, buyer: { name: 'Zoë Ångström' } });
    orderId = order!.id;
    await world.startOrder(orderId);
    await eventually(
      async () => ((await world.orders.getState(orderId)).phase === 'AWAITING_RELEASE' ? true : undefined),
      'reservation',
    );
    await world.admin.release([orderId]);
    await eventually(
      async () => ((await world.orders.getState(orderId)).phase === 'IN_PROGRESS' ? true : undefined),
      'acknowledgement',
    );

    // The OMS refuses the shipment record: the order parks, and the client reads why from its (encrypted) state.
    const ship = { requestId: 'ship-enc-1', carrier: CARRIER, trackingNumber: TRACKING };
    const parked = await world.orders
      .ship(orderId, ship, { stopOnAttention: { checkEveryMs: 200 } })
      .catch((e: unknown) => e);
    expect(parked).toBeInstanceOf(OrderNeedsAttentionError);
    expect((parked as OrderNeedsAttentionError).attention.reason).toContain(`carrier not set up for order ${orderId}`);

    await world.orders.retry(orderId, { requestId: 'retry-enc-1' });
    const outcome = await world.orders.ship(orderId, ship);
    expect(outcome.summary).toContain(`${CARRIER} ${TRACKING}`);
    const state = await eventually(async () => {
      const s = await world.orders.getState(orderId);
      return s.attention === undefined && s.metaState === 'COMPLETED' ? s : undefined;
    }, 'the shipment to complete the order');
    expect(state.shipments['ship-enc-1']).toMatchObject({ carrier: CARRIER, trackingNumber: TRACKING });
    expect((await world.oms.getOrder(orderId))?.shipments).toHaveLength(1);
  });

  test('its history holds only ciphertext: every payload binary/encrypted, failure messages encoded', async () => {
    const history = await world.harness.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
    const payloads = payloadsIn(history.events);
    expect(payloads.length).toBeGreaterThan(10);
    for (const payload of payloads) {
      expect(text(payload.metadata?.encoding)).toBe('binary/encrypted');
      expect(['k2']).toContain(text(payload.metadata?.['encryption-key-id']));
      const data = Buffer.from(payload.data!);
      for (const plain of [orderId, TRACKING, 'SKU-SECRET-TEE', 'carrier not set up'])
        expect(data.includes(plain), plain).toBe(false);
    }
    // The OMS refusal is in history as a failed activity, its message moved into an encrypted payload.
    const failures = failuresIn(history.events);
    expect(failures.length).toBeGreaterThanOrEqual(1);
    for (const failure of failures) {
      expect(failure.message).toBe('Encoded failure');
      expect(failure.stackTrace ?? '').toBe('');
      expect(text((failure.encodedAttributes as Payload).metadata?.encoding)).toBe('binary/encrypted');
    }
    // Nowhere in the events, outside the indexed search attributes and ids, is the failure's text.
    const events = JSON.stringify(history.events, (key, value: unknown) =>
      key === 'searchAttributes'
        ? undefined
        : value instanceof Uint8Array
          ? Buffer.from(value).toString('latin1')
          : value,
    );
    expect(events).not.toContain('carrier not set up');
    expect(events).not.toContain(TRACKING);
  });

  test('a client without the keys cannot read the state', async () => {
    const handle = world.harness.client.workflow.getHandle(orderWorkflowId(orderId));
    await expect(handle.query(stateQuery)).rejects.toThrow(/binary\/encrypted/);
  });

  test("the Web UI's codec endpoint decrypts the history's payloads (CORS for the UI's origin)", async () => {
    const history = await world.harness.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    const response = await request(`${codecServer.url}/decode`, {
      method: 'POST',
      headers: { origin: UI_ORIGIN, 'content-type': 'application/json', 'x-namespace': world.harness.namespace },
      body: JSON.stringify({
        payloads: [
          {
            metadata: Object.fromEntries(
              Object.entries(input.metadata!).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
            ),
            data: Buffer.from(input.data!).toString('base64'),
          },
        ],
      }),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    const body = (await response.body.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    const decoded: Payload = {
      metadata: Object.fromEntries(
        Object.entries(body.payloads[0]!.metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
      ),
      data: Buffer.from(body.payloads[0]!.data, 'base64'),
    };
    expect(text(decoded.metadata?.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decoded)).toMatchObject({ orderId, cmsId: world.cmsId });
  });
});
