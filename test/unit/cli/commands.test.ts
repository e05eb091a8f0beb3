/**
 * The commands end to end inside one process, with the Temporal session and Graph client replaced
 * by recorders: what each command sends, what it prints, and how every failure ends.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterEach, describe, expect, test } from 'vitest';
import { TemporalUnreachableError, type CliContext, type TemporalSession } from '../../../src/cli/context.js';
import type { CliIo } from '../../../src/cli/io.js';
import { runCli } from '../../../src/cli/run.js';
import { OrderCommandRejectedError, OrderNeedsAttentionError, OrderNotFoundError } from '../../../src/client/errors.js';
import type { OrderClient } from '../../../src/client/order-client.js';
import { loadConfig } from '../../../src/config.js';
import type { GraphClient } from '../../../src/graph/client.js';
import { GraphError } from '../../../src/graph/errors.js';
import { idempotencyKey } from '../../../src/graph/idempotency.js';
import type { CommandOutcome, OrderWorkflowState } from '../../../src/api/order-state.js';
import {
  FB_CHANNEL,
  FB_MERCHANT_ORDER_REF,
  FB_NEEDS_ATTENTION,
  FB_ORDER_PHASE,
  FB_ORDER_STATE,
} from '../../../src/api/search-attributes.js';
import { captureIo, fixtureState, parseCsv, type CapturedIo } from './fixtures.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/;

interface Recorder {
  sent: { method: string; orderId: string; command: unknown }[];
  graphCalls: { method: string; args: unknown[] }[];
  listQueries: string[];
  temporalOpened: boolean;
}

interface FakeOptions {
  orders?: Partial<Record<keyof OrderClient, (...args: never[]) => Promise<unknown>>>;
  graph?: Partial<
    Record<'connectOrderManagementApp' | 'disconnectOrderManagementApp', (...args: never[]) => Promise<void>>
  >;
  listed?: { orderId: string; state?: string }[];
  temporalError?: Error;
}

function outcome(kind: CommandOutcome['kind'], requestId: string, summary: string): CommandOutcome {
  return { kind, requestId, fingerprint: '', appliedAt: '2025-03-01T12:00:00.000Z', summary, metaState: 'IN_PROGRESS' };
}

function fakeContext(options: FakeOptions = {}): { recorder: Recorder; create: (io: CliIo) => CliContext } {
  const recorder: Recorder = { sent: [], graphCalls: [], listQueries: [], temporalOpened: false };
  const record =
    (method: string, reply: (orderId: string, command: { requestId: string }) => unknown) =>
    async (orderId: string, command: { requestId: string }) => {
      recorder.sent.push({ method, orderId, command });
      return reply(orderId, command);
    };
  const orders = {
    ship: record('ship', (_, c) => outcome('ship', c.requestId, 'shipped 1 × SKU-TEE-M (UPS 1Z)')),
    cancel: record('cancel', (_, c) => outcome('cancel', c.requestId, 'cancelled 1 × SKU-MUG')),
    refund: record('refund', (_, c) => outcome('refund', c.requestId, 'refunded 12.50 EUR')),
    updateTracking: record('updateTracking', (_, c) => outcome('updateTracking', c.requestId, 'tracking updated')),
    retry: record('retry', (_, c) => outcome('retry', c.requestId, 'retrying acknowledge')),
    getState: async (orderId: string): Promise<OrderWorkflowState> => fixtureState({ orderId }),
    ...options.orders,
  } as unknown as OrderClient;
  const client = {
    workflow: {
      list({ query }: { query: string }) {
        recorder.listQueries.push(query);
        return (async function* () {
          for (const o of options.listed ?? []) {
            const attrs = new Map<unknown, unknown>([
              [FB_ORDER_STATE, o.state ?? 'IN_PROGRESS'],
              [FB_ORDER_PHASE, 'IN_PROGRESS'],
              [FB_CHANNEL, 'facebook'],
              [FB_MERCHANT_ORDER_REF, `OMS-${o.orderId}`],
              [FB_NEEDS_ATTENTION, false],
            ]);
            yield {
              workflowId: `fb-order-${o.orderId}`,
              status: { name: 'RUNNING' },
              typedSearchAttributes: { get: (key: unknown) => attrs.get(key) },
            };
          }
        })();
      },
    },
  } as unknown as Client;
  const graph = {
    connectOrderManagementApp: async (...args: unknown[]) => void recorder.graphCalls.push({ method: 'connect', args }),
    disconnectOrderManagementApp: async (...args: unknown[]) =>
      void recorder.graphCalls.push({ method: 'disconnect', args }),
    ...options.graph,
  } as unknown as GraphClient;
  return {
    recorder,
    create: (io) => ({
      io,
      config: () => loadConfig(io.env),
      async temporal(): Promise<TemporalSession> {
        recorder.temporalOpened = true;
        if (options.temporalError) throw options.temporalError;
        return {
          client,
          orders,
          address: 'temporal.test:7233',
          namespace: 'default',
          withQueryDeadline: (read) => read(),
        };
      },
      graph: async () => graph,
      temporalAddress: () => (recorder.temporalOpened ? 'temporal.test:7233' : undefined),
      close: async () => undefined,
    }),
  };
}

async function run(argv: string[], options: FakeOptions = {}, io: CapturedIo = captureIo()) {
  const fake = fakeContext(options);
  const code = await runCli(argv, io, fake.create);
  return { code, out: io.out(), err: io.err(), ...fake.recorder };
}

describe('order commands', () => {
  test('ship: builds the command from the flags, prints the outcome, then the generated request id', async () => {
    const r = await run([
      'ship',
      '640001',
      '--carrier',
      'UPS',
      '--tracking',
      '1Z999',
      '--item',
      'SKU-TEE-M:1',
      '--item',
      'SKU-MUG:1',
      '--method',
      'Ground',
    ]);
    expect(r.code).toBe(0);
    expect(r.sent).toHaveLength(1);
    const command = r.sent[0]!.command as { requestId: string };
    expect(r.sent[0]).toEqual({
      method: 'ship',
      orderId: '640001',
      command: {
        requestId: command.requestId,
        carrier: 'UPS',
        trackingNumber: '1Z999',
        shippingMethodName: 'Ground',
        items: [
          { retailerId: 'SKU-TEE-M', quantity: 1 },
          { retailerId: 'SKU-MUG', quantity: 1 },
        ],
      },
    });
    expect(command.requestId).toMatch(UUID);
    expect(r.err).toBe(
      `request id: ${command.requestId}; re-run with --request-id ${command.requestId} to retry safely\n`,
    );
    expect(r.out).toBe(
      'ship 640001: shipped 1 × SKU-TEE-M (UPS 1Z) (Meta state: IN_PROGRESS; applied 2025-03-01T12:00:00.000Z)\n',
    );
  });

  test('a given --request-id is used as is and nothing extra is printed; each run without one gets a new id', async () => {
    const given = await run(['retry', '640001', '--request-id', 'retry-7']);
    expect(given.sent[0]!.command).toEqual({ requestId: 'retry-7' });
    expect(given.err).toBe('');
    const a = await run(['retry', '640001']);
    const b = await run(['retry', '640001']);
    expect((a.sent[0]!.command as { requestId: string }).requestId).not.toBe(
      (b.sent[0]!.command as { requestId: string }).requestId,
    );
  });

  test('cancel and update-tracking map their flags onto the command', async () => {
    const cancel = await run([
      'cancel',
      '640001',
      '--reason',
      'OUT_OF_STOCK',
      '--item',
      'SKU-MUG:1',
      '--restock',
      '--description',
      'none left',
      '--request-id',
      'c-1',
    ]);
    expect(cancel.sent[0]!.command).toEqual({
      requestId: 'c-1',
      reasonCode: 'OUT_OF_STOCK',
      restock: true,
      reasonDescription: 'none left',
      items: [{ retailerId: 'SKU-MUG', quantity: 1 }],
    });
    const track = await run([
      'update-tracking',
      '640001',
      '--shipment',
      'ship-1',
      '--carrier',
      'FEDEX',
      '--tracking',
      '7777',
      '--request-id',
      't-1',
    ]);
    expect(track.sent[0]).toEqual({
      method: 'updateTracking',
      orderId: '640001',
      command: { requestId: 't-1', shipmentRequestId: 'ship-1', carrier: 'FEDEX', trackingNumber: '7777' },
    });
  });

  test('refund: amounts and shipping take the currency of the order ledger', async () => {
    const r = await run([
      'refund',
      '640001',
      '--reason',
      'DAMAGED_GOODS',
      '--item',
      'SKU-MUG:1',
      '--item',
      'SKU-TEE-M=5.00',
      '--shipping',
      '4.99',
      '--text',
      'arrived broken',
      '--request-id',
      'rf-1',
    ]);
    expect(r.code).toBe(0);
    expect(r.sent[0]!.command).toEqual({
      requestId: 'rf-1',
      reasonCode: 'DAMAGED_GOODS',
      reasonText: 'arrived broken',
      items: [
        { retailerId: 'SKU-MUG', quantity: 1 },
        { retailerId: 'SKU-TEE-M', amount: { amount: '5.00', currency: 'EUR' } },
      ],
      shippingRefund: { amount: '4.99', currency: 'EUR' },
    });
  });

  test('refund by quantity only does not read the state', async () => {
    let read = false;
    const r = await run(
      ['refund', '640001', '--reason', 'DAMAGED_GOODS', '--item', 'SKU-MUG:1', '--request-id', 'rf-2'],
      {
        orders: { getState: async () => ((read = true), fixtureState()) },
      },
    );
    expect(r.code).toBe(0);
    expect(read).toBe(false);
  });

  test('refund of an amount before acknowledgement is rejected without sending anything', async () => {
    const r = await run(['refund', '640001', '--reason', 'DAMAGED_GOODS', '--shipping', '4.99'], {
      orders: { getState: async () => fixtureState({ ledger: undefined, phase: 'AWAITING_RELEASE' }) },
    });
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'rejected: order 640001 is not acknowledged yet (phase AWAITING_RELEASE): nothing has shipped, so nothing can be refunded\n',
    );
    expect(r.sent).toHaveLength(0);
  });

  test('a command the schema refuses (unknown carrier) is rejected locally: exit 1, no connection', async () => {
    const r = await run(['ship', '640001', '--carrier', 'PIGEON', '--tracking', '1', '--request-id', 's-1']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'rejected: invalid ship command: carrier: unknown carrier code "PIGEON" (see Meta\'s carrier list)\n',
    );
    expect(r.temporalOpened).toBe(false);
  });

  test('a bad --request-id is rejected locally too', async () => {
    const r = await run(['retry', '640001', '--request-id', 'has space']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^rejected: invalid retry command: requestId: requestId must be 1-64 characters/);
  });
});

describe('commands that must say what they mean', () => {
  test('cancel without --restock or --no-restock is a usage error, and nothing is sent', async () => {
    const r = await run(['cancel', '640001', '--reason', 'OUT_OF_STOCK', '--request-id', 'c-3']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('say --restock or --no-restock (one of them)');
    expect(r.sent).toEqual([]);
  });

  test('--no-restock sends restock: false', async () => {
    const r = await run(['cancel', '640001', '--reason', 'OUT_OF_STOCK', '--no-restock', '--request-id', 'c-4']);
    expect(r.code).toBe(0);
    expect(r.sent[0]!.command).toEqual({ requestId: 'c-4', reasonCode: 'OUT_OF_STOCK', restock: false });
  });

  test('refund without --item, --shipping, --adjustment or --full is a usage error', async () => {
    const r = await run(['refund', '640001', '--reason', 'DAMAGED_GOODS', '--request-id', 'r-9']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('say what to refund: --item, --shipping, --adjustment, or --full');
    expect(r.sent).toEqual([]);
  });

  test('--item-id names an order line by Meta item id (for a SKU two lines share)', async () => {
    const shipped = await run([
      'ship',
      '640001',
      '--carrier',
      'UPS',
      '--tracking',
      '1Z',
      '--item-id',
      '7781:2',
      '--request-id',
      's-9',
    ]);
    expect(shipped.code).toBe(0);
    expect(shipped.sent[0]!.command).toEqual({
      requestId: 's-9',
      carrier: 'UPS',
      trackingNumber: '1Z',
      items: [{ itemId: '7781', quantity: 2 }],
    });
    const refunded = await run([
      'refund',
      '640001',
      '--reason',
      'DAMAGED_GOODS',
      '--item-id',
      '7782:1',
      '--request-id',
      'r-11',
    ]);
    expect(refunded.sent[0]!.command).toEqual({
      requestId: 'r-11',
      reasonCode: 'DAMAGED_GOODS',
      items: [{ itemId: '7782', quantity: 1 }],
    });
    const bad = await run(['cancel', '640001', '--reason', 'OUT_OF_STOCK', '--no-restock', '--item-id', 'a-b:1']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`--item-id "a-b:1": Meta's item ids are digits`);
  });

  test('refund --full sends full: true and no items', async () => {
    const r = await run(['refund', '640001', '--reason', 'DAMAGED_GOODS', '--full', '--request-id', 'r-10']);
    expect(r.code).toBe(0);
    expect(r.sent[0]!.command).toEqual({ requestId: 'r-10', reasonCode: 'DAMAGED_GOODS', full: true });
  });
});

describe('failures: one line, exit 1 (78 for a setting)', () => {
  test('rejected by the workflow', async () => {
    const r = await run(['cancel', '640001', '--reason', 'OUT_OF_STOCK', '--no-restock', '--request-id', 'c-2'], {
      orders: {
        cancel: async () =>
          Promise.reject(
            new OrderCommandRejectedError(
              '640001',
              'cancel',
              'cannot cancel 1 of SKU-MUG: only 0 unshipped and not cancelled',
              'validation',
            ),
          ),
      },
    });
    expect(r.code).toBe(1);
    expect(r.err).toBe('rejected: cannot cancel 1 of SKU-MUG: only 0 unshipped and not cancelled\n');
  });

  test('an order that needs attention while the command waits: the cause and the retry hint, exit 1', async () => {
    let options: unknown;
    const r = await run(['ship', '640001', '--carrier', 'UPS', '--tracking', '1Z', '--request-id', 's-7'], {
      orders: {
        ship: async (_orderId: string, _command: unknown, given: unknown) => {
          options = given;
          throw new OrderNeedsAttentionError('640001', 'ship', 's-7', {
            step: 'ship s-7',
            reason: 'Error validating access token: Session has expired.',
            errorType: 'GraphAuthError',
            since: '2025-03-01T12:00:00.000Z',
          });
        },
      },
    });
    expect(options).toEqual({ stopOnAttention: true });
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'order 640001 needs attention at "ship s-7": Error validating access token: Session has expired. (GraphAuthError, since 2025-03-01T12:00:00.000Z)\n' +
        'the ship waits for it: fix the cause, then run `fb-orders retry 640001`; re-running this command with --request-id s-7 then shows its outcome\n',
    );
  });

  test('retry itself does not stop on attention (the order is parked until the step resumes)', async () => {
    let options: unknown;
    const r = await run(['retry', '640001', '--request-id', 'r-1'], {
      orders: {
        retry: async (_orderId: string, command: { requestId: string }, given: unknown) => {
          options = given;
          return outcome('retry', command.requestId, 'retrying "ship s-7"');
        },
      },
    });
    expect(r.code).toBe(0);
    expect(options).toEqual({ stopOnAttention: false });
  });

  test('rejected, without --request-id: the reason first, then the generated id to retry with', async () => {
    const r = await run(['cancel', '640001', '--reason', 'OUT_OF_STOCK', '--no-restock'], {
      orders: {
        cancel: async () =>
          Promise.reject(new OrderCommandRejectedError('640001', 'cancel', 'nothing left to cancel', 'validation')),
      },
    });
    expect(r.code).toBe(1);
    const lines = r.err.split('\n');
    expect(lines[0]).toBe('rejected: nothing left to cancel');
    expect(lines[1]).toMatch(/^request id: ([0-9a-f-]{36}); re-run with --request-id \1 to retry safely$/);
  });

  test('no such order', async () => {
    const r = await run(['show', '999'], {
      orders: { getState: async () => Promise.reject(new OrderNotFoundError('999')) },
    });
    expect(r.code).toBe(1);
    expect(r.err).toBe('no such order: 999\n');
  });

  test('Temporal unreachable names the address and TEMPORAL_ADDRESS', async () => {
    const r = await run(['show', '1'], {
      temporalError: new TemporalUnreachableError('nowhere:7233', 'Failed to connect before the deadline'),
    });
    expect(r.code).toBe(1);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toContain('cannot connect to Temporal at nowhere:7233');
    expect(r.err).toContain('TEMPORAL_ADDRESS');
  });

  test('a bad setting exits 78 naming the variable, never showing a secret', async () => {
    const io = captureIo({ env: { META_CMS_ID: 'abc', META_ACCESS_TOKEN: 'EAAB-super-secret-token' } });
    const r = await run(['poll-now'], {}, io);
    expect(r.code).toBe(78);
    expect(r.err).toBe('Invalid setting META_CMS_ID="abc": expected the numeric commerce account id\n');
  });

  test('an unexpected error text that carries the token is redacted', async () => {
    const io = captureIo({ env: { META_ACCESS_TOKEN: 'EAAB-super-secret-token' } });
    const r = await run(
      ['disconnect', '--yes', '--request-id', 'off-1'],
      {
        graph: {
          disconnectOrderManagementApp: async () =>
            Promise.reject(new Error('proxy said: bad auth EAAB-super-secret-token')),
        },
      },
      io,
    );
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: proxy said: bad auth [redacted]\n');
  });

  test('a Graph auth error gets a hint about META_ACCESS_TOKEN', async () => {
    const r = await run(['disconnect', '--yes', '--request-id', 'off-1'], {
      graph: {
        disconnectOrderManagementApp: async () =>
          Promise.reject(
            new GraphError('DELETE /{cms-id}/order_management_apps: Error validating access token (code 190)', {
              kind: 'auth',
              endpoint: 'DELETE /{cms-id}/order_management_apps',
            }),
          ),
      },
    });
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'Meta Graph API error: DELETE /{cms-id}/order_management_apps: Error validating access token (code 190) (check META_ACCESS_TOKEN)\n',
    );
  });
});

describe('connect and disconnect', () => {
  test('disconnect without --yes on a non-terminal stdin refuses and calls nothing', async () => {
    const r = await run(['disconnect']);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'disconnect: stdin is not a terminal, so no confirmation can be asked; pass --yes to disconnect without one\n',
    );
    expect(r.graphCalls).toHaveLength(0);
  });

  test('disconnect on a terminal asks; "n" keeps the connection, "y" disconnects', async () => {
    const answer = async (text: string) => {
      const io = captureIo({ stdinIsTTY: true, env: { META_CMS_ID: '42' } });
      const pending = run(['disconnect'], {}, io);
      setTimeout(() => (io.stdin as unknown as NodeJS.WritableStream).write(text), 20);
      return pending;
    };
    const no = await answer('n\n');
    expect(no.err).toContain('Disconnect commerce account 42? Orders will then be handled in Commerce Manager. [y/N]');
    expect(no.code).toBe(1);
    expect(no.graphCalls).toHaveLength(0);
    const yes = await answer('y\n');
    expect(yes.code).toBe(0);
    expect(yes.graphCalls).toEqual([
      { method: 'disconnect', args: ['42', { idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/) }] },
    ]);
    expect(yes.err).toMatch(/request id: \S+; re-run with --request-id/);
    expect(yes.out).toContain('disconnected: commerce account 42');
  });

  test('connect: the same --request-id gives the same idempotency key; without one, every connect gets a new key', async () => {
    const env = { META_CMS_ID: '42' };
    const first = await run(['connect', '--yes', '--request-id', 'reconnect-3'], {}, captureIo({ env }));
    const retried = await run(['connect', '--yes', '--request-id', 'reconnect-3'], {}, captureIo({ env }));
    expect(first.graphCalls).toEqual([
      { method: 'connect', args: ['42', { idempotencyKey: idempotencyKey('42', 'connectApp', 'reconnect-3') }] },
    ]);
    expect(retried.graphCalls).toEqual(first.graphCalls);
    const later = await run(['connect', '--yes'], {}, captureIo({ env }));
    const generated = UUID.exec(later.err)![0];
    expect(later.graphCalls).toEqual([
      { method: 'connect', args: ['42', { idempotencyKey: idempotencyKey('42', 'connectApp', generated) }] },
    ]);
    expect(later.graphCalls).not.toEqual(first.graphCalls);
    const refused = await run(['connect'], {}, captureIo({ env }));
    expect(refused.code).toBe(2);
    expect(refused.graphCalls).toHaveLength(0);
  });

  test('disconnect: a key per --request-id as well (Meta wants one on a DELETE too)', async () => {
    const env = { META_CMS_ID: '42' };
    const first = await run(['disconnect', '--yes', '--request-id', 'off-1'], {}, captureIo({ env }));
    const retried = await run(['disconnect', '--yes', '--request-id', 'off-1'], {}, captureIo({ env }));
    expect(first.graphCalls).toEqual([
      { method: 'disconnect', args: ['42', { idempotencyKey: idempotencyKey('42', 'disconnectApp', 'off-1') }] },
    ]);
    expect(retried.graphCalls).toEqual(first.graphCalls);
    const later = await run(['disconnect', '--yes'], {}, captureIo({ env }));
    expect(later.graphCalls).not.toEqual(first.graphCalls);
  });
});

describe('list, show and export', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  test('list is scoped to META_CMS_ID and prints a table; --json the raw summaries', async () => {
    const io = captureIo({ env: { META_CMS_ID: '42' } });
    const r = await run(
      ['list', '--state', 'IN_PROGRESS', '--attention'],
      { listed: [{ orderId: '1' }, { orderId: '2' }] },
      io,
    );
    expect(r.code).toBe(0);
    expect(r.listQueries).toEqual([
      `WorkflowType = 'orderWorkflow' AND FbCmsId = '42' AND FbOrderState = 'IN_PROGRESS' AND FbNeedsAttention = true`,
    ]);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]!.split(/\s{2,}/)).toEqual([
      'ORDER ID',
      'META STATE',
      'PHASE',
      'CHANNEL',
      'OMS REFERENCE',
      'ATTENTION',
      'WORKFLOW',
    ]);
    expect(lines[1]!.split(/\s{2,}/)).toEqual(['1', 'IN_PROGRESS', 'IN_PROGRESS', 'facebook', 'OMS-1', 'RUNNING']);
    const json = await run(['list', '--json', '--limit', '1'], { listed: [{ orderId: '1' }, { orderId: '2' }] });
    expect(JSON.parse(json.out)).toEqual([
      {
        orderId: '1',
        workflowId: 'fb-order-1',
        status: 'RUNNING',
        metaState: 'IN_PROGRESS',
        phase: 'IN_PROGRESS',
        channel: 'facebook',
        merchantOrderReference: 'OMS-1',
        needsAttention: false,
        atRisk: false,
      },
    ]);
    expect(json.err).toBe('showing the first 1; there may be more (raise --limit)\n');
  });

  test('list --at-risk asks visibility for orders flagged at risk of missing their ship-by date', async () => {
    const r = await run(['list', '--at-risk'], { listed: [] });
    expect(r.listQueries).toEqual([
      `WorkflowType = 'orderWorkflow' AND FbCmsId = '1000000000000001' AND FbAtRisk = true`,
    ]);
  });

  test('show --json prints the state query as is', async () => {
    const r = await run(['show', '640001', '--json']);
    expect(JSON.parse(r.out)).toEqual(fixtureState({ orderId: '640001' }));
  });

  test('export writes CSV to --out atomically; an unreadable order is left out, named, and fails the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-orders-export-'));
    dirs.push(dir);
    const out = join(dir, 'orders.csv');
    const r = await run(['export', '--out', out], {
      listed: [{ orderId: '1' }, { orderId: '2' }, { orderId: '3' }],
      orders: {
        getState: async (orderId: string) =>
          orderId === '2' ? Promise.reject(new OrderNotFoundError('2')) : fixtureState({ orderId }),
      },
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain('order 2: left out, its state could not be read: no such order: 2\n');
    expect(r.err).toContain(`exported 2/3 orders (4 rows) to ${out}\n`);
    expect(r.err).toContain('export incomplete: 1 of 3 orders could not be read');
    const rows = parseCsv(readFileSync(out, 'utf8'));
    expect(rows).toHaveLength(5);
    expect(rows.slice(1).map((row) => [row[0], row[5]])).toEqual([
      ['1', 'SKU-TEE-M'],
      ['1', 'SKU-MUG'],
      ['3', 'SKU-TEE-M'],
      ['3', 'SKU-MUG'],
    ]);
    expect(readdirSync(dir)).toEqual(['orders.csv']);
  });
});

describe('unexpected errors', () => {
  test('the causes are kept in the one line, so a wrapped gRPC failure still says what happened', async () => {
    const wrapped = new Error('Failed to query Workflow', {
      cause: new Error('9 FAILED_PRECONDITION: no poller seen for task queue recently'),
    });
    const r = await run(['show', '1'], { orders: { getState: async () => Promise.reject(wrapped) } });
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'error: Failed to query Workflow: 9 FAILED_PRECONDITION: no poller seen for task queue recently\n',
    );
  });
});
