/**
 * Intake that never dies: the access token expires (Meta answers code 190), the poller and the ack
 * batcher pause with the cause visible (their status, `fb-orders intake`, the FbNeedsAttention
 * search attribute, an ops notice, the intake health gauge), then the token is fixed and both
 * resume by themselves: the released orders are acknowledged in bulk, as if nothing had happened.
 * `poll-now` resumes a paused poller at once, without waiting out its backoff.
 */
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { ackBatcherStatusQuery, ackRequestsSignal } from '../../src/api/ack-batcher-messages.js';
import { pollerStatusQuery } from '../../src/api/poller-messages.js';
import { FB_NEEDS_ATTENTION } from '../../src/api/search-attributes.js';
import { runCli } from '../../src/cli/run.js';
import { startIntake, type IntakeOptions } from '../../src/intake/start-intake.js';
import { countWith } from '../../src/observability/order-phase-gauge.js';
import { IntakeHealthGauge } from '../../src/observability/intake-health.js';
import { METRIC } from '../../src/observability/metric-names.js';
import type { OrderPolicyOverrides } from '../../src/order/policy.js';
import { ackBatcherWorkflowId, orderPollerWorkflowId } from '../../src/api/ids.js';
import { captureIo } from '../unit/cli/fixtures.js';
import { RecordingMeter } from '../unit/observability/recording-meter.js';
import {
  createOrderWorld,
  eventually,
  FAST_POLICY,
  recordHistory,
  SANDBOX_TOKEN,
  type OrderWorld,
} from './order-fixture.js';

/** Orders wait for intake: no timer of their own reads Meta during the test. */
const WAITING: OrderPolicyOverrides = {
  ...FAST_POLICY,
  releaseRefresh: { initialMs: 600_000, factor: 2, maxMs: 600_000 },
  refreshIntervalMs: 600_000,
  ackBatchTimeoutMs: 600_000,
};

let world: OrderWorld;
beforeAll(async () => {
  world = await createOrderWorld();
  await world.oms.seedProducts([{ retailerId: 'SKU-TOKEN', name: 'Token item', onHand: 1_000 }]);
});
afterAll(async () => {
  for (const id of [orderPollerWorkflowId(world.cmsId), ackBatcherWorkflowId(world.cmsId)])
    await world?.harness.client.workflow
      .getHandle(id)
      .terminate('test done')
      .catch(() => undefined);
  await world?.close();
});

function intake(overrides: Partial<IntakeOptions> = {}) {
  return startIntake(world.harness.client, {
    cmsId: world.cmsId,
    taskQueue: world.taskQueue,
    graphTaskQueue: world.graphTaskQueue,
    ackMode: 'bulk',
    pollIntervalMs: 600_000,
    ackFlushAfterMs: 300,
    orderPolicy: WAITING as Record<string, unknown>,
    initialLookbackSeconds: 3_600,
    ...overrides,
  });
}

const poller = () => world.harness.client.workflow.getHandle(orderPollerWorkflowId(world.cmsId));
const batcher = () => world.harness.client.workflow.getHandle(ackBatcherWorkflowId(world.cmsId));
const pollerStatus = () => poller().query(pollerStatusQuery);
const flagged = async (handle: ReturnType<typeof poller>) =>
  (await handle.describe()).typedSearchAttributes.get(FB_NEEDS_ATTENTION);

/** `fb-orders <args>` in this process, configured like an operator's shell. */
async function fbOrders(args: string[]) {
  const io = captureIo({
    env: {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      META_CMS_ID: world.cmsId,
      META_GRAPH_URL: world.sandbox.url,
      META_ACCESS_TOKEN: SANDBOX_TOKEN,
    },
  });
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

/** The intake health gauge's values, counted from visibility now. */
async function intakeHealth(): Promise<{ healthy?: number; paused?: number }> {
  const meter = new RecordingMeter();
  await new IntakeHealthGauge({
    count: countWith(world.harness.client),
    meter,
    logger: new DefaultLogger('ERROR'),
  }).refresh();
  const last = (name: string) => meter.observations.filter((o) => o.name === name).at(-1)?.value;
  return { healthy: last(METRIC.intakeHealthy), paused: last(METRIC.intakeNeedingAttention) };
}

test('a token expiry pauses the poller and the ack batcher with a visible cause; a token fix resumes both by themselves', async () => {
  await intake({ attentionBackoff: { initialMs: 1_000, maxMs: 3_000 } });
  const created = await world.admin.createOrders({
    count: 5,
    items: [{ retailerId: 'SKU-TOKEN', quantity: 1, pricePerUnit: '8.00' }],
  });
  const ids = created.map((o) => o.id);
  // The first poll starts every order's workflow in FB_PROCESSING.
  await eventually(
    async () => ((await world.oms.reservationCount(ids)) === ids.length ? true : undefined),
    'five reservations',
  );
  await world.admin.release(ids);

  // The token rotates away from the one the worker has: Meta now answers 190 "Session has expired".
  await world.admin.setAccessToken('a-token-the-worker-does-not-have');
  expect((await fbOrders(['poll-now'])).code).toBe(0);
  // The orders had been handed to the batcher just before (as the poller does): its batch fails too.
  await batcher().signal(
    ackRequestsSignal,
    ids.map((orderId) => ({ orderId, channel: 'facebook' as const })),
  );

  const paused = await eventually(async () => {
    const [p, b] = await Promise.all([pollerStatus(), batcher().query(ackBatcherStatusQuery)]);
    return p.attention && b.attention ? { poller: p, batcher: b } : undefined;
  }, 'the poller and the batcher paused');
  for (const attention of [paused.poller.attention!, paused.batcher.attention!]) {
    expect(attention.errorType).toBe('GraphAuthError');
    expect(attention.reason).toMatch(/Session has expired/);
  }
  expect(paused.batcher.waiting).toBe(5); // kept, not sent to acknowledge alone
  expect(await flagged(poller())).toBe(true);
  expect(await flagged(batcher())).toBe(true);
  // The operator sees why...
  const shown = await fbOrders(['intake']);
  expect(shown.code).toBe(1);
  expect(shown.out).toMatch(/^ {2}PAUSED since \S+: .*Session has expired.* \(GraphAuthError; \d+ failed attempts\)$/m);
  expect(shown.out).toContain('resumes by itself once Meta accepts its calls again');
  // ...ops were told, once per workflow, through the OMS (an activity that runs just after the
  // status shows the pause, so wait for both notices)...
  const pausedNotices = async () =>
    (await world.oms.events()).filter(
      (e) => e.kind === 'ops.notification' && e.detail.includes(`commerce account ${world.cmsId} paused`),
    );
  const sender = (notice: { detail: string }) => notice.detail.split(' of commerce account')[0];
  const notices = await eventually(async () => {
    const found = await pausedNotices();
    const senders = found.map(sender);
    return senders.includes('ack batcher') && senders.includes('order poller') ? found : undefined;
  }, 'the ops notices of both pauses');
  expect(notices.map(sender).sort()).toEqual(['ack batcher', 'order poller']);
  expect(notices.every((n) => n.metaOrderId === undefined || n.metaOrderId === null)).toBe(true);
  // ...and the metric says intake is not healthy.
  await eventually(async () => ((await intakeHealth()).healthy === 0 ? true : undefined), 'fb_intake_healthy 0');
  // Nothing was acknowledged, and no order went alone.
  const before = await world.admin.getLedger();
  expect(ids.flatMap((id) => (before.orders[id] ?? []).filter((e) => e.kind === 'acknowledge'))).toEqual([]);

  // The token is fixed (the worker's token is the accepted one again): no restart, no command.
  await world.admin.setAccessToken(SANDBOX_TOKEN);
  const resumed = await eventually(async () => {
    const [p, b] = await Promise.all([pollerStatus(), batcher().query(ackBatcherStatusQuery)]);
    return !p.attention && !b.attention && p.lastSucceededAt ? { poller: p, batcher: b } : undefined;
  }, 'the poller and the batcher resumed');
  expect(resumed.batcher.thisRun.acknowledged).toBeGreaterThanOrEqual(5);
  await eventually(async () => {
    const states = await Promise.all(ids.map((id) => world.orders.getState(id)));
    return states.every((s) => s.phase === 'IN_PROGRESS') ? true : undefined;
  }, 'five orders acknowledged');
  const after = await world.admin.getLedger();
  for (const id of ids) expect((after.orders[id] ?? []).filter((e) => e.kind === 'acknowledge')).toHaveLength(1);
  expect(
    (after.calls.byEndpoint['POST acknowledge_order'] ?? 0) - (before.calls.byEndpoint['POST acknowledge_order'] ?? 0),
  ).toBe(0);
  expect(await flagged(poller())).toBe(false);
  expect(await flagged(batcher())).toBe(false);
  expect((await fbOrders(['intake'])).code).toBe(0);
  await eventually(
    async () => ((await intakeHealth()).paused === 0 ? true : undefined),
    'fb_intake_needing_attention 0',
  );
  // `npm run record-histories`: a pause and a resume of each, for the replay test.
  if (process.env.RECORD_HISTORIES) {
    await recordHistory(world, orderPollerWorkflowId(world.cmsId), 'intake-poller-paused');
    await recordHistory(world, ackBatcherWorkflowId(world.cmsId), 'intake-ack-batcher-paused');
  }
});

test('poll-now retries a paused poller at once instead of waiting out its backoff', async () => {
  await poller().terminate('test: a poller with a long backoff');
  await intake({ attentionBackoff: { initialMs: 600_000, maxMs: 600_000 } });
  await eventually(async () => ((await pollerStatus()).lastSucceededAt ? true : undefined), 'a first poll');
  await world.admin.setAccessToken('expired-again');
  try {
    expect((await fbOrders(['poll-now'])).code).toBe(0);
    const paused = await eventually(async () => (await pollerStatus()).attention, 'the poller paused');
    expect(Date.parse(paused.nextAttemptAt) - Date.parse(paused.since)).toBeGreaterThanOrEqual(600_000);
  } finally {
    await world.admin.setAccessToken(SANDBOX_TOKEN);
  }
  expect((await fbOrders(['poll-now'])).code).toBe(0);
  // Well inside the ten-minute backoff: only poll-now can have woken it.
  await eventually(async () => ((await pollerStatus()).attention ? undefined : true), 'the poller resumed', 60_000);
  expect(await flagged(poller())).toBe(false);
});
