/**
 * Model-based test of whole order lives (fast-check): random orders (lines that may share a
 * retailer id) and random interleavings of OMS commands (ship, cancel, refund in every form,
 * update tracking), Commerce Manager actions (ship, cancel, refund) and faults (5xx, lost
 * responses), run through the real workflow on the dev server against the sandbox. After each life
 * settles:
 *   - the OMS's units shipped, cancelled and refunded and the money refunded equal Meta's, line by
 *     line, and so does the workflow's ledger;
 *   - no line's refunds exceed what was paid for its shipped units, nor shipping's what was paid;
 *   - every command was either applied once at Meta (one effect per accepted command) or refused
 *     with a reason.
 * Buyers' returns (requested or approved at once, answered by the OMS or in Commerce Manager,
 * refunded against) are steps too: every return Meta shows is in the workflow's state and the OMS
 * with Meta's status, each step recorded once.
 *
 * A second property ends each order first (every unit shipped, return window over, its run
 * completed), then changes it at Meta (refunds by support, late returns and their answers): the
 * poller reopens the order for each change it has not seen, and the books agree once it ends again.
 *
 * Seeded and reproducible: BOOKS_MODEL_SEED, BOOKS_MODEL_RUNS (default 8 in CI; a longer run
 * with e.g. BOOKS_MODEL_RUNS=40), BOOKS_MODEL_STEPS (default 8), BOOKS_MODEL_REOPEN_RUNS (default 4).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { CommandKind } from '../../src/api/command-kinds.js';
import type { OrderWorkflowState } from '../../src/api/order-state.js';
import { OrderCommandRejectedError } from '../../src/client/index.js';
import { toMinorUnits } from '../../src/domain/money.js';
import { orderWorkflowId } from '../../src/api/ids.js';
import { stateQuery } from '../../src/api/order-messages.js';
import { booksOf, expectBooksAgree, reconciled } from './books.js';
import { createOrderWorld, eventually, FAST_POLICY, startSinglePoller, type OrderWorld } from './order-fixture.js';

const SEED = Number(process.env.BOOKS_MODEL_SEED ?? 20261202);
const RUNS = Number(process.env.BOOKS_MODEL_RUNS ?? 8);
const REOPEN_RUNS = Number(process.env.BOOKS_MODEL_REOPEN_RUNS ?? 4);
const STEPS = Number(process.env.BOOKS_MODEL_STEPS ?? 8);

let world: OrderWorld;
beforeAll(async () => {
  world = await createOrderWorld();
});
/** What the random lives did, printed at the end: a property is only as good as what it exercised. */
const tally = { lives: 0, accepted: 0, refused: 0, returns: 0, reopenedLives: 0 };
afterAll(async () => {
  console.log(`books model: ${JSON.stringify(tally)}`);
  await world?.close();
});

interface LineSpec {
  retailerId: string;
  quantity: number;
  pricePerUnit: string;
}

/** One order's life as it runs: what the commands need and what they did. */
class Life {
  readonly accepted = new Map<CommandKind, number>();
  readonly refused: string[] = [];
  readonly shipRequests: string[] = [];
  /** The buyer's returns Meta accepted, newest last, with their units. */
  readonly returns: { id: string; items: { itemId: string; quantity: number }[] }[] = [];
  private seq = 0;
  constructor(
    readonly orderId: string,
    readonly itemIds: string[],
    readonly lines: LineSpec[],
  ) {}

  requestId(kind: string): string {
    this.seq += 1;
    return `${kind}-${this.seq}`;
  }

  /** Runs an OMS command: applied (counted) or refused with a reason; anything else fails the property. */
  async command(kind: CommandKind, send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
      this.accepted.set(kind, (this.accepted.get(kind) ?? 0) + 1);
    } catch (err) {
      if (!(err instanceof OrderCommandRejectedError)) throw err;
      expect(err.reason, 'a refusal says why').toMatch(/\S/);
      this.refused.push(`${kind}: ${err.reason}`);
    }
  }

  /** Changes made at Meta outside the integration that Meta accepted. */
  outsideApplied = 0;

  /** Commerce Manager may refuse too (nothing open, nothing to refund): that is Meta's answer, not a failure. */
  async outside(act: () => Promise<unknown>): Promise<void> {
    await act().then(
      () => void (this.outsideApplied += 1),
      (err: unknown) => this.refused.push(`outside: ${String(err)}`),
    );
  }
}

type Model = Record<string, never>;
type Step = fc.AsyncCommand<Model, Life>;

/** A line of the order, by index (item ids exist only once the order does). */
const lineRef = fc.nat({ max: 2 });
const units = fc.array(fc.record({ line: lineRef, quantity: fc.integer({ min: 1, max: 2 }) }), {
  minLength: 1,
  maxLength: 2,
});
const fault = fc.constantFrom(undefined, undefined, 'server_error', 'lost_response') as fc.Arbitrary<
  'server_error' | 'lost_response' | undefined
>;

function itemsOf(life: Life, picks: { line: number; quantity: number }[]) {
  const merged = new Map<string, number>();
  for (const { line, quantity } of picks) {
    const itemId = life.itemIds[line % life.itemIds.length]!;
    merged.set(itemId, (merged.get(itemId) ?? 0) + quantity);
  }
  return [...merged].map(([itemId, quantity]) => ({ itemId, quantity }));
}

async function withFault(
  life: Life,
  kind: 'server_error' | 'lost_response' | undefined,
  endpoint: 'shipments' | 'cancellations' | 'refunds' | 'update_shipment',
) {
  if (kind) await world.admin.addFaultRule({ endpoint, objectId: life.orderId, fault: kind, times: 1 });
}

const step = (name: string, run: (life: Life) => Promise<void>): Step => ({
  check: () => true,
  run: async (_model, life) => run(life),
  toString: () => name,
});

const ship = fc.tuple(fc.option(units, { nil: undefined }), fault).map(([picks, f]) =>
  step(`ship ${picks ? JSON.stringify(picks) : 'all'}${f ? ` (${f})` : ''}`, async (life) => {
    await withFault(life, f, 'shipments');
    const requestId = life.requestId('ship');
    await life.command('ship', async () => {
      await world.orders.ship(life.orderId, {
        requestId,
        carrier: 'UPS',
        trackingNumber: `1Z${requestId}`,
        ...(picks ? { items: itemsOf(life, picks) } : {}),
      });
      life.shipRequests.push(requestId);
    });
  }),
);

const cancel = fc.tuple(units, fc.boolean(), fault).map(([picks, restock, f]) =>
  step(`cancel ${JSON.stringify(picks)} restock=${restock}${f ? ` (${f})` : ''}`, async (life) => {
    await withFault(life, f, 'cancellations');
    await life.command('cancel', () =>
      world.orders.cancel(life.orderId, {
        requestId: life.requestId('cancel'),
        reasonCode: 'OUT_OF_STOCK',
        restock,
        items: itemsOf(life, picks),
      }),
    );
  }),
);

const refundForm = fc.oneof(
  units.map((picks) => ({ form: 'units' as const, picks })),
  fc
    .record({ line: lineRef, cents: fc.integer({ min: 1, max: 2_500 }) })
    .map((a) => ({ form: 'amount' as const, ...a })),
  fc.integer({ min: 1, max: 600 }).map((cents) => ({ form: 'shipping' as const, cents })),
  fc.constant({ form: 'full' as const }),
);

const dollars = (cents: number) => (cents / 100).toFixed(2);

const refund = fc.tuple(refundForm, fault).map(([r, f]) =>
  step(`refund ${JSON.stringify(r)}${f ? ` (${f})` : ''}`, async (life) => {
    await withFault(life, f, 'refunds');
    const base = { requestId: life.requestId('refund'), reasonCode: 'DAMAGED_GOODS' as const };
    const usd = (cents: number) => ({ amount: dollars(cents), currency: 'USD' });
    const command =
      r.form === 'units'
        ? { ...base, items: itemsOf(life, r.picks) }
        : r.form === 'amount'
          ? { ...base, items: [{ itemId: life.itemIds[r.line % life.itemIds.length]!, amount: usd(r.cents) }] }
          : r.form === 'shipping'
            ? { ...base, shippingRefund: usd(r.cents) }
            : { ...base, full: true as const };
    await life.command('refund', () => world.orders.refund(life.orderId, command));
  }),
);

const updateTracking = fault.map((f) =>
  step(`update tracking${f ? ` (${f})` : ''}`, async (life) => {
    const shipment = life.shipRequests.at(-1);
    if (!shipment) return;
    await withFault(life, f, 'update_shipment');
    await life.command('updateTracking', () =>
      world.orders.updateTracking(life.orderId, {
        requestId: life.requestId('track'),
        shipmentRequestId: shipment,
        carrier: 'DHL',
        trackingNumber: `JD${life.shipRequests.length}`,
      }),
    );
  }),
);

const outsideShip = units.map((picks) =>
  step(`Commerce Manager ships ${JSON.stringify(picks)}`, (life) =>
    life.outside(() => world.admin.shipExternally(life.orderId, { items: itemsOf(life, picks), carrier: 'FEDEX' })),
  ),
);
const outsideCancel = fc
  .tuple(units, fc.boolean(), fc.constantFrom('SELLER' as const, 'BUYER' as const))
  .map(([picks, restock, by]) =>
    step(`Commerce Manager cancels ${JSON.stringify(picks)} restock=${restock} by ${by}`, (life) =>
      life.outside(() =>
        world.admin.cancelExternally(life.orderId, { items: itemsOf(life, picks), restock, initiatedBy: by }),
      ),
    ),
  );
const outsideRefund = fc.tuple(lineRef, fc.integer({ min: 1, max: 1_500 })).map(([line, cents]) =>
  step(`Commerce Manager refunds ${dollars(cents)} of line ${line}`, (life) =>
    life.outside(() =>
      world.admin.refundExternally(life.orderId, {
        items: [{ itemId: life.itemIds[line % life.itemIds.length]!, amount: dollars(cents) }],
      }),
    ),
  ),
);

/** A return of one or two units of one line: the buyer sends back part of what arrived. */
const returnedUnits = fc.record({ line: lineRef, quantity: fc.integer({ min: 1, max: 2 }) }).map((pick) => [pick]);

const buyerReturn = fc.tuple(returnedUnits, fc.boolean()).map(([picks, approved]) =>
  step(`the buyer returns ${JSON.stringify(picks)}${approved ? ' (approved at once)' : ''}`, (life) =>
    life.outside(async () => {
      const items = itemsOf(life, picks);
      const { objectId } = await world.admin.createReturn(life.orderId, { items, approved });
      life.returns.push({ id: objectId!, items });
    }),
  ),
);

/** The OMS answers the newest return through the integration (accept it, or close it without a refund). */
const omsAnswersReturn = fc.constantFrom('ACCEPT_RETURN' as const, 'CLOSE_RETURN' as const).map((event) =>
  step(`the OMS answers the newest return: ${event}`, async (life) => {
    const latest = life.returns.at(-1);
    if (!latest) return;
    await life.command('answerReturn', () =>
      world.orders.answerReturn(life.orderId, { requestId: life.requestId('answer'), returnId: latest.id, event }),
    );
  }),
);

const commerceManagerAnswersReturn = fc
  .constantFrom('approve' as const, 'decline' as const, 'close' as const)
  .map((action) =>
    step(`Commerce Manager answers the newest return: ${action}`, async (life) => {
      const latest = life.returns.at(-1);
      if (latest) await life.outside(() => world.admin.answerReturn(latest.id, action));
    }),
  );

/** The OMS refunds the newest return's units, naming the return (Meta then settles it REFUNDED). */
const refundReturn = fault.map((f) =>
  step(`refund the newest return${f ? ` (${f})` : ''}`, async (life) => {
    const latest = life.returns.at(-1);
    if (!latest) return;
    await withFault(life, f, 'refunds');
    await life.command('refund', () =>
      world.orders.refund(life.orderId, {
        requestId: life.requestId('refund'),
        reasonCode: 'DAMAGED_GOODS',
        items: latest.items,
        returnId: latest.id,
      }),
    );
  }),
);

const steps = fc.commands(
  [
    // Listed twice: most lives ship early, so there is something to refund and to return.
    ship,
    ship,
    cancel,
    refund,
    updateTracking,
    outsideShip,
    outsideCancel,
    outsideRefund,
    buyerReturn,
    buyerReturn,
    omsAnswersReturn,
    commerceManagerAnswersReturn,
    refundReturn,
  ],
  { maxCommands: STEPS },
);

/** 1-3 lines; the second may repeat the first's retailer id (a personalised and a plain item). */
const order = fc
  .tuple(
    fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 3 }), cents: fc.integer({ min: 50, max: 5_000 }) }), {
      minLength: 1,
      maxLength: 3,
    }),
    fc.boolean(),
  )
  .map(([lines, twin]) =>
    lines.map((l, i): LineSpec => ({
      retailerId: twin && i === 1 ? 'SKU-MODEL-0' : `SKU-MODEL-${i}`,
      quantity: l.quantity,
      pricePerUnit: dollars(l.cents),
    })),
  );

async function startLife(lines: LineSpec[], returnWindowMs = 600_000): Promise<Life> {
  await world.oms.seedProducts(
    [...new Set(lines.map((l) => l.retailerId))].map((retailerId) => ({ retailerId, name: retailerId, onHand: 1_000 })),
  );
  const [created] = await world.admin.createOrders({
    count: 1,
    items: lines.map((l) => ({ ...l, productName: l.retailerId })),
  });
  const orderId = created!.id;
  // A long return window: the life goes on after every unit is shipped (refunds, returns).
  await world.startOrder(orderId, { policy: { ...FAST_POLICY, returnWindowMs } });
  await eventually(
    async () => ((await world.orders.getState(orderId)).reservation.status === 'reserved' ? true : undefined),
    'reservation',
  );
  await world.admin.release([orderId]);
  const state = await eventually(async () => {
    const s = await world.orders.getState(orderId);
    return s.phase === 'IN_PROGRESS' ? s : undefined;
  }, 'acknowledgement');
  return new Life(
    orderId,
    state.ledger!.items.map((i) => i.itemId),
    lines,
  );
}

function count(life: Life): void {
  tally.lives += 1;
  tally.accepted += [...life.accepted.values()].reduce((a, b) => a + b, 0) + life.outsideApplied;
  tally.refused += life.refused.length;
  tally.returns += life.returns.length;
}

async function expectSettledLife(life: Life): Promise<void> {
  count(life);
  const state = await reconciled(world, life.orderId);
  expect(state.attention, 'no order is left needing attention').toBeUndefined();
  await expectBooksAgree(world, life.orderId);

  await expectReturnsAgree(life.orderId, state);

  // Never more refunded than paid: per line for its shipped units, and for shipping.
  const { meta } = (await booksOf(world, life.orderId)).raw;
  for (const item of meta.items) {
    expect(toMinorUnits(item.refundedAmount.amount)).toBeLessThanOrEqual(
      toMinorUnits(item.pricePerUnit.amount) * BigInt(item.shipped),
    );
  }

  // One effect at Meta per accepted command, whatever the faults and retries.
  const effects = (await world.admin.getLedger(life.orderId)).orders[life.orderId] ?? [];
  const ours = (kind: string) => effects.filter((e) => e.kind === kind && !e.external).length;
  expect(ours('shipment')).toBe(life.accepted.get('ship') ?? 0);
  expect(ours('cancellation')).toBe(life.accepted.get('cancel') ?? 0);
  expect(ours('refund')).toBe(life.accepted.get('refund') ?? 0);
  expect(ours('shipment_update')).toBe(life.accepted.get('updateTracking') ?? 0);
  expect(ours('return_update')).toBe(life.accepted.get('answerReturn') ?? 0);
  expect(new Set(effects.map((e) => e.idempotencyKey).filter(Boolean)).size).toBe(
    effects.filter((e) => e.idempotencyKey).length,
  );
}

/** Every return Meta shows, with its status, in the workflow's state and in the OMS, each step once. */
async function expectReturnsAgree(orderId: string, state: OrderWorkflowState): Promise<void> {
  const meta = await world.graph.listReturns(orderId);
  const oms = (await world.oms.getOrder(orderId))?.returns ?? [];
  const byId = <T, K extends keyof T>(rows: T[], key: K) => [...rows].sort((a, b) => (a[key] < b[key] ? -1 : 1));
  expect(
    byId(state.returns ?? [], 'id').map((r) => [r.id, r.status]),
    `the workflow's returns of ${orderId}`,
  ).toEqual(byId(meta, 'id').map((r) => [r.id, r.returnStatus]));
  expect(
    byId(oms, 'metaReturnId').map((r) => [r.metaReturnId, r.status]),
    `the OMS's returns of ${orderId}`,
  ).toEqual(byId(meta, 'id').map((r) => [r.id, r.returnStatus]));
  for (const r of oms) expect(new Set(r.steps).size, `each step of return ${r.metaReturnId} once`).toBe(r.steps.length);
}

test(`random order lives (seed ${SEED}, ${RUNS} runs, up to ${STEPS} steps): Meta's books, the ledger and the OMS agree; nothing is applied twice`, async () => {
  await fc.assert(
    fc.asyncProperty(order, steps, async (lines, commands) => {
      const life = await startLife(lines);
      await fc.asyncModelRun(() => ({ model: {}, real: life }), commands);
      await world.admin.clearFaults();
      await expectSettledLife(life);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
}, 600_000);

/** Until the order's latest run has completed after reading Meta's last change; its final state. */
async function endedAfterMetasLastChange(orderId: string): Promise<OrderWorkflowState> {
  const handle = world.harness.client.workflow.getHandle(orderWorkflowId(orderId));
  return eventually(async () => {
    const { lastUpdatedAt } = await world.admin.getOrder(orderId);
    const { runId, status } = await handle.describe();
    if (status.name !== 'COMPLETED') return undefined;
    // The state of that completed run: the poller may start a new run in between, whose state shows
    // Meta's change (absorbed first) before its OMS records are written.
    const s = await world.harness.client.workflow.getHandle(orderWorkflowId(orderId), runId).query(stateQuery);
    // Graph's last_updated has whole seconds.
    const seen = s.metaLastUpdated ? Date.parse(s.metaLastUpdated) : 0;
    return seen >= Math.floor(Date.parse(lastUpdatedAt) / 1000) * 1000 ? s : undefined;
  }, `order ${orderId}: ended after Meta's last change`);
}

const lateChanges = fc.commands([outsideRefund, buyerReturn, buyerReturn, commerceManagerAnswersReturn], {
  maxCommands: 4,
});

test(`ended orders changed at Meta (seed ${SEED}, ${REOPEN_RUNS} runs): each change reopens the order, the books agree when it ends again`, async () => {
  await startSinglePoller(world, 2_000);
  await fc.assert(
    fc.asyncProperty(order, lateChanges, async (lines, changes) => {
      const life = await startLife(lines, 2_000);
      await world.orders.ship(life.orderId, { requestId: 'ship-all', carrier: 'UPS', trackingNumber: '1ZALL' });
      const first = await endedAfterMetasLastChange(life.orderId);
      expect(first.phase).toBe('CLOSED');

      await fc.asyncModelRun(() => ({ model: {}, real: life }), changes);
      // An open return keeps the order open: Commerce Manager closes what is still open so it can end.
      for (const r of life.returns) await life.outside(() => world.admin.answerReturn(r.id, 'close'));

      const last = await endedAfterMetasLastChange(life.orderId);
      count(life);
      if (last.reopened) tally.reopenedLives += 1;
      expect(last.phase).toBe('CLOSED');
      if (life.outsideApplied > 0) expect(last.reopened?.count ?? 0).toBeGreaterThanOrEqual(1);
      else expect(last.reopened).toBeUndefined();
      await expectBooksAgree(world, life.orderId);
      await expectReturnsAgree(life.orderId, last);
    }),
    { seed: SEED, numRuns: REOPEN_RUNS, endOnFailure: true },
  );
}, 600_000);
