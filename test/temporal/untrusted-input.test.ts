/**
 * Hostile and broken input, sent the way anyone with access to the namespace can: the `temporal`
 * CLI and a raw client, past the typed client's own checks. Each leaves the workflow healthy (no
 * WorkflowTaskFailed in its history) with its state intact, and moves nothing it should not:
 *   - malformed internal signals (orderUpdated, ackResult, requestAck, requestAcks) are dropped
 *     and counted;
 *   - a well-formed forged orderUpdated neither ships nor completes anything (Meta is read first);
 *   - megabyte command signals are refused with short records, and the order still continues as new;
 *   - a megabyte Update is refused before history with a short message.
 */
import { temporal as proto } from '@temporalio/proto';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { resolveTemporalCli } from '../../src/dev-tools/temporal-cli.js';
import { ackBatcherStatusQuery } from '../../src/api/ack-batcher-messages.js';
import type { OrderSnapshot, OrderWorkflowState } from '../../src/api/order-state.js';
import type { AckBatcherInput } from '../../src/intake/ack-batcher-workflow.js';
import type { OrderPolicyOverrides } from '../../src/order/policy.js';
import { intakeTaskQueue } from '../../src/wiring/workers.js';
import { ackBatcherWorkflowId, orderWorkflowId } from '../../src/api/ids.js';
import { createOrderWorld, eventually, FAST_POLICY, recordHistory, type OrderWorld } from './order-fixture.js';

/** Quiet orders: they refresh only when told, so every change in their state comes from what a test sends. */
const QUIET: OrderPolicyOverrides = { ...FAST_POLICY, refreshIntervalMs: 600_000, ackBatchTimeoutMs: 120_000 };
const MEGABYTE = 'X'.repeat(1_500_000);

let world: OrderWorld;
let cliPath: string;
let workDir: string;
/** For reading histories that hold megabyte signals (past gRPC's default 4 MB message limit). */
let bigReads: Connection;
let historyReader: Client;
beforeAll(async () => {
  world = await createOrderWorld();
  bigReads = await Connection.connect({
    address: inject('temporalAddress'),
    channelArgs: { 'grpc.max_receive_message_length': 64 * 2 ** 20 },
  });
  historyReader = new Client({ connection: bigReads, namespace: inject('temporalNamespace') });
  await world.oms.seedProducts([{ retailerId: 'SKU-HOSTILE', name: 'Hostile item', onHand: 1_000 }]);
  const cli = await resolveTemporalCli();
  if (cli.source === 'sdk download') throw new Error('these tests need the temporal CLI (TEMPORAL_CLI_PATH)');
  cliPath = cli.path;
  workDir = mkdtempSync(join(tmpdir(), 'fb-orders-hostile-'));
});
afterAll(async () => {
  await world?.harness.client.workflow
    .getHandle(ackBatcherWorkflowId(world.cmsId))
    .terminate('test done')
    .catch(() => undefined);
  await bigReads?.close();
  await world?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** `temporal workflow <args>` against the run's dev server; resolves with its exit code and output. */
function temporal(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      cliPath,
      ['workflow', ...args, '--address', inject('temporalAddress'), '--namespace', inject('temporalNamespace')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function signalWithCli(workflowId: string, name: string, input: string): Promise<void> {
  const result = await temporal(['signal', '--workflow-id', workflowId, '--name', name, '--input', input]);
  expect(result.code, result.stderr).toBe(0);
}

async function acknowledgedOrder(overrides: OrderPolicyOverrides = {}): Promise<string> {
  const [order] = await world.admin.createOrders({
    count: 1,
    items: [{ retailerId: 'SKU-HOSTILE', quantity: 2, pricePerUnit: '9.00' }],
    channel: 'facebook',
  });
  const orderId = order!.id;
  await world.startOrder(orderId, { policy: { ...QUIET, ...overrides } });
  await inPhase(orderId, 'AWAITING_RELEASE');
  await world.admin.release([orderId]);
  await inPhase(orderId, 'IN_PROGRESS');
  return orderId;
}

function inPhase(orderId: string, phase: OrderWorkflowState['phase']): Promise<OrderWorkflowState> {
  return eventually(async () => {
    const state = await world.orders.getState(orderId);
    return state.phase === phase ? state : undefined;
  }, `order ${orderId} in ${phase}`);
}

const { WorkflowTaskFailedCause } = proto.api.enums.v1;
const SERVER_MADE_TASK_FAILURES = new Set<number>([
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
]);

/** Every run of the workflow so far: no workflow task failed. */
async function expectNoFailedTasks(workflowId: string): Promise<void> {
  for await (const run of world.harness.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const { events } = await historyReader.workflow.getHandle(workflowId, run.runId).fetchHistory();
    // Two failures the server makes, not our code: UNHANDLED_COMMAND turns down a completion (here:
    // continue-as-new) because a signal arrived meanwhile; FORCE_CLOSE_COMMAND ends a task in flight
    // because signals buffered behind it passed the server's size limit (2 MB: these are 1.8 MB
    // each). The worker runs the task again with the signals.
    const failed = (events ?? [])
      .map((e) => e.workflowTaskFailedEventAttributes)
      .filter((failure) => failure && !SERVER_MADE_TASK_FAILURES.has(failure.cause ?? 0))
      .map((failure) => `cause ${failure!.cause}: ${failure!.failure?.message}`);
    expect(failed, workflowId).toEqual([]);
  }
}

/** How often the order has scheduled an activity of this type. */
async function scheduled(orderId: string, activity: string): Promise<number> {
  const { events } = await world.harness.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
  return (events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity).length;
}

describe('malformed internal signals are dropped, counted and logged', () => {
  test('orderUpdated with items "oops", with null, with a megabyte; ackResult of nothing: the order carries on', async () => {
    const orderId = await acknowledgedOrder();
    const workflowId = orderWorkflowId(orderId);
    const before = await world.orders.getState(orderId);
    const now = new Date().toISOString();
    await signalWithCli(
      workflowId,
      'orderUpdated',
      JSON.stringify({
        state: 'IN_PROGRESS',
        lastUpdated: now,
        snapshot: { id: orderId, state: 'IN_PROGRESS', created: now, lastUpdated: now, items: 'oops' },
      }),
    );
    await signalWithCli(workflowId, 'orderUpdated', 'null');
    await signalWithCli(workflowId, 'ackResult', '{"whatever":true}');
    await world.harness.client.workflow.getHandle(workflowId).signal('orderUpdated', MEGABYTE);

    const state = await eventually(async () => {
      const s = await world.orders.getState(orderId);
      return (s.droppedSignals?.count ?? 0) >= 4 ? s : undefined;
    }, 'four dropped signals');
    expect(state.droppedSignals!.recent.map((d) => d.signal)).toEqual([
      'orderUpdated',
      'orderUpdated',
      'ackResult',
      'orderUpdated',
    ]);
    expect(state.droppedSignals!.recent[0]!.reason).toMatch(/^snapshot does not parse: items: /);
    expect(JSON.stringify(state).length).toBeLessThan(20_000);
    expect(state.phase).toBe('IN_PROGRESS');
    expect(state.ledger).toEqual(before.ledger);
    await expectNoFailedTasks(workflowId);
    // Still serving commands.
    const outcome = await world.orders.ship(orderId, { requestId: 'after-junk', carrier: 'UPS', trackingNumber: 'J1' });
    expect(outcome.summary).toMatch(/^shipped 2 × SKU-HOSTILE/);
  });

  test('requestAcks null and a malformed requestAck leave the ack batcher healthy; it still acknowledges in bulk', async () => {
    const batcherId = ackBatcherWorkflowId(world.cmsId);
    await world.harness.client.workflow.start('ackBatcherWorkflow', {
      workflowId: batcherId,
      taskQueue: intakeTaskQueue(world.taskQueue),
      args: [{ cmsId: world.cmsId, graphTaskQueue: world.graphTaskQueue, flushAfterMs: 300 } satisfies AckBatcherInput],
    });
    await signalWithCli(batcherId, 'requestAcks', 'null');
    await signalWithCli(batcherId, 'requestAck', '{"orderId":"1; DROP TABLE","channel":"myspace"}');
    await world.harness.client.workflow.getHandle(batcherId).signal('requestAcks', [{ orderId: MEGABYTE }]);
    const status = await eventually(async () => {
      const s = await world.harness.client.workflow.getHandle(batcherId).query(ackBatcherStatusQuery);
      return (s.droppedRequests ?? 0) >= 3 ? s : undefined;
    }, 'three dropped requests');
    expect(status.waiting).toBe(0);

    const [order] = await world.admin.createOrders({
      count: 1,
      items: [{ retailerId: 'SKU-HOSTILE', quantity: 1, pricePerUnit: '9.00' }],
    });
    await world.startOrder(order!.id, { ackMode: 'bulk', policy: QUIET });
    await inPhase(order!.id, 'AWAITING_RELEASE');
    const before = await world.admin.getLedger();
    await world.admin.release([order!.id]);
    await inPhase(order!.id, 'IN_PROGRESS');
    const after = await world.admin.getLedger();
    expect(
      (after.calls.byEndpoint['POST acknowledge_orders'] ?? 0) -
        (before.calls.byEndpoint['POST acknowledge_orders'] ?? 0),
    ).toBe(1);
    await expectNoFailedTasks(batcherId);
  });
});

describe('snapshots are hints', () => {
  test('a well-formed forged orderUpdated (COMPLETED, every unit fulfilled) ships nothing and completes nothing', async () => {
    const orderId = await acknowledgedOrder();
    const before = await world.orders.getState(orderId);
    // A released order reads itself in one activity, with its history (refresh.ts).
    const reads = await scheduled(orderId, 'fetchOrderWithHistory');
    const now = new Date().toISOString();
    const forged: OrderSnapshot = {
      id: orderId,
      state: 'COMPLETED',
      created: before.createdAt!,
      lastUpdated: now,
      channel: before.channel,
      shippingPaid: before.shippingPaid,
      items: before.ledger!.items.map((item) => ({
        itemId: item.itemId,
        retailerId: item.retailerId,
        quantity: item.ordered,
        pricePerUnit: item.pricePerUnit,
        status: { inProgress: 0, fulfilled: item.ordered, cancelled: 0 },
      })),
    };
    await signalWithCli(
      orderWorkflowId(orderId),
      'orderUpdated',
      JSON.stringify({ state: 'COMPLETED', lastUpdated: now, snapshot: forged }),
    );
    // The order did not take the hint's word: it read itself from Meta.
    await eventually(
      async () => ((await scheduled(orderId, 'fetchOrderWithHistory')) > reads ? true : undefined),
      'a read from Meta',
    );
    const state = await eventually(async () => {
      const s = await world.orders.getState(orderId);
      return s.metaLastUpdated !== now && s.pendingCommand === undefined ? s : undefined;
    }, 'the refresh');
    expect(state.phase).toBe('IN_PROGRESS');
    expect(state.metaState).toBe('IN_PROGRESS');
    expect(state.externalChanges).toEqual([]);
    expect(state.ledger).toEqual(before.ledger);
    expect((await world.oms.getOrder(orderId))?.status).toBe('processing');
    expect((await world.oms.getOrder(orderId))?.shipments ?? []).toEqual([]);
    // A hint about another order is dropped outright.
    await signalWithCli(
      orderWorkflowId(orderId),
      'orderUpdated',
      JSON.stringify({
        state: 'IN_PROGRESS',
        lastUpdated: now,
        snapshot: { ...forged, id: '1', state: 'IN_PROGRESS' },
      }),
    );
    const dropped = await eventually(async () => {
      const s = await world.orders.getState(orderId);
      return s.droppedSignals?.count ? s.droppedSignals : undefined;
    }, 'the misfit hint dropped');
    expect(dropped.recent.at(-1)?.reason).toBe('snapshot does not fit the order: snapshot of another order');
    await expectNoFailedTasks(orderWorkflowId(orderId));
    // `npm run record-histories`: the confirmed hint and the dropped one, for the replay test.
    if (process.env.RECORD_HISTORIES) await recordHistory(world, orderWorkflowId(orderId), 'hostile-forged-hints');
  });
});

describe('oversized caller input', () => {
  test('three 1.8 MB command signals are refused with short records; the order still continues as new', async () => {
    const orderId = await acknowledgedOrder();
    const handle = world.harness.client.workflow.getHandle(orderWorkflowId(orderId));
    const { runId } = await handle.describe();
    // Each just under the server's 2 MB limit for one payload.
    const half = 'X'.repeat(900_000);
    for (const n of [1, 2, 3])
      await handle.signal('shipSignal', { requestId: `${half}${n}`, carrier: half, trackingNumber: 'T' });
    // Three megabyte signals pass the server's suggested history size: the order continues as new,
    // carrying only the short records of the refusals.
    const state = await eventually(async () => {
      const s = await world.orders.getState(orderId);
      return s.continuedAsNew >= 1 && s.rejectedSignals.length >= 3 ? s : undefined;
    }, 'three refusals, then continue-as-new');
    expect((await handle.describe()).runId).not.toBe(runId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    for (const refusal of state.rejectedSignals) {
      expect(refusal.requestId).toMatch(/^\(invalid: "X+… \(\d+ more characters\)\)$/);
      expect(refusal.requestId.length).toBeLessThan(100);
      expect(refusal.reason.length).toBeLessThanOrEqual(600);
    }
    expect(JSON.stringify(state).length).toBeLessThan(20_000);
    // Told to ops too (three refusals that read alike are one notice: the reference OMS keeps each once).
    const notices = (await world.oms.events(orderId)).filter((e) => e.kind === 'ops.notification');
    expect(notices.length).toBeGreaterThanOrEqual(1);
    for (const notice of notices) expect(JSON.stringify(notice).length).toBeLessThan(2_000);
    await expectNoFailedTasks(orderWorkflowId(orderId));
    // The new run serves commands as before.
    const outcome = await world.orders.ship(orderId, { requestId: 'after-big', carrier: 'UPS', trackingNumber: 'B1' });
    expect(outcome.summary).toMatch(/^shipped/);
  });

  test('an Update with a 1.5 MB carrier is refused before history, with a message that does not repeat it', async () => {
    const orderId = await acknowledgedOrder();
    const workflowId = orderWorkflowId(orderId);
    const handle = world.harness.client.workflow.getHandle(workflowId);
    const error = await handle
      .executeUpdate('ship', { args: [{ requestId: 'big-1', carrier: MEGABYTE, trackingNumber: 'T' }] })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    const message = (error as WorkflowUpdateFailedError).cause?.message ?? '';
    expect(message).toMatch(/^invalid ship command: carrier: /);
    expect(message.length).toBeLessThan(1_000);

    // The same through the temporal CLI, the input from a file (too big for an argument).
    const inputFile = join(workDir, 'big-update.json');
    writeFileSync(inputFile, JSON.stringify({ requestId: 'big-2', carrier: 'UPS', trackingNumber: MEGABYTE }));
    const viaCli = await temporal([
      'update',
      'execute',
      '--workflow-id',
      workflowId,
      '--name',
      'ship',
      '--input-file',
      inputFile,
    ]);
    expect(viaCli.code).not.toBe(0);
    expect(viaCli.stderr + viaCli.stdout).toMatch(/invalid ship command: trackingNumber: /);
    expect((viaCli.stderr + viaCli.stdout).length).toBeLessThan(2_000);

    const { events } = await handle.fetchHistory();
    expect((events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toEqual([]);
    await expectNoFailedTasks(workflowId);
    expect((await world.orders.getState(orderId)).commands).toEqual({});
  });
});
