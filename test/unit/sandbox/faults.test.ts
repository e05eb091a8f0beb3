import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectGraphError, newKey, startTestSandbox, type TestSandbox } from './helpers.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await t.admin.reset();
});

describe('fault injection', () => {
  it('server_error rules answer code 2 / is_transient with the given status and apply nothing', async () => {
    const order = await t.admin.createOrder();
    await t.admin.addFaultRule({ endpoint: 'acknowledge_order', fault: 'server_error', times: 2, status: 503 });
    const key = newKey();
    for (let i = 0; i < 2; i += 1) {
      const response = await t.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: key });
      expect(response.status).toBe(503);
      expect(expectGraphError(response, 2).is_transient).toBe(true);
    }
    expect((await t.admin.getOrder(order.id)).state).toBe('CREATED');
    expect((await t.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: key })).status).toBe(200);
    const ledger = await t.admin.getLedger();
    expect(ledger.faultsInjected.byKind.server_error).toBe(2);
    expect(ledger.replays.total).toBe(0);
    expect((await t.admin.getFaults()).rules).toEqual([]);
  });

  it('rules target endpoints, methods and objects; latency rules add delay', async () => {
    const [a, b] = await t.admin.createOrders({ count: 2 });
    await t.admin.setFaults({
      rules: [
        { endpoint: 'order', fault: 'server_error', objectId: b!.id },
        { endpoint: 'commerce_orders', fault: 'latency', latencyMs: 250 },
      ],
    });
    expect((await t.graph.get(`/${a!.id}`)).status).toBe(200);
    expect((await t.graph.get(`/${b!.id}`)).status).toBe(500);
    expect((await t.graph.get(`/${b!.id}`)).status).toBe(200);
    const started = Date.now();
    expect((await t.graph.get(`/${t.cmsId}/commerce_orders`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    const state = await t.admin.getFaults();
    expect(state.rules).toEqual([]);
  });

  it('a rule with method GET on shipments hits the read, not the write', async () => {
    const order = await t.admin.createOrder();
    await t.admin.addFaultRule({ endpoint: 'shipments', method: 'GET', fault: 'server_error', times: 1 });
    expect((await t.graph.get(`/${order.id}/shipments`)).status).toBe(500);
    expect((await t.graph.get(`/${order.id}/shipments`)).status).toBe(200);
  });

  it('random server errors follow the configured rate, reproducibly with a seed', async () => {
    const run = async () => {
      await t.admin.reset();
      await t.admin.replaceFaults({ serverErrorRate: 0.3, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 60; i += 1) statuses.push((await t.graph.get(`/${t.cmsId}/commerce_orders`)).status);
      return statuses;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    const failures = first.filter((status) => status >= 500).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(35);
    expect(first.every((status) => status === 200 || status === 500 || status === 503)).toBe(true);
    expect((await t.admin.getLedger()).faultsInjected.byKind.server_error).toBe(failures);
  });

  it('random lost responses still apply each effect exactly once across retries', async () => {
    const orders = await t.admin.createOrders({ count: 20 });
    await t.admin.setFaults({ lostResponseRate: 0.5, seed: 7 });
    let lost = 0;
    for (const order of orders) {
      const key = newKey();
      for (;;) {
        try {
          const response = await t.graph.post(`/${order.id}/acknowledge_order`, { idempotency_key: key });
          expect(response.status).toBe(200);
          break;
        } catch {
          lost += 1;
        }
      }
    }
    const ledger = await t.admin.getLedger();
    expect(lost).toBeGreaterThan(0);
    expect(ledger.faultsInjected.byKind.lost_response).toBe(lost);
    for (const order of orders)
      expect(ledger.orders[order.id]!.filter((e) => e.kind === 'acknowledge')).toHaveLength(1);
    expect(ledger.replays.total).toBeGreaterThan(0);
  });

  it('takes faults from the start options too', async () => {
    const other = await startTestSandbox({
      faults: { latencyMs: 120, rules: [{ endpoint: 'commerce_orders', fault: 'server_error', status: 503 }] },
    });
    try {
      const started = Date.now();
      const first = await other.graph.get(`/${other.cmsId}/commerce_orders`);
      expect(first.status).toBe(503);
      expect(Date.now() - started).toBeGreaterThanOrEqual(110);
      expect((await other.graph.get(`/${other.cmsId}/commerce_orders`)).status).toBe(200);
      expect((await other.admin.getFaults()).latencyMs).toBe(120);
      expect((await other.admin.getLedger()).faultsInjected.byKind).toEqual({ latency: 2, server_error: 1 });
    } finally {
      await other.close();
    }
  });

  it('rejects malformed fault configuration', async () => {
    await expect(t.admin.setFaults({ serverErrorRate: 2 })).rejects.toMatchObject({ status: 400 });
    await expect(t.admin.addFaultRule({ endpoint: 'nope' as 'order', fault: 'timeout' })).rejects.toMatchObject({
      status: 400,
    });
  });
});
