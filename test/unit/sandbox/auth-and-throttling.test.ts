import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { expectGraphError, newKey, startTestSandbox, type GraphResponse, type TestSandbox } from './helpers.js';

let t: TestSandbox | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function businessUsage(response: GraphResponse, businessId: string) {
  const header = response.headers['x-business-use-case-usage'];
  expect(typeof header).toBe('string');
  const parsed = JSON.parse(header as string) as Record<
    string,
    {
      type: string;
      call_count: number;
      total_cputime: number;
      total_time: number;
      estimated_time_to_regain_access: number;
    }[]
  >;
  const [entry] = parsed[businessId]!;
  return entry!;
}

describe('access token', () => {
  it('accepts the token as a Bearer header or as access_token, and refuses wrong or missing ones with 190', async () => {
    t = await startTestSandbox({ accessToken: 'page-token-1' });
    const path = `/${t.cmsId}/commerce_orders`;
    expect((await t.graph.get(path)).status).toBe(200);
    expect((await t.graph.get(path, {}, { tokenAsParam: true })).status).toBe(200);
    expect(
      (
        await t.graph.post(
          `/${t.cmsId}/order_management_apps`,
          { idempotency_key: newKey() },
          { tokenAsParam: true, encoding: 'form' },
        )
      ).status,
    ).toBe(200);

    const missing = await t.graph.get(path, {}, { token: null });
    expect(missing.status).toBe(400);
    expectGraphError(missing, 190);
    const wrongParam = await t.graph.get(path, {}, { token: 'nope', tokenAsParam: true });
    expect(wrongParam.status).toBe(400);
    expect(expectGraphError(wrongParam, 190).type).toBe('OAuthException');
    const wrongHeader = await t.graph.get(path, {}, { token: 'nope' });
    expect(wrongHeader.status).toBe(401);
    expect(wrongHeader.headers['www-authenticate']).toMatch(/invalid_token/);
    expectGraphError(wrongHeader, 190);
    expectGraphError(await t.graph.raw('GET', `/v22.0${path}`, { authorization: 'Basic abc' }), 190);
    // The token never appears in an answer.
    expect(JSON.stringify(wrongParam.body)).not.toContain('nope');
  });

  it('treats a rotated-out token as expired (190/463) and accepts the new one', async () => {
    t = await startTestSandbox();
    const path = `/${t.cmsId}/commerce_orders`;
    await t.admin.setAccessToken('rotated-token');
    expectGraphError(await t.graph.get(path), 190, 463);
    expect((await t.graph.get(path, {}, { token: 'rotated-token' })).status).toBe(200);
    const ledger = await t.admin.getLedger();
    expect(ledger.errors.byCode['190']).toBe(1);
  });

  it('requires a valid appsecret_proof when an app secret is set', async () => {
    t = await startTestSandbox({ accessToken: 'tok', appSecret: 'shh-secret' });
    const path = `/${t.cmsId}/commerce_orders`;
    const proof = createHmac('sha256', 'shh-secret').update('tok').digest('hex');
    expect((await t.graph.get(path, { appsecret_proof: proof })).status).toBe(200);
    expect((await t.graph.get(path, { appsecret_proof: proof }, { tokenAsParam: true })).status).toBe(200);
    const order = await t.admin.createOrder();
    expect(
      (await t.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: newKey(), appsecret_proof: proof }))
        .status,
    ).toBe(200);
    const missing = expectGraphError(await t.graph.get(path), 100);
    expect(missing.message).toMatch(/appsecret_proof/);
    expectGraphError(await t.graph.get(path, { appsecret_proof: 'ab'.repeat(32) }), 100);
    expect(JSON.stringify((await t.graph.get(path, { appsecret_proof: 'x' })).body)).not.toContain('shh-secret');
    // Turning the secret off at run time.
    await t.admin.updateSettings({ appSecret: null });
    expect((await t.graph.get(path)).status).toBe(200);
  });
});

describe('rate limiting', () => {
  it('sends usage headers on every answer and throttles past the budget with 80001', async () => {
    t = await startTestSandbox({ rateLimit: { callsPerWindow: 4, windowMs: 3 * 60_000 + 30_000 } });
    const path = `/${t.cmsId}/commerce_orders`;
    const first = await t.graph.get(path);
    expect(businessUsage(first, t.sandbox.options.businessId)).toEqual({
      type: 'pages',
      call_count: 25,
      total_cputime: 25,
      total_time: 25,
      estimated_time_to_regain_access: 0,
    });
    expect(JSON.parse(first.headers['x-app-usage'] as string)).toEqual({
      call_count: 25,
      total_cputime: 25,
      total_time: 25,
    });
    await t.graph.get(path);
    await t.graph.get(path);
    const fourth = await t.graph.get(path);
    expect(fourth.status).toBe(200);
    expect(businessUsage(fourth, t.sandbox.options.businessId).call_count).toBe(100);

    const throttled = await t.graph.get(path);
    expect(throttled.status).toBe(400);
    const error = expectGraphError(throttled, 80001);
    expect(error.type).toBe('OAuthException');
    expect(error.is_transient).toBe(false);
    // 3.5 minutes until the first call leaves the window, rounded down.
    expect(businessUsage(throttled, t.sandbox.options.businessId).estimated_time_to_regain_access).toBe(3);
    const order = await t.admin.createOrder();
    const throttledWrite = await t.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: newKey() });
    expectGraphError(throttledWrite, 80001);
    expect((await t.admin.getOrder(order.id)).state).toBe('CREATED');

    const ledger = await t.admin.getLedger();
    expect(ledger.throttled.total).toBe(2);
    expect(ledger.calls.byEndpoint['GET commerce_orders']).toBe(5);
    expect(ledger.calls.byEndpoint['POST acknowledge_order']).toBe(1);
    expect(ledger.errors.byCode['80001']).toBe(2);
  });

  it('regains access when calls leave the sliding window', async () => {
    t = await startTestSandbox({ rateLimit: { callsPerWindow: 2, windowMs: 400 } });
    const path = `/${t.cmsId}/commerce_orders`;
    await t.graph.get(path);
    await t.graph.get(path);
    const throttled = await t.graph.get(path);
    expectGraphError(throttled, 80001);
    // A sub-minute wait reports 0 (rounded down).
    expect(businessUsage(throttled, t.sandbox.options.businessId).estimated_time_to_regain_access).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await t.graph.get(path)).status).toBe(200);
  });

  it('throttle bursts: the next N calls, or every call for a duration', async () => {
    t = await startTestSandbox();
    const path = `/${t.cmsId}/commerce_orders`;
    await t.admin.throttle({ calls: 2 });
    const burst = await t.graph.get(path);
    expectGraphError(burst, 80001);
    expect(businessUsage(burst, t.sandbox.options.businessId).call_count).toBeGreaterThanOrEqual(100);
    expectGraphError(await t.graph.get(path), 80001);
    expect((await t.graph.get(path)).status).toBe(200);

    await t.admin.throttle({ durationMs: 150_000 });
    const timed = await t.graph.get(path);
    expectGraphError(timed, 80001);
    expect(businessUsage(timed, t.sandbox.options.businessId).estimated_time_to_regain_access).toBe(2);
    await t.admin.clearFaults();
    expect((await t.graph.get(path)).status).toBe(200);
    const ledger = await t.admin.getLedger();
    expect(ledger.throttled.total).toBe(3);
    expect(ledger.faultsInjected.byKind.throttle).toBe(3);
  });
});
