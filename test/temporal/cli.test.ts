/**
 * The operator CLI as an operator runs it: `node bin/fb-orders.js ...` in a child process, from a
 * directory outside the repo, configured only through the environment, against this file's own
 * sandbox, workers and task queues on the run's dev server. The commerce account id is unique to
 * this file, so `list` and `export` (scoped to META_CMS_ID) see only this file's orders.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startIntake } from '../../src/intake/start-intake.js';
import { intakeTaskQueue } from '../../src/wiring/workers.js';
import { type AckBatcherStatus } from '../../src/api/ack-batcher-messages.js';
import type { OrderWorkflowState } from '../../src/api/order-state.js';
import { pollerStatusQuery, type PollerStatus } from '../../src/api/poller-messages.js';
import { parseCsv } from '../unit/cli/fixtures.js';
import { createOrderWorld, eventually, FAST_POLICY, SANDBOX_TOKEN, type OrderWorld } from './order-fixture.js';
import { ackBatcherWorkflowId, orderPollerWorkflowId } from '../../src/api/ids.js';

const BIN = fileURLToPath(new URL('../../bin/fb-orders.js', import.meta.url));
/** A commerce account no other test file uses. */
const CMS_ID = `77${Date.now()}${Math.floor(Math.random() * 1_000)}`.slice(0, 18);

const ITEMS = [
  { retailerId: 'SKU-CLI-TEE', quantity: 2, pricePerUnit: '20.00', productName: 'Tee "Ocean", size M' },
  { retailerId: 'SKU-CLI-MUG', quantity: 1, pricePerUnit: '12.50', productName: 'Tasse Zoë ☕' },
];

let world: OrderWorld;
let workDir: string;
let orderId: string;

beforeAll(async () => {
  world = await createOrderWorld({ sandbox: { cmsId: CMS_ID } });
  workDir = mkdtempSync(join(tmpdir(), 'fb-orders-cli-'));
  await world.oms.seedProducts(ITEMS.map((i) => ({ retailerId: i.retailerId, name: i.productName, onHand: 100 })));
  orderId = await acknowledgedOrder();
});

afterAll(async () => {
  await world?.harness.client.workflow
    .getHandle(orderPollerWorkflowId(CMS_ID))
    .terminate('cli test done')
    .catch(() => undefined);
  await world?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function acknowledgedOrder(overrides: Parameters<OrderWorld['startOrder']>[1] = {}): Promise<string> {
  const [order] = await world.admin.createOrders({ count: 1, items: ITEMS, channel: 'facebook' });
  await world.startOrder(order!.id, overrides);
  await phase(order!.id, 'AWAITING_RELEASE');
  await world.admin.release([order!.id]);
  await phase(order!.id, 'IN_PROGRESS');
  return order!.id;
}

function phase(id: string, wanted: OrderWorkflowState['phase']): Promise<OrderWorkflowState> {
  return eventually(
    async () => {
      const state = await world.orders.getState(id);
      return state.phase === wanted ? state : undefined;
    },
    `order ${id} in ${wanted}`,
    60_000,
  );
}

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI; stdin is a pipe that is closed at once (a script, not a terminal). */
function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: workDir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: workDir,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_NAMESPACE: inject('temporalNamespace'),
        TASK_QUEUE: world.taskQueue,
        GRAPH_TASK_QUEUE: world.graphTaskQueue,
        META_CMS_ID: CMS_ID,
        META_GRAPH_URL: world.sandbox.url,
        META_ACCESS_TOKEN: SANDBOX_TOKEN,
        META_TIMEOUT_MS: '5000',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function effects(ledger: Awaited<ReturnType<OrderWorld['admin']['getLedger']>>, kind: string) {
  return (ledger.orders[orderId] ?? []).filter((e) => e.kind === kind);
}

describe('fb-orders against a real dev server and the sandbox', () => {
  test('ship succeeds, and a re-run with the same --request-id ships nothing more', async () => {
    const args = [
      'ship',
      orderId,
      '--carrier',
      'UPS',
      '--tracking',
      '1Z999AA10123456784',
      '--item',
      'SKU-CLI-TEE:1',
      '--request-id',
      'cli-ship-1',
    ];
    const first = await cli(args);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^ship ${orderId}: .*SKU-CLI-TEE.*\\(Meta state: IN_PROGRESS; applied `));
    const again = await cli(args);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    expect(effects(await world.admin.getLedger(), 'shipment')).toHaveLength(1);
  });

  test('show prints the shipment in the ledger; --json prints the raw state', async () => {
    const shown = await cli(['show', orderId]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Order ${orderId}`);
    expect(shown.stdout).toMatch(/phase\s+IN_PROGRESS/);
    const tee = shown.stdout.split('\n').find((line) => line.trimStart().startsWith('SKU-CLI-TEE'))!;
    const teeLine = (await world.orders.getState(orderId)).ledger!.items.find((i) => i.retailerId === 'SKU-CLI-TEE')!;
    expect(tee.trim().split(/\s{2,}/)).toEqual([
      'SKU-CLI-TEE',
      'Tee "Ocean", size M',
      '20.00',
      '2',
      '1',
      '0',
      '0',
      '0.00',
      teeLine.itemId,
    ]);
    expect(shown.stdout).toMatch(/cli-ship-1\s+UPS\s+1Z999AA10123456784\s+1 × SKU-CLI-TEE/);

    const json = await cli(['show', orderId, '--json']);
    const state = JSON.parse(json.stdout) as OrderWorkflowState;
    expect(state.orderId).toBe(orderId);
    expect(state.ledger?.items.find((i) => i.retailerId === 'SKU-CLI-TEE')?.shipped).toBe(1);
    expect(state.commands['cli-ship-1']?.kind).toBe('ship');
  });

  test('a command without --request-id prints the generated one first', async () => {
    const result = await cli([
      'update-tracking',
      orderId,
      '--shipment',
      'cli-ship-1',
      '--carrier',
      'FEDEX',
      '--tracking',
      '7712345',
    ]);
    expect(result.code).toBe(0);
    const id = /^request id: ([0-9a-f-]{36}); re-run with --request-id \1 to retry safely$/m.exec(result.stderr)?.[1];
    expect(id).toBeDefined();
    expect(result.stdout).toContain(`updateTracking ${orderId}:`);
    const state = await world.orders.getState(orderId);
    expect(state.commands[id!]?.kind).toBe('updateTracking');
    // The OMS's shipment follows, with the change in its event log.
    const omsOrder = await world.oms.getOrder(orderId);
    expect(omsOrder?.shipments.find((s) => s.requestId === 'cli-ship-1')).toMatchObject({
      carrier: 'FEDEX',
      trackingNumber: '7712345',
    });
    expect((await world.oms.events(orderId)).filter((e) => e.kind === 'order.tracking_updated')).toHaveLength(1);
  });

  test('failures: rejected -> exit 1 with the reason; unknown order, unreachable Temporal, unconfirmed disconnect', async () => {
    // Independent runs, started together: the unreachable one mostly waits for its connect timeout.
    const [rejected, missing, unreachable, refused] = await Promise.all([
      cli([
        'cancel',
        orderId,
        '--reason',
        'OUT_OF_STOCK',
        '--item',
        'SKU-CLI-TEE:2',
        '--no-restock',
        '--request-id',
        'cli-cancel-too-many',
      ]),
      cli(['show', '404404404']),
      cli(['show', orderId], { TEMPORAL_ADDRESS: '127.0.0.1:1' }),
      cli(['disconnect']),
    ]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toBe(
      'rejected: cannot cancel 2 of SKU-CLI-TEE: only 1 unshipped and not cancelled (shipped units cannot be cancelled; refund them instead)\n',
    );
    expect(effects(await world.admin.getLedger(), 'cancellation')).toHaveLength(0);

    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('no such order: 404404404\n');

    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toMatch(/^cannot connect to Temporal at 127\.0\.0\.1:1: .*TEMPORAL_ADDRESS/);

    // stdin is a closed pipe: no one can answer the prompt, so the CLI must not disconnect.
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'disconnect: stdin is not a terminal, so no confirmation can be asked; pass --yes to disconnect without one\n',
    );
    expect((await world.admin.getSettings()).connected).toBe(true);
  });

  test('list --state IN_PROGRESS shows the order as a table, and as JSON with --json', async () => {
    // Visibility is eventually consistent: wait until the listing has caught up.
    const table = await eventually(
      async () => {
        const r = await cli(['list', '--state', 'IN_PROGRESS']);
        return r.code === 0 && r.stdout.includes(orderId) ? r : undefined;
      },
      'the order in `list --state IN_PROGRESS`',
      60_000,
    );
    const row = table.stdout.split('\n').find((line) => line.startsWith(orderId))!;
    expect(row.split(/\s{2,}/).slice(0, 4)).toEqual([orderId, 'IN_PROGRESS', 'IN_PROGRESS', 'facebook']);

    const json = await cli(['list', '--state', 'IN_PROGRESS', '--json']);
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout) as { orderId: string; metaState: string; merchantOrderReference: string }[];
    expect(listed.map((o) => o.orderId)).toEqual([orderId]);
    expect(listed[0]!.merchantOrderReference).toBe((await world.orders.getState(orderId)).merchantOrderReference);
  });

  test('export writes parseable CSV, one row per order line, with quotes and Unicode intact', async () => {
    const out = join(workDir, 'orders.csv');
    const result = await cli(['export', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`exported 1/1 orders (2 rows) to ${out}`);
    const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
    expect(header).toEqual([
      'Order ID',
      'Merchant Reference',
      'Channel',
      'Meta State',
      'Phase',
      'Retailer ID',
      'Product Name',
      'Quantity Ordered',
      'Quantity Shipped',
      'Quantity Cancelled',
      'Quantity Refunded',
      'Refunded Amount',
      'Unit Price',
      'Currency',
      'Ship By',
      'Carrier',
      'Tracking Number',
      'Shipping Refunded',
      'Returns',
    ]);
    const { merchantOrderReference: reference, shipByDate } = await world.orders.getState(orderId);
    expect(rows).toEqual([
      [
        orderId,
        reference,
        'facebook',
        'IN_PROGRESS',
        'IN_PROGRESS',
        'SKU-CLI-TEE',
        'Tee "Ocean", size M',
        '2',
        '1',
        '0',
        '0',
        '0.00',
        '20.00',
        'USD',
        shipByDate,
        // The shipment's tracking as updated above.
        'FEDEX',
        '7712345',
        '0.00',
        '',
      ],
      [
        orderId,
        reference,
        'facebook',
        'IN_PROGRESS',
        'IN_PROGRESS',
        'SKU-CLI-MUG',
        'Tasse Zoë ☕',
        '1',
        '0',
        '0',
        '0',
        '0.00',
        '12.50',
        'USD',
        shipByDate,
        '',
        '',
        '',
        '',
      ],
    ]);
  });

  test('poll-now: refused while no poller runs, then signals the running poller', async () => {
    const before = await cli(['poll-now']);
    expect(before.code).toBe(1);
    expect(before.stderr).toBe(
      `no order poller is running for commerce account ${CMS_ID} (workflow ${orderPollerWorkflowId(CMS_ID)}): start it with \`npm run starter\`\n`,
    );

    // Long interval: a second round can only come from the CLI's signal.
    await startIntake(world.harness.client, {
      cmsId: CMS_ID,
      taskQueue: world.taskQueue,
      graphTaskQueue: world.graphTaskQueue,
      ackMode: 'single',
      pollIntervalMs: 3_600_000,
    });
    const poller = world.harness.client.workflow.getHandle(orderPollerWorkflowId(CMS_ID));
    await eventually(
      async () => ((await poller.query(pollerStatusQuery)).rounds >= 1 ? true : undefined),
      'first poll round',
      60_000,
    );
    const after = await cli(['poll-now']);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(`poll requested: ${orderPollerWorkflowId(CMS_ID)}`);
    await eventually(
      async () => ((await poller.query(pollerStatusQuery)).rounds >= 2 ? true : undefined),
      'the requested poll round',
      60_000,
    );
  });

  test("intake: the poller's rounds and counts; the ack batcher, once one runs", async () => {
    const single = await cli(['intake']);
    expect(single.code).toBe(0);
    expect(single.stdout).toMatch(
      new RegExp(`^order poller  ${orderPollerWorkflowId(CMS_ID)}: \\d+ rounds this run; high-water mark \\d{4}-`, 'm'),
    );
    expect(single.stdout).toMatch(
      /^ {2}last round {3}\S+: \d+ orders seen on \d+ pages; \d+ signalled, \d+ handed to the ack batcher/m,
    );
    expect(single.stdout).toContain(`ack batcher   ${ackBatcherWorkflowId(CMS_ID)}: not running`);

    await world.harness.client.workflow.start('ackBatcherWorkflow', {
      workflowId: ackBatcherWorkflowId(CMS_ID),
      taskQueue: intakeTaskQueue(world.taskQueue),
      args: [{ cmsId: CMS_ID, graphTaskQueue: world.graphTaskQueue }],
    });
    const json = await cli(['intake', '--json']);
    expect(json.code).toBe(0);
    const status = JSON.parse(json.stdout) as { poller: PollerStatus; ackBatcher: AckBatcherStatus };
    expect(status.poller.rounds).toBeGreaterThanOrEqual(2);
    expect(status.ackBatcher).toEqual({
      cmsId: CMS_ID,
      waiting: 0,
      thisRun: { batches: 0, acknowledged: 0, leftToAcknowledgeAlone: 0 },
    });
    await world.harness.client.workflow.getHandle(ackBatcherWorkflowId(CMS_ID)).terminate('test done');
  });

  test('disconnect --yes disconnects the account; connect --yes reconnects it with a fresh key', async () => {
    const disconnected = await cli(['disconnect', '--yes']);
    expect(disconnected.code).toBe(0);
    expect(disconnected.stdout).toContain(`disconnected: commerce account ${CMS_ID}`);
    expect((await world.admin.getSettings()).connected).toBe(false);

    const connected = await cli(['connect', '--yes']);
    expect(connected.code).toBe(0);
    expect(connected.stderr).toMatch(/^request id: [0-9a-f-]{36}; re-run with --request-id/);
    expect(connected.stdout).toContain(`connected: commerce account ${CMS_ID}`);
    expect((await world.admin.getSettings()).connected).toBe(true);
    expect(JSON.stringify([disconnected, connected])).not.toContain(SANDBOX_TOKEN);
  });

  test('a command whose order stops for an operator exits 1 with the cause and the retry hint; after retry, a re-run shows the outcome', async () => {
    // A quiet order: with FAST_POLICY's refresh every second, the refresh met the expired token first
    // (the CLI takes seconds to start on a loaded machine) and the ship was refused as "needs attention".
    const parked = await acknowledgedOrder({ policy: { ...FAST_POLICY, refreshIntervalMs: 600_000 } });
    // Last in the file: it adds an order, which the list and export tests above must not see.
    const ship = ['ship', parked, '--carrier', 'UPS', '--tracking', 'ATT-1', '--request-id', 'cli-att-1'];
    // Meta's token expires under the worker: its Graph calls are refused for good.
    await world.admin.setAccessToken('expired-for-the-cli-test');
    let stopped: CliResult;
    try {
      stopped = await cli(ship);
    } finally {
      await world.admin.setAccessToken(SANDBOX_TOKEN);
    }
    expect(stopped.code).toBe(1);
    // The step that stopped: the shipment's own call (or a refresh from Meta the shipment waits behind).
    expect(stopped.stderr).toMatch(
      new RegExp(`^order ${parked} needs attention at "[^"]+": .*Session has expired.* \\(GraphAuthError, since `),
    );
    expect(stopped.stderr).toContain(`fix the cause, then run \`fb-orders retry ${parked}\``);
    expect(stopped.stderr).toContain('--request-id cli-att-1');

    const retried = await cli(['retry', parked, '--request-id', 'cli-att-retry']);
    expect(retried.code).toBe(0);
    const again = await cli(ship);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^ship ${parked}: shipped `));
    expect((await world.admin.getLedger()).orders[parked]?.filter((e) => e.kind === 'shipment')).toHaveLength(1);
  });
});
