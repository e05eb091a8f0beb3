import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxAdminClient, startSandbox } from '../../../sandbox/index.js';
import { newKey, startTestSandbox, type Json, type TestSandbox } from './helpers.js';

let t: TestSandbox | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('startSandbox', () => {
  it('validates options, binds 127.0.0.1 and reports a URL without a trailing slash', async () => {
    await expect(startSandbox({ port: -1 })).rejects.toThrow();
    await expect(startSandbox({ port: 0, rateLimit: { callsPerWindow: 0, windowMs: 1 } })).rejects.toThrow();
    t = await startTestSandbox();
    expect(t.sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(t.sandbox.port).toBeGreaterThan(0);
    expect(t.sandbox.options).toMatchObject({
      host: '127.0.0.1',
      accessToken: 'sandbox-token',
      cmsId: '1000000000000001',
      connected: true,
    });
    expect(await t.admin.health()).toEqual({ ok: true, url: t.sandbox.url });
  });

  it('closes cleanly even with a hung call outstanding', async () => {
    const sandbox = await startSandbox({ port: 0 });
    const admin = new SandboxAdminClient(sandbox.url);
    await admin.addFaultRule({ endpoint: 'commerce_orders', fault: 'timeout' });
    const hung = fetch(`${sandbox.url}/v22.0/${sandbox.options.cmsId}/commerce_orders`, {
      headers: { authorization: 'Bearer sandbox-token' },
    }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // A close that waited for the hung call would never return: the test's own timeout fails it.
    await sandbox.close();
    expect(await hung).toBeInstanceOf(Error);
  });
});

describe('admin API', () => {
  it('creates orders with given buyers, items and channels, and reports ids', async () => {
    t = await startTestSandbox({ releaseDelayMs: 60_000 });
    const orders = await t.admin.createOrders({
      count: 2,
      channel: 'instagram',
      buyer: { name: 'Ngozi Okonkwo-Adébáyọ̀', email: 'ngozi@marketplace.facebook.com', emailRemarketingOption: true },
      items: [{ retailerId: 'SKU-Q', quantity: 2, pricePerUnit: '12.00', productName: 'Quilt' }],
      shippingAddress: { street1: '1 Main St', city: 'Lagos', postalCode: '100001', country: 'NG' },
    });
    expect(orders).toHaveLength(2);
    expect(orders[0]).toMatchObject({
      state: 'FB_PROCESSING',
      channel: 'instagram',
      items: [{ retailerId: 'SKU-Q', quantity: 2 }],
    });
    expect(orders[0]!.items[0]!.productId).toBe(orders[1]!.items[0]!.productId);
    await t.admin.release([orders[0]!.id]);
    const read = await t.graph.get(`/${orders[0]!.id}`, { fields: 'buyer_details,shipping_address,channel' });
    expect(read.body.buyer_details).toEqual({
      name: 'Ngozi Okonkwo-Adébáyọ̀',
      email: 'ngozi@marketplace.facebook.com',
      email_remarketing_option: true,
    });
    expect(read.body.shipping_address).toMatchObject({ name: 'Ngozi Okonkwo-Adébáyọ̀', city: 'Lagos', country: 'NG' });
    expect((await t.admin.getOrder(orders[1]!.id)).state).toBe('FB_PROCESSING');
    expect(await t.admin.release()).toEqual([orders[1]!.id]);
  });

  it('changes the release delay, clock and rate limit at run time, and reset restores the start options', async () => {
    t = await startTestSandbox({ releaseDelayMs: 5_000 });
    await t.admin.setReleaseDelay(1_000);
    const order = await t.admin.createOrder();
    expect(Date.parse(order.releaseAt!) - Date.parse(order.createdAt)).toBe(1_000);
    const clock = await t.admin.advanceClock(1_000);
    expect(clock.offsetMs).toBe(1_000);
    expect((await t.admin.getOrder(order.id)).state).toBe('CREATED');
    await t.admin.updateSettings({ rateLimit: { callsPerWindow: 1, windowMs: 60_000 } });
    await t.graph.get(`/${t.cmsId}/commerce_orders`);
    expect((await t.graph.get(`/${t.cmsId}/commerce_orders`)).status).toBe(400);
    expect((await t.admin.getRateLimit()).callCountPct).toBe(100);
    await t.admin.setAccessToken('other');
    await t.admin.addFaultRule({ endpoint: '*', fault: 'server_error', times: 5 });
    const settings = await t.admin.reset();
    expect(settings).toMatchObject({
      releaseDelayMs: 5_000,
      clockOffsetMs: 0,
      orders: 0,
      idempotencyKeys: 0,
      rateLimit: { callsPerWindow: 20_000 },
    });
    expect(JSON.stringify(settings)).not.toContain('sandbox-token');
    expect((await t.graph.get(`/${t.cmsId}/commerce_orders`)).status).toBe(200);
    const ledger = await t.admin.getLedger();
    expect(ledger.calls.total).toBe(1);
    expect(ledger.effects).toEqual([]);
  });

  it('records connect and disconnect, and the per-order ledger filter', async () => {
    t = await startTestSandbox();
    const [a, b] = await t.admin.createOrders({ count: 2 });
    await t.graph.post(`/${a!.id}/acknowledge_order`, { idempotency_key: newKey() });
    await t.admin.setConnected(false);
    await t.admin.setConnected(true);
    const all = await t.admin.getLedger();
    expect(all.effects.map((e) => `${e.kind}:${e.origin}`)).toEqual([
      'release:platform',
      'release:platform',
      'acknowledge:api',
      'auto_acknowledge:commerce_manager',
      'disconnect:commerce_manager',
      'connect:commerce_manager',
    ]);
    const onlyB = await t.admin.getLedger(b!.id);
    expect(Object.keys(onlyB.orders)).toEqual([b!.id]);
    expect(onlyB.effects.map((e) => e.kind)).toEqual(['release', 'auto_acknowledge']);
  });
});

describe('demo trickle', () => {
  it('creates orders on both channels with Unicode buyer names', async () => {
    t = await startTestSandbox({ demo: { intervalMs: 20, itemsPerOrder: 2 } });
    const sandbox = t;
    const list = async (): Promise<Json[]> =>
      (
        await sandbox.graph.get(`/${sandbox.cmsId}/commerce_orders`, {
          fields: 'channel,buyer_details{name},items{id}',
          limit: 100,
        })
      ).body.data;
    // The trickle's timer runs in this process: on a loaded machine a fixed pause may see fewer ticks,
    // so read until four orders are there (or a generous deadline passes).
    let orders = await list();
    const deadline = Date.now() + 30_000;
    while (orders.length < 4 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      orders = await list();
    }
    expect(orders.length).toBeGreaterThanOrEqual(4);
    expect(new Set(orders.map((o) => o.channel))).toEqual(new Set(['facebook', 'instagram']));
    expect(orders.some((o) => [...String(o.buyer_details.name)].some((char) => char.codePointAt(0)! > 127))).toBe(true);
    expect(orders.every((o) => o.items.data.length === 2)).toBe(true);
  });
});

describe('npm run sandbox (sandbox/main.ts)', () => {
  it('starts from env vars, prints the URL without secrets, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts'], {
      env: {
        ...process.env,
        SANDBOX_PORT: '0',
        SANDBOX_ACCESS_TOKEN: 'very-secret-token',
        SANDBOX_APP_SECRET: 'very-secret-app',
        SANDBOX_RELEASE_DELAY_MS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Generous: tsx compiles sandbox/ before it listens, slow on a machine busy with other tests.
    const deadline = Date.now() + 60_000;
    while (!/listening on (http:\/\/\S+)/.test(output) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    expect(url, output).toBeDefined();
    const settings = await new SandboxAdminClient(url!).getSettings();
    expect(settings).toMatchObject({ appSecretRequired: true, releaseDelayMs: 0 });
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output).not.toContain('very-secret');
    expect(output).toContain('sandbox stopping (SIGTERM)');
  }, 90_000);
});
