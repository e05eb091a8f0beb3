/**
 * The worker's observability as installed: the real Temporal Runtime with our logger and the SDK's
 * Prometheus exporter, scraped over real HTTP. Our metrics must appear there in the Prometheus
 * text format next to the SDK's, and SDK-routed log entries must come out as redacted JSON lines.
 * (One Runtime per process: this file installs it once for all its tests.)
 */
import { createServer } from 'node:net';
import { Runtime } from '@temporalio/worker';
import { MockAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphClient } from '../../../src/graph/client.js';
import { METRIC } from '../../../src/observability/metric-names.js';
import { OrderPhaseGauge, runningInPhaseQuery } from '../../../src/observability/order-phase-gauge.js';
import {
  installObservability,
  observabilityRuntimeOptions,
  observeGraphClient,
  type Observability,
} from '../../../src/observability/telemetry-runtime.js';

const TOKEN = 'EAAmetricsTestToken0001';
const ORIGIN = 'https://graph.example.test';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition format 0.0.4: `name{a="b",c="d"} value`, comments start with #. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const m of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { samples, types };
}

let port: number;
let obs: Observability;
const lines: string[] = [];

async function scrape(): Promise<{ status: number; contentType: string | null; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

/** The exporter publishes asynchronously: poll until `ready` holds (at most 10 s). */
async function scrapeUntil(
  ready: (parsed: ReturnType<typeof parseExposition>) => boolean,
): Promise<ReturnType<typeof parseExposition>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const parsed = parseExposition((await scrape()).text);
    if (ready(parsed) || Date.now() > deadline) return parsed;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

beforeAll(async () => {
  port = await freePort();
  obs = installObservability(
    {
      LOG_LEVEL: 'info',
      METRICS_PORT: port,
      METRICS_HOST: '127.0.0.1',
      META_ACCESS_TOKEN: TOKEN,
      META_APP_SECRET: 'metrics-app-secret',
      OMS_WEBHOOK_SECRET: undefined,
    },
    { env: {}, write: (line) => lines.push(line) },
  );
});

afterAll(async () => {
  await Runtime.instance().shutdown();
});

describe('observabilityRuntimeOptions', () => {
  it('forwards core logs to our logger and binds the Prometheus exporter to METRICS_HOST:METRICS_PORT; 0 turns metrics off', () => {
    const settings = {
      LOG_LEVEL: 'debug',
      METRICS_PORT: 9464,
      METRICS_HOST: '127.0.0.1',
      META_ACCESS_TOKEN: 't',
      META_APP_SECRET: undefined,
      OMS_WEBHOOK_SECRET: undefined,
    } as const;
    const options = observabilityRuntimeOptions(settings, obs.logger);
    expect(options.logger).toBe(obs.logger);
    expect(options.telemetryOptions?.logging).toEqual({ forward: {}, filter: { core: 'DEBUG', other: 'WARN' } });
    expect(options.telemetryOptions?.metrics).toMatchObject({ prometheus: { bindAddress: '127.0.0.1:9464' } });
    for (const [host, bindAddress] of [
      ['0.0.0.0', '0.0.0.0:9464'],
      ['::', '[::]:9464'],
    ]) {
      expect(
        observabilityRuntimeOptions({ ...settings, METRICS_HOST: host! }, obs.logger).telemetryOptions?.metrics,
      ).toMatchObject({ prometheus: { bindAddress } });
    }
    expect(
      observabilityRuntimeOptions({ ...settings, METRICS_PORT: 0 }, obs.logger).telemetryOptions?.metrics,
    ).toBeUndefined();
  });
});

describe('the /metrics endpoint', () => {
  it('serves our Graph and order metrics in the Prometheus text format', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get(ORIGIN);
    const order = {
      id: '42',
      order_status: { state: 'CREATED' },
      created: '2019-01-14T19:17:31+00:00',
      last_updated: '2019-01-14T19:47:35+00:00',
    };
    pool
      .intercept({ method: 'GET', path: (p: string) => p.startsWith('/v22.0/42') })
      .reply(200, JSON.stringify(order), {
        headers: { 'content-type': 'application/json', 'x-app-usage': '{"call_count":64.5}' },
      });
    pool
      .intercept({ method: 'GET', path: (p: string) => p.startsWith('/v22.0/42') })
      .reply(400, JSON.stringify({ error: { message: 'Application request limit reached', code: 4 } }), {
        headers: { 'content-type': 'application/json' },
      });
    const graph = observeGraphClient(
      new GraphClient({ baseUrl: ORIGIN, apiVersion: 'v22.0', accessToken: TOKEN, dispatcher: agent }),
    );
    await graph.getOrder('42');
    await graph.getOrder('42').catch(() => undefined);
    await agent.close();

    const gauge = new OrderPhaseGauge({
      count: async (q) => (q === runningInPhaseQuery('IN_PROGRESS') ? 3 : 0),
      meter: obs.meter,
      logger: obs.logger,
    });
    await gauge.refresh();

    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.contentType).toMatch(/^text\/plain/);

    const { samples, types } = await scrapeUntil(
      (p) => find(p.samples, METRIC.ordersRunning, { phase: 'IN_PROGRESS' }) !== undefined,
    );
    expect(types.get(METRIC.graphCalls)).toBe('counter');
    expect(types.get(METRIC.graphThrottled)).toBe('counter');
    expect(types.get(METRIC.graphUsagePercent)).toBe('gauge');
    expect(types.get(METRIC.graphCallDuration)).toBe('histogram');
    expect(types.get(METRIC.ordersRunning)).toBe('gauge');

    expect(find(samples, METRIC.graphCalls, { endpoint: 'GET /{order-id}', outcome: 'ok' })?.value).toBe(1);
    expect(find(samples, METRIC.graphCalls, { endpoint: 'GET /{order-id}', outcome: 'throttled' })?.value).toBe(1);
    expect(find(samples, METRIC.graphThrottled, { endpoint: 'GET /{order-id}' })?.value).toBe(1);
    expect(find(samples, METRIC.graphUsagePercent)?.value).toBe(64.5);
    expect(find(samples, `${METRIC.graphCallDuration}_count`, { endpoint: 'GET /{order-id}' })?.value).toBe(2);
    // Our bucket bounds (seconds) replace the SDK's defaults (milliseconds-sized).
    const bounds = samples.filter((s) => s.name === `${METRIC.graphCallDuration}_bucket`).map((s) => s.labels.le);
    expect(bounds).toEqual(expect.arrayContaining(['0.025', '0.1', '1', '60', '+Inf']));
    expect(find(samples, METRIC.ordersRunning, { phase: 'IN_PROGRESS' })?.value).toBe(3);
    expect(find(samples, METRIC.ordersRunning, { phase: 'CLOSED' })?.value).toBe(0);
    expect(find(samples, METRIC.ordersNeedingAttention)?.value).toBe(0);
  });
});

describe('the Runtime logger', () => {
  it('turns SDK-routed entries into redacted JSON lines with the order id', async () => {
    Runtime.instance().logger.warn(`Activity failed: GET ?access_token=${TOKEN}`, {
      sdkComponent: 'activity',
      workflowId: 'fb-order-310000000000042',
      activityType: 'shipItems',
      taskToken: 'Cg5zZWNyZXQtdGFzay10b2tlbg==',
    });
    // The runtime buffers entries ~100 ms to order them with core's.
    const deadline = Date.now() + 5_000;
    let line: Record<string, unknown> | undefined;
    while (!line && Date.now() < deadline) {
      line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.activityType === 'shipItems');
      if (!line) await new Promise((r) => setTimeout(r, 50));
    }
    expect(line).toMatchObject({
      level: 'warn',
      orderId: '310000000000042',
      sdkComponent: 'activity',
      taskToken: '[REDACTED]',
    });
    expect(String(line?.msg)).toContain('access_token=[REDACTED]');
    expect(lines.join('\n')).not.toContain(TOKEN);
    expect(lines.every((l) => typeof JSON.parse(l) === 'object')).toBe(true);
  });
});
