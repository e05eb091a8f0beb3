/**
 * The sandbox judged by Meta's own client. Every scenario (scenarios.ts: every endpoint and edge
 * the product uses) runs twice on a freshly reset sandbox: once through Meta's official Node.js
 * Business SDK (`facebook-nodejs-business-sdk`, its typed methods or its generic AbstractCrudObject
 * calls, so the encoding on the wire is the SDK's), once through the product's GraphClient. The
 * two runs must match exchange for exchange (request parameters, status, answer, Graph's headers)
 * and effect for effect in the sandbox's ledger: the two clients are interchangeable against it.
 *
 * Nothing leaves the machine: the SDK talks to a loopback recording proxy in front of the sandbox,
 * its crash reporter is off, and a guard on its HTTP client refuses (and records) any other host.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxAdminClient, startSandbox, type RunningSandbox } from '../../../../sandbox/index.js';
import { MetaSdkClient, ProductClient, type ConformanceClient } from './clients.js';
import { loadMetaSdk, rowData, type MetaSdk } from './meta-sdk.js';
import { normalizeRun, unknownTraceIds, type NormalizedRun } from './normalize.js';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.js';
import { SCENARIOS, type ScenarioContext } from './scenarios.js';

const TOKEN = 'EAAconformance-page-token';
/** The SDK version this suite pins (package.json, exact); the report names it. */
const PINNED_SDK_VERSION = '24.0.1';

let sandbox: RunningSandbox;
let admin: SandboxAdminClient;
let proxy: RecordingProxy;
let sdk: MetaSdk;
const uncaughtHooksBefore = process.listenerCount('uncaughtException');

beforeAll(async () => {
  // 400 calls an hour: each call moves the usage headers (0.25 %), so they are compared too.
  sandbox = await startSandbox({
    port: 0,
    accessToken: TOKEN,
    releaseDelayMs: 0,
    rateLimit: { callsPerWindow: 400, windowMs: 3_600_000 },
  });
  admin = new SandboxAdminClient(sandbox.url);
  proxy = await startRecordingProxy(sandbox.url);
  sdk = loadMetaSdk(proxy.url, TOKEN);
});

afterAll(async () => {
  sdk?.restore();
  await proxy?.close();
  await sandbox?.close();
});

interface Run {
  client: ConformanceClient;
  normalized: NormalizedRun;
  unknownTraces: string[];
}

async function runWith(client: ConformanceClient, scenario: (ctx: ScenarioContext) => Promise<void>): Promise<Run> {
  await admin.reset();
  proxy.take();
  try {
    await scenario({
      client,
      admin,
      cmsId: sandbox.options.cmsId,
      businessId: sandbox.options.businessId,
      key: () => randomUUID(),
    });
    const exchanges = proxy.take();
    return {
      client,
      normalized: normalizeRun(exchanges, await admin.getLedger(), client),
      unknownTraces: unknownTraceIds(exchanges, client),
    };
  } finally {
    await client.close();
  }
}

describe("Meta's Node.js SDK and the product's GraphClient get the same answers from the sandbox", () => {
  it(`uses the pinned SDK (${PINNED_SDK_VERSION}), Graph ${'v24.0'}`, () => {
    expect(sdk.version).toBe(PINNED_SDK_VERSION);
    expect(sdk.graphVersion).toBe('v24.0');
  });

  it.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))('%s', async (_name, scenario) => {
    const meta = await runWith(new MetaSdkClient(sdk), (ctx) => scenario.run(ctx));
    const product = await runWith(new ProductClient(proxy.url, sdk.graphVersion, TOKEN), (ctx) => scenario.run(ctx));
    for (const run of [meta, product]) {
      expect(run.normalized.wire.length, run.client.name).toBeGreaterThan(0);
      expect(run.unknownTraces, `${run.client.name}: trace ids the sandbox never sent`).toEqual([]);
    }
    const [sdkWire, productWire] = [meta.normalized.wire, product.normalized.wire];
    expect(productWire.map((e) => e.call)).toEqual(sdkWire.map((e) => e.call));
    sdkWire.forEach((exchange, i) => expect(productWire[i], `exchange ${i}: ${exchange.call}`).toEqual(exchange));
    expect(product.normalized.ledger).toEqual(meta.normalized.ledger);
    expect(product.normalized.transcript).toEqual(meta.normalized.transcript);
  });
});

describe("Meta's SDK on its own", () => {
  it('follows its cursor with summary=true: total_count on every page, through paging.next as given', async () => {
    await admin.reset();
    await admin.createOrders({ count: 12, releaseDelayMs: 0 });
    const cursor = await sdk.merchantSettings(sandbox.options.cmsId).getCommerceOrders(['id', 'order_status'], {
      state: 'CREATED',
      limit: 5,
      summary: true,
    });
    const seen = cursor.map((order) => rowData(order).id);
    const totals = [cursor.summary?.total_count];
    while (cursor.hasNext()) {
      await cursor.next();
      seen.push(...cursor.map((order) => rowData(order).id));
      totals.push(cursor.summary?.total_count);
    }
    expect(new Set(seen).size).toBe(12);
    expect(totals).toEqual([12, 12, 12]);
  });

  it('a wrong token: code 190 and a trace id, HTTP 400 as a parameter (the SDK) and 401 as a header (the product)', async () => {
    await admin.reset();
    const wrongSdk = new MetaSdkClient(sdk.withAccessToken('EAAwrong-token'));
    const wrongProduct = new ProductClient(proxy.url, sdk.graphVersion, 'EAAwrong-token');
    const fromSdk = await wrongSdk.listOrders(sandbox.options.cmsId, {});
    const fromProduct = await wrongProduct.listOrders(sandbox.options.cmsId, {});
    await wrongProduct.close();
    expect(fromSdk).toMatchObject({ ok: false, error: { status: 400, code: 190, type: 'OAuthException' } });
    expect(fromProduct).toMatchObject({ ok: false, error: { status: 401, code: 190, type: 'OAuthException' } });
    for (const outcome of [fromSdk, fromProduct]) {
      expect(!outcome.ok && outcome.error.fbtraceId).toMatch(/^[A-Za-z0-9_-]{10,}$/);
    }
  });

  it('reached nothing but the local proxy, and never hooked its crash reporter', () => {
    expect(sdk.refused).toEqual([]);
    expect(process.listenerCount('uncaughtException')).toBe(uncaughtHooksBefore);
  });
});
