/**
 * Books that match Meta's, on a real dev server against the sandbox (strict idempotency on) and
 * the reference OMS: the ledger by Meta item id, changes made in Commerce Manager read from Meta's
 * history edges and reported to the OMS once as structured records, refunds that say exactly what
 * they mean, an explicit restock choice, an order cancelled while CREATED, and a corrected command
 * re-sent under the same requestId.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { OrderWorkflowState } from '../../src/api/order-state.js';
import { OrderCommandRejectedError } from '../../src/client/index.js';
import { toMinorUnits } from '../../src/domain/money.js';
import { expectBooksAgree as expectBooksAgreeIn, reconciled as reconciledIn, waitForOrder } from './books.js';
import { createOrderWorld, eventually, FAST_POLICY, recordHistories, type OrderWorld } from './order-fixture.js';

let world: OrderWorld;
beforeAll(async () => {
  world = await createOrderWorld();
});
afterAll(async () => {
  if (process.env.RECORD_HISTORIES && world) await recordHistories(world, 'books');
  await world?.close();
});

type Line = { retailerId: string; quantity: number; pricePerUnit: string; productName: string };
const TEE: Line = { retailerId: 'SKU-BK-TEE', quantity: 2, pricePerUnit: '20.00', productName: 'Tee' };
const MUG: Line = { retailerId: 'SKU-BK-MUG', quantity: 1, pricePerUnit: '12.50', productName: 'Mug' };

async function newOrder(items: Line[], onHand = 100): Promise<string> {
  await world.oms.seedProducts(
    [...new Set(items.map((i) => i.retailerId))].map((retailerId) => ({ retailerId, name: retailerId, onHand })),
  );
  const [order] = await world.admin.createOrders({ count: 1, items, buyer: { name: 'Ada Buyer' } });
  return order!.id;
}

const stateOf = (orderId: string) => world.orders.getState(orderId);

const waitFor = (orderId: string, what: string, ok: (s: OrderWorkflowState) => boolean) =>
  waitForOrder(world, orderId, what, ok);

async function acknowledged(items: Line[], onHand?: number): Promise<string> {
  const orderId = await newOrder(items, onHand);
  await world.startOrder(orderId);
  await waitFor(orderId, 'reservation', (s) => s.reservation.status === 'reserved');
  await world.admin.release([orderId]);
  await waitFor(orderId, 'IN_PROGRESS', (s) => s.phase === 'IN_PROGRESS');
  return orderId;
}

const cents = (amount: string) => toMinorUnits(amount);
const expectBooksAgree = (orderId: string) => expectBooksAgreeIn(world, orderId);
const reconciled = (orderId: string) => reconciledIn(world, orderId);

/** Every payload's data in a history, decoded (payload bytes are not readable in the history's JSON). */
function payloadTexts(node: unknown, out: string[] = []): string[] {
  if (node instanceof Uint8Array) return out;
  if (Array.isArray(node)) for (const child of node) payloadTexts(child, out);
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (record.metadata && record.data instanceof Uint8Array) out.push(Buffer.from(record.data).toString('utf8'));
    for (const child of Object.values(record)) payloadTexts(child, out);
  }
  return out;
}

/**
 * How many `counted` activities the order scheduled after its first `first` activity. The workflow
 * awaits each activity before it moves on, so a later one means the earlier one's work is done.
 */
async function activitiesAfterFirst(orderId: string, first: string, counted: readonly string[]): Promise<number> {
  const { events } = await world.harness.client.workflow.getHandle(`fb-order-${orderId}`).fetchHistory();
  const scheduled = (events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
  const from = scheduled.indexOf(first);
  return from < 0 ? 0 : scheduled.slice(from + 1).filter((name) => counted.includes(name)).length;
}

/** The activities a refresh reads Meta with (one of them per refresh, by patch: src/order/refresh.ts). */
const REFRESH_READS = ['fetchOrderWithHistory', 'fetchOrderSnapshot'] as const;

describe('the ledger by Meta item id', () => {
  test('two lines of one retailer id: "ship all" ships each once; the retailer id alone is refused with the item ids', async () => {
    const plain = { ...MUG, quantity: 1, productName: 'Mug' };
    const named = { ...MUG, quantity: 1, pricePerUnit: '18.00', productName: 'Mug with a name' };
    const orderId = await acknowledged([named, plain]);
    const [first, second] = (await stateOf(orderId)).ledger!.items;

    const refused = await world.orders
      .ship(orderId, {
        requestId: 'twin-1',
        items: [{ retailerId: MUG.retailerId, quantity: 1 }],
        carrier: 'UPS',
        trackingNumber: '1',
      })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(OrderCommandRejectedError);
    expect((refused as OrderCommandRejectedError).reason).toBe(
      `retailer id ${MUG.retailerId} names 2 lines of this order (item ids ${first!.itemId}, ${second!.itemId}): name the line by itemId`,
    );

    const one = await world.orders.ship(orderId, {
      requestId: 'twin-2',
      items: [{ itemId: first!.itemId, quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: '1Z-TWIN',
    });
    expect(one.summary).toBe(`shipped 1 × ${MUG.retailerId} with UPS 1Z-TWIN`);
    await world.orders.ship(orderId, { requestId: 'twin-3', carrier: 'UPS', trackingNumber: '1Z-TWIN-2' });
    const done = await waitFor(orderId, 'every line shipped once', (s) => s.phase === 'RETURN_WINDOW');
    expect(done.ledger!.items.map((i) => i.shipped)).toEqual([1, 1]);
    await reconciled(orderId);
    await expectBooksAgree(orderId);
  });
});

describe("changes made in Commerce Manager reach the ledger and the OMS once, from Meta's history edges", () => {
  test('a shipment: recorded with carrier, tracking and items, marked external; stock leaves', async () => {
    const orderId = await acknowledged([TEE, MUG]);
    const before = (await world.oms.inventory(MUG.retailerId))!;
    const { objectId } = await world.admin.shipExternally(orderId, {
      items: [{ retailerId: MUG.retailerId, quantity: 1 }],
      carrier: 'FEDEX',
      trackingNumber: 'CM-7788',
    });
    const state = await waitFor(orderId, 'the external shipment', (s) =>
      s.externalChanges.some((c) => c.metaObjectId === objectId),
    );
    expect(state.externalChanges.filter((c) => c.kind === 'shipped')).toHaveLength(1);
    // The state shows the change as the workflow applies it; the OMS record follows (its own activity).
    const shipment = await eventually(
      async () =>
        (await world.oms.getOrder(orderId))!.shipments.find((s) => s.requestId === `meta-shipment-${objectId}`),
      'the OMS record of the external shipment',
    );
    expect(shipment).toMatchObject({ carrier: 'FEDEX', trackingNumber: 'CM-7788' });
    expect((await world.oms.inventory(MUG.retailerId))!.onHand).toBe(before.onHand - 1);
    await reconciled(orderId);
    await expectBooksAgree(orderId);
  });

  test("a cancellation with restock keeps the stock; one without writes it off; Meta's flag and initiator reach the OMS", async () => {
    const orderId = await acknowledged([{ ...TEE, quantity: 3 }]);
    const before = (await world.oms.inventory(TEE.retailerId))!;
    const restocked = await world.admin.cancelExternally(orderId, {
      items: [{ retailerId: TEE.retailerId, quantity: 1 }],
      restock: true,
      initiatedBy: 'BUYER',
    });
    await waitFor(orderId, 'restocked cancel', (s) =>
      s.externalChanges.some((c) => c.metaObjectId === restocked.objectId),
    );
    const writtenOff = await world.admin.cancelExternally(orderId, {
      items: [{ retailerId: TEE.retailerId, quantity: 1 }],
      restock: false,
      reasonCode: 'OUT_OF_STOCK',
    });
    await waitFor(orderId, 'written-off cancel', (s) =>
      s.externalChanges.some((c) => c.metaObjectId === writtenOff.objectId),
    );
    // The state shows each change as the workflow applies it; its OMS record follows (its own activity).
    const cancellations = await eventually(async () => {
      const recorded = (await world.oms.getOrder(orderId))!.cancellations;
      const requestIds = recorded.map((c) => c.requestId);
      return [restocked, writtenOff].every(({ objectId }) => requestIds.includes(`meta-cancellation-${objectId}`))
        ? recorded
        : undefined;
    }, 'the OMS records of both cancellations');
    expect(cancellations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          requestId: `meta-cancellation-${restocked.objectId}`,
          restock: true,
          origin: 'external',
        }),
        expect.objectContaining({
          requestId: `meta-cancellation-${writtenOff.objectId}`,
          restock: false,
          origin: 'external',
        }),
      ]),
    );
    // The restocked unit is sellable again; the other is gone from stock.
    expect((await world.oms.inventory(TEE.retailerId))!.onHand).toBe(before.onHand - 1);
    await reconciled(orderId);
    await expectBooksAgree(orderId);
  });

  test("a refund made in Commerce Manager: Meta's amounts in the ledger and the OMS; refunding more than is left is refused", async () => {
    const orderId = await acknowledged([TEE]);
    await world.orders.ship(orderId, { requestId: 'cm-ship', carrier: 'UPS', trackingNumber: '1Z-CM' });
    const { objectId } = await world.admin.refundExternally(orderId, {
      items: [{ retailerId: TEE.retailerId, amount: '25.00' }],
      reasonCode: 'REFUND_REASON_OTHER',
    });
    const state = await waitFor(orderId, 'the external refund', (s) => {
      return s.externalChanges.some((c) => c.metaObjectId === objectId);
    });
    expect(state.ledger!.items[0]!.refundedAmount).toBe('25.00');
    const refused = await world.orders
      .refund(orderId, {
        requestId: 'too-much',
        reasonCode: 'DAMAGED_GOODS',
        items: [{ retailerId: TEE.retailerId, amount: { amount: '20.00', currency: 'USD' } }],
      })
      .catch((err: unknown) => err);
    expect((refused as OrderCommandRejectedError).reason).toBe(
      `cannot refund 20.00 USD of ${TEE.retailerId}: only 15.00 is left of what was paid for shipped units`,
    );
    await reconciled(orderId);
    await expectBooksAgree(orderId);
  });
});

describe('refunds say exactly what they mean', () => {
  test("a shipping-only refund refunds shipping and nothing else; Meta's amounts reach the OMS", async () => {
    const orderId = await acknowledged([TEE]);
    await world.orders.ship(orderId, { requestId: 'so-ship', carrier: 'UPS', trackingNumber: '1Z-SO' });
    const outcome = await world.orders.refund(orderId, {
      requestId: 'so-refund',
      reasonCode: 'REFUND_REASON_OTHER',
      shippingRefund: { amount: '4.99', currency: 'USD' },
    });
    expect(outcome.summary).toBe('refunded 4.99 USD shipping (REFUND_REASON_OTHER)');
    const meta = await world.admin.getOrder(orderId);
    expect(meta.items.every((i) => cents(i.refundedAmount.amount) === 0n)).toBe(true);
    expect(meta.shippingRefunded.amount).toMatch(/^4\.990?$/);
    const refund = (await world.oms.getOrder(orderId))!.refunds.find((r) => r.requestId === 'so-refund');
    expect(refund).toMatchObject({ origin: 'merchant' });
    expect(refund!.metaRefundId).toMatch(/^\d+$/);
    await reconciled(orderId);
    await expectBooksAgree(orderId);
  });
});

describe('seller cancel', () => {
  test('restock: false writes the cancelled units off in the OMS (the default path, now said out loud)', async () => {
    const orderId = await acknowledged([{ ...TEE, quantity: 2 }]);
    const before = (await world.oms.inventory(TEE.retailerId))!;
    await world.orders.cancel(orderId, {
      requestId: 'no-restock',
      reasonCode: 'OUT_OF_STOCK',
      restock: false,
      items: [{ retailerId: TEE.retailerId, quantity: 1 }],
    });
    expect((await world.oms.inventory(TEE.retailerId))!.onHand).toBe(before.onHand - 1);
    const cancelled = (await world.oms.getOrder(orderId))!.cancellations.find((c) => c.requestId === 'no-restock');
    expect(cancelled).toMatchObject({ restock: false, origin: 'merchant' });
    expect(cancelled!.metaCancellationId).toMatch(/^\d+$/);
    await reconciled(orderId);
    await expectBooksAgree(orderId);
  });

  test('an order cancelled while CREATED, before the acknowledgement lands, ends CANCELLED with its reservation released', async () => {
    const orderId = await newOrder([MUG]);
    const held = (await world.oms.inventory(MUG.retailerId))!;
    // The buyer cancels through support at the worst moment: after the order is seen CREATED and
    // its pending OMS order made, before the acknowledgement reaches Meta.
    const oms = world.oms as unknown as Record<string, unknown>;
    const createPendingOrder = world.oms.createPendingOrder.bind(world.oms);
    oms.createPendingOrder = async (input: Parameters<typeof createPendingOrder>[0]) => {
      const created = await createPendingOrder(input);
      if (input.metaOrderId === orderId)
        await world.admin.cancelExternally(orderId, { initiatedBy: 'BUYER', restock: true });
      return created;
    };
    try {
      await world.startOrder(orderId);
      await waitFor(orderId, 'reservation', (s) => s.reservation.status === 'reserved');
      await world.admin.release([orderId]);
      const ended = await waitFor(orderId, 'CANCELLED', (s) => s.phase === 'CANCELLED');
      expect(ended.reservation.status).toBe('released');
      expect(ended.attention).toBeUndefined();
      expect(ended.ledger!.items[0]!.cancelled).toBe(1);
    } finally {
      delete oms.createPendingOrder;
    }
    expect((await world.oms.inventory(MUG.retailerId))!.reserved).toBe(held.reserved);
    const cancellation = (await world.oms.getOrder(orderId))!.cancellations[0];
    expect(cancellation).toMatchObject({ origin: 'external', initiatedBy: 'BUYER', restock: true });
    const effects = (await world.admin.getLedger(orderId)).orders[orderId] ?? [];
    expect(effects.filter((e) => e.kind === 'acknowledge')).toHaveLength(0);
  });
});

describe('warehouse facts and money', () => {
  test('ship-by date, personalisation, shipping option, item tax and a promotion Meta pays reach the OMS with the pending order', async () => {
    await world.oms.seedProducts([{ retailerId: 'SKU-WH-MUG', name: 'Mug', onHand: 100 }]);
    const [created] = await world.admin.createOrders({
      count: 1,
      items: [
        { retailerId: 'SKU-WH-MUG', quantity: 2, pricePerUnit: '10.00', productName: 'Mug', customization: 'Für Oma' },
      ],
      shipping: { name: 'Express', price: '5.00', minDays: 1, maxDays: 2 },
      taxRate: 0.1,
      facebookPaid: '4.00',
    });
    const orderId = created!.id;
    await world.startOrder(orderId);
    await waitFor(orderId, 'reservation', (s) => s.reservation.status === 'reserved');
    await world.admin.release([orderId]);
    await waitFor(orderId, 'IN_PROGRESS', (s) => s.phase === 'IN_PROGRESS');
    const oms = (await world.oms.getOrder(orderId))!;
    expect(oms.shipByDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(oms.totals).toMatchObject({
      tax: { amount: '2.50', currency: 'USD' },
      facebookPaid: { amount: '4.00', currency: 'USD' },
      buyerPaid: { amount: '23.50', currency: 'USD' },
    });
    expect(oms.lines[0]).toMatchObject({
      customization: 'Für Oma',
      shippingOption: { name: 'Express', minDays: 1, maxDays: 2 },
      tax: { amount: '2.00', currency: 'USD' },
    });
    // None of it in the workflow's history: the buyer's text stays between Meta and the OMS.
    const history = await world.harness.client.workflow.getHandle(`fb-order-${orderId}`).fetchHistory();
    const payloads = payloadTexts(history);
    expect(
      payloads.some((text) => text.includes('"state"')),
      'the check reads payloads',
    ).toBe(true);
    expect(payloads.filter((text) => text.includes('Für Oma'))).toEqual([]);
  });
});

describe('ship-by date', () => {
  test('an order not fully shipped close to its ship-by date is flagged at risk, once: search attribute, details, ops notice', async () => {
    const orderId = await newOrder([TEE]);
    // "Close" is a month here, so the order is at risk as soon as it is acknowledged.
    await world.startOrder(orderId, { policy: { ...FAST_POLICY, atRiskBeforeShipByMs: 30 * 24 * 3_600_000 } });
    await waitFor(orderId, 'reservation', (s) => s.reservation.status === 'reserved');
    await world.admin.release([orderId]);
    const flagged = await waitFor(orderId, 'at risk', (s) => s.atRisk === true);
    expect(flagged.shipByDate).toBe((await world.graph.getOrder(orderId, ['shipByDate'])).shipByDate);
    const listed = await eventually(
      async () => (await world.orders.list({ cmsId: world.cmsId, atRisk: true })).find((o) => o.orderId === orderId),
      'the order listed at risk',
    );
    expect(listed.atRisk).toBe(true);
    await eventually(async () => ((await stateOf(orderId)).historyReadAt ? true : undefined), 'a later refresh');
    // The state shows the flag before the notice's OMS activity has run: wait for the notice, then for
    // two more refreshes (the loop checks the ship-by date after each), before counting the notices.
    const notices = () =>
      world.oms.events(orderId).then((events) => events.filter((e) => /must ship by/.test(e.detail)));
    await eventually(async () => ((await notices()).length > 0 ? true : undefined), 'the at-risk notice in the OMS');
    await eventually(
      async () => ((await activitiesAfterFirst(orderId, 'notifyOps', REFRESH_READS)) >= 2 ? true : undefined),
      'two refreshes after the notice',
    );
    expect(await notices()).toHaveLength(1);
  });
});

describe('stock', () => {
  test('an order first seen already released is reserved by its pending OMS order: no order skips stock', async () => {
    const orderId = await newOrder([{ ...MUG, quantity: 1 }]);
    const before = (await world.oms.inventory(MUG.retailerId))!;
    await world.admin.release([orderId]);
    await world.startOrder(orderId);
    const acknowledged = await waitFor(orderId, 'IN_PROGRESS', (s) => s.phase === 'IN_PROGRESS');
    expect(acknowledged.reservation.status).toBe('none'); // never reserved in FB_PROCESSING...
    expect((await world.oms.reservation(orderId))?.lines).toEqual([
      expect.objectContaining({ retailerId: MUG.retailerId, held: 1 }),
    ]); // ...but held by the OMS
    expect((await world.oms.inventory(MUG.retailerId))!.reserved).toBe(before.reserved + 1);
  });
});

describe('a corrected command under the same requestId', () => {
  test('is sent under a key of its own: Meta (strict) refused the first body and takes the corrected one', async () => {
    // This order refreshes rarely, so it does not yet know of the cancellation below.
    const orderId = await newOrder([TEE]);
    await world.startOrder(orderId, { policy: { ...FAST_POLICY, refreshIntervalMs: 600_000 } });
    await waitFor(orderId, 'reservation', (s) => s.reservation.status === 'reserved');
    await world.admin.release([orderId]);
    await waitFor(orderId, 'IN_PROGRESS', (s) => s.phase === 'IN_PROGRESS');
    await world.admin.cancelExternally(orderId, {
      items: [{ retailerId: TEE.retailerId, quantity: 1 }],
      restock: true,
    });

    const refused = await world.orders
      .ship(orderId, { requestId: 'fix-1', carrier: 'UPS', trackingNumber: '1Z-BOTH' })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(OrderCommandRejectedError);
    expect((refused as OrderCommandRejectedError).source).toBe('meta');

    const corrected = await world.orders.ship(orderId, {
      requestId: 'fix-1',
      items: [{ retailerId: TEE.retailerId, quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: '1Z-ONE',
    });
    expect(corrected.summary).toBe(`shipped 1 × ${TEE.retailerId} with UPS 1Z-ONE`);
    const shipments = ((await world.admin.getLedger(orderId)).orders[orderId] ?? []).filter(
      (e) => e.kind === 'shipment',
    );
    expect(shipments).toHaveLength(1);
  });
});
