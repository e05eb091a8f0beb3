/**
 * The Graph call recorder: a real GraphClient (undici MockAgent answers as Meta would) wrapped by
 * instrumentGraphClient; each outcome must come from the client's own error classification.
 */
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GraphClient, type GraphEndpoint } from '../../../src/graph/client.js';
import { GraphError, GraphInputError, GraphResponseError, type GraphErrorKind } from '../../../src/graph/errors.js';
import {
  classifyGraphOutcome,
  GraphMetrics,
  instrumentGraphClient,
  type GraphCallOutcome,
  type GraphCallRecorder,
} from '../../../src/observability/graph-instrumentation.js';
import { METRIC } from '../../../src/observability/metric-names.js';
import { RecordingMeter } from './recording-meter.js';

const ORIGIN = 'https://graph.example.test';

class Calls implements GraphCallRecorder {
  readonly calls: { endpoint: GraphEndpoint; outcome: GraphCallOutcome; seconds: number }[] = [];
  readonly usage: number[] = [];
  recordCall(endpoint: GraphEndpoint, outcome: GraphCallOutcome, seconds: number): void {
    this.calls.push({ endpoint, outcome, seconds });
  }
  recordUsagePercent(percent: number): void {
    this.usage.push(percent);
  }
}

let agent: MockAgent;
beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => {
  await agent.close();
});

function reply(
  method: string,
  path: string,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  agent
    .get(ORIGIN)
    .intercept({ method, path: (p: string) => p.startsWith(path) })
    .reply(status, typeof body === 'string' ? body : JSON.stringify(body), {
      headers: { 'content-type': 'application/json', ...headers },
    });
}

const order = (id: string) => ({
  id,
  order_status: { state: 'CREATED' },
  created: '2019-01-14T19:17:31+00:00',
  last_updated: '2019-01-14T19:47:35+00:00',
});
const metaError = (code: number, subcode?: number, message = 'error') => ({
  error: { message, type: 'OAuthException', code, error_subcode: subcode, fbtrace_id: 'trace' },
});

function observed(recorder: GraphCallRecorder): GraphClient {
  const client = new GraphClient({
    baseUrl: ORIGIN,
    apiVersion: 'v22.0',
    accessToken: 'token-for-tests',
    dispatcher: agent,
    timeoutMs: 2_000,
  });
  return instrumentGraphClient(client, recorder);
}

async function settle(promise: Promise<unknown>): Promise<void> {
  await promise.catch(() => undefined);
}

describe('classifyGraphOutcome', () => {
  it('names every GraphError kind, the two other client errors, and anything else', () => {
    const kinds: Record<GraphErrorKind, GraphCallOutcome> = {
      throttled: 'throttled',
      transient: 'transient',
      auth: 'auth',
      permission: 'permission',
      validation: 'validation',
      notFound: 'not_found',
      conflict: 'conflict',
      unknown: 'unknown',
    };
    for (const [kind, outcome] of Object.entries(kinds) as [GraphErrorKind, GraphCallOutcome][]) {
      expect(classifyGraphOutcome(new GraphError('x', { kind, endpoint: 'GET /{order-id}' }))).toBe(outcome);
    }
    expect(classifyGraphOutcome(new GraphResponseError('bad body', 'GET /{order-id}', 'id', 200))).toBe(
      'invalid_response',
    );
    expect(classifyGraphOutcome(new GraphInputError('bad id', 'GET /{order-id}'))).toBe('invalid_input');
    expect(classifyGraphOutcome(new TypeError('bug'))).toBe('error');
  });
});

describe('instrumentGraphClient', () => {
  it('records a successful call with its endpoint, a duration, and the usage Meta reported', async () => {
    const recorder = new Calls();
    reply('GET', '/v22.0/42', 200, order('42'), { 'x-app-usage': JSON.stringify({ call_count: 87, total_time: 12 }) });
    const result = await observed(recorder).getOrder('42');
    expect(result.id).toBe('42');
    expect(recorder.calls).toEqual([{ endpoint: 'GET /{order-id}', outcome: 'ok', seconds: expect.any(Number) }]);
    expect(recorder.calls[0]!.seconds).toBeGreaterThanOrEqual(0);
    expect(recorder.usage).toEqual([87]);
  });

  it("classifies Meta's answers the way the client does, and rethrows the original error", async () => {
    const recorder = new Calls();
    const client = observed(recorder);
    const cases: [number, unknown, GraphCallOutcome][] = [
      [400, metaError(4, undefined, 'Application request limit reached'), 'throttled'],
      [400, metaError(80014), 'throttled'],
      [429, '', 'throttled'],
      [503, metaError(2), 'transient'],
      [401, metaError(190, 463, 'Error validating access token'), 'auth'],
      [403, metaError(200), 'permission'],
      [400, metaError(100, undefined, 'Invalid parameter'), 'validation'],
      [400, metaError(100, 33, 'Unsupported get request'), 'not_found'],
    ];
    for (const [status, body] of cases) reply('POST', '/v22.0/42/shipments', status, body);
    for (const [, , expected] of cases) {
      const error = await client
        .createShipment('42', {
          idempotencyKey: '5b3c3f42-0f6e-5d3a-9f43-7a0e1c0e2f11',
          items: [{ retailerId: 'SKU', quantity: 1 }],
          trackingInfo: { carrier: 'UPS', trackingNumber: '1Z' },
        })
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(error).toBeInstanceOf(GraphError);
      expect(classifyGraphOutcome(error)).toBe(expected);
    }
    expect(recorder.calls.map((c) => c.outcome)).toEqual(cases.map((c) => c[2]));
    expect(new Set(recorder.calls.map((c) => c.endpoint))).toEqual(new Set(['POST /{order-id}/shipments']));
  });

  it('records a contract break and a refused argument without confusing them with Meta errors', async () => {
    const recorder = new Calls();
    const client = observed(recorder);
    reply('GET', '/v22.0/42', 200, { id: 42 });
    await settle(client.getOrder('42'));
    await settle(client.getOrder('not an id'));
    expect(recorder.calls.map((c) => [c.endpoint, c.outcome])).toEqual([
      ['GET /{order-id}', 'invalid_response'],
      ['GET /{order-id}', 'invalid_input'],
    ]);
  });

  it('counts each fetched page of listOrders once, and nothing for the end of the iteration', async () => {
    const recorder = new Calls();
    const client = observed(recorder);
    reply('GET', '/v22.0/1000/commerce_orders', 200, {
      data: [order('1')],
      paging: { cursors: { after: 'c1' }, next: `${ORIGIN}/v22.0/1000/commerce_orders?after=c1` },
    });
    reply('GET', '/v22.0/1000/commerce_orders', 200, { data: [order('2')], paging: { cursors: { after: 'c2' } } });
    const ids: string[] = [];
    for await (const page of client.listOrders('1000')) ids.push(...page.orders.map((o) => o.id));
    expect(ids).toEqual(['1', '2']);
    expect(recorder.calls.map((c) => [c.endpoint, c.outcome])).toEqual([
      ['GET /{cms-id}/commerce_orders', 'ok'],
      ['GET /{cms-id}/commerce_orders', 'ok'],
    ]);
  });

  it('records a page that fails, with its class', async () => {
    const recorder = new Calls();
    reply('GET', '/v22.0/1000/commerce_orders', 400, metaError(17, undefined, 'User request limit reached'));
    const pages = observed(recorder).listOrders('1000');
    await expect(pages.next()).rejects.toBeInstanceOf(GraphError);
    expect(recorder.calls.map((c) => c.outcome)).toEqual(['throttled']);
  });

  it('passes the other members through untouched', async () => {
    const recorder = new Calls();
    const client = observed(recorder);
    expect(client.maxUsagePercent()).toBe(0);
    expect(client.redact('access_token=abc')).toBe('access_token=[REDACTED]');
    expect(client.usage()).toEqual({ businesses: {}, app: undefined, page: undefined });
    await client.close();
    expect(recorder.calls).toEqual([]);
  });
});

describe('GraphMetrics', () => {
  it('counts calls by endpoint and outcome, throttled calls apart, durations and the usage gauge', () => {
    const meter = new RecordingMeter();
    const metrics = new GraphMetrics(meter);
    metrics.recordCall('GET /{order-id}', 'ok', 0.12);
    metrics.recordCall('GET /{order-id}', 'throttled', 0.05);
    metrics.recordCall('POST /{order-id}/shipments', 'throttled', 0.2);
    metrics.recordCall('POST /{order-id}/shipments', 'auth', 0.3);
    metrics.recordUsagePercent(91.5);
    expect(meter.total(METRIC.graphCalls, { endpoint: 'GET /{order-id}' })).toBe(2);
    expect(meter.total(METRIC.graphCalls, { outcome: 'throttled' })).toBe(2);
    expect(meter.total(METRIC.graphCalls, { endpoint: 'POST /{order-id}/shipments', outcome: 'auth' })).toBe(1);
    expect(meter.total(METRIC.graphThrottled)).toBe(2);
    expect(meter.total(METRIC.graphThrottled, { endpoint: 'POST /{order-id}/shipments' })).toBe(1);
    expect(meter.matching(METRIC.graphCallDuration).map((o) => o.value)).toEqual([0.12, 0.05, 0.2, 0.3]);
    expect(meter.last(METRIC.graphUsagePercent)).toBe(91.5);
  });
});
