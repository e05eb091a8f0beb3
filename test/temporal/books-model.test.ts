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
 * Seeded and reproducible: BOOKS_MODEL_SEED, BOOKS_MODEL_RUNS (default 4 in CI; a longer run
 * with e.g. BOOKS_MODEL_RUNS=40), BOOKS_MODEL_STEPS (default 8).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { CommandKind } from '../../src/api/command-kinds.js';
import { OrderCommandRejectedError } from '../../src/client/index.js';
import { toMinorUnits } from '../../src/domain/money.js';
import { booksOf, expectBooksAgree, reconciled } from './books.js';
import { createOrderWorld, eventually, FAST_POLICY, type OrderWorld } from './order-fixture.js';

const SEED = Number(process.env.BOOKS_MODEL_SEED ?? 20261202);
const RUNS = Number(process.env.BOOKS_MODEL_RUNS ?? 4);
const STEPS = Number(process.env.BOOKS_MODEL_STEPS ?? 8);

let world: OrderWorld;
beforeAll(async () => {
  world = await createOrderWorld();
});
afterAll(async () => {
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

  /** Commerce Manager may refuse too (nothing open, nothing to refund): that is Meta's answer, not a failure. */
  async outside(act: () => Promise<unknown>): Promise<void> {
    await act().catch((err: unknown) => this.refused.push(`outside: ${String(err)}`));
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

const steps = fc.commands([ship, cancel, refund, updateTracking, outsideShip, outsideCancel, outsideRefund], {
  maxCommands: STEPS,
});

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

async function startLife(lines: LineSpec[]): Promise<Life> {
  await world.oms.seedProducts(
    [...new Set(lines.map((l) => l.retailerId))].map((retailerId) => ({ retailerId, name: retailerId, onHand: 1_000 })),
  );
  const [created] = await world.admin.createOrders({
    count: 1,
    items: lines.map((l) => ({ ...l, productName: l.retailerId })),
  });
  const orderId = created!.id;
  // A long return window: the life goes on after every unit is shipped (refunds, returns).
  await world.startOrder(orderId, { policy: { ...FAST_POLICY, returnWindowMs: 600_000 } });
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

async function expectSettledLife(life: Life): Promise<void> {
  const state = await reconciled(world, life.orderId);
  expect(state.attention, 'no order is left needing attention').toBeUndefined();
  await expectBooksAgree(world, life.orderId);

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
  expect(new Set(effects.map((e) => e.idempotencyKey).filter(Boolean)).size).toBe(
    effects.filter((e) => e.idempotencyKey).length,
  );
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
