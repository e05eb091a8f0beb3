/**
 * The order workflow end to end: a real dev server, real workers, the sandbox over HTTP and the
 * reference OMS on PGlite. Exactly-once is asserted on the sandbox's ledger of applied effects.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OrderCommandRejectedError } from '../../src/client/index.js';
import type { OrderWorkflowState } from '../../src/api/order-state.js';
import { FB_NEEDS_ATTENTION, FB_ORDER_PHASE, FB_ORDER_STATE } from '../../src/api/search-attributes.js';
import {
  createOrderWorld,
  eventually,
  FAST_POLICY,
  recordHistories,
  SANDBOX_TOKEN,
  type OrderWorld,
} from './order-fixture.js';
import { orderWorkflowId } from '../../src/api/ids.js';

let world: OrderWorld;
beforeAll(async () => {
  world = await createOrderWorld();
});
afterAll(async () => {
  // `npm run record-histories`: refresh the committed histories that CI replays (test/replay.test.ts).
  if (process.env.RECORD_HISTORIES && world) await recordHistories(world, 'order');
  await world?.close();
});

const TWO_ITEMS = [
  { retailerId: 'SKU-TEE-M', quantity: 2, pricePerUnit: '20.00', productName: 'Tee (M)' },
  { retailerId: 'SKU-MUG', quantity: 1, pricePerUnit: '12.50', productName: 'Mug' },
];

async function newOrder(items = TWO_ITEMS, options: { holdForReview?: boolean } = {}): Promise<string> {
  await world.oms.seedProducts(items.map((i) => ({ retailerId: i.retailerId, name: i.productName, onHand: 100 })));
  const [order] = await world.admin.createOrders({
    count: 1,
    items,
    buyer: { name: 'Zoë Ångström' },
    channel: 'instagram',
    ...options,
  });
  return order!.id;
}

async function stateOf(orderId: string): Promise<OrderWorkflowState> {
  return world.orders.getState(orderId);
}

async function waitForPhase(orderId: string, phase: OrderWorkflowState['phase']): Promise<OrderWorkflowState> {
  return eventually(async () => {
    const state = await stateOf(orderId);
    return state.phase === phase ? state : undefined;
  }, `order ${orderId} to reach ${phase}`);
}

async function releasedAndAcknowledged(overrides: Parameters<OrderWorld['startOrder']>[1] = {}): Promise<string> {
  const orderId = await newOrder();
  await world.startOrder(orderId, overrides);
  await waitForPhase(orderId, 'AWAITING_RELEASE');
  await world.admin.release([orderId]);
  await waitForPhase(orderId, 'IN_PROGRESS');
  return orderId;
}

function effectsOf(ledger: Awaited<ReturnType<OrderWorld['admin']['getLedger']>>, orderId: string, kind: string) {
  return (ledger.orders[orderId] ?? []).filter((e) => e.kind === kind);
}

async function eventTypes(orderId: string): Promise<string[]> {
  const history = await world.harness.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
  return (history.events ?? []).map((e) => String(e.eventType));
}

describe('happy path', () => {
  test('reserved -> released -> pending in OMS -> acknowledged once -> two partial shipments (one re-tracked) -> refund -> closed', async () => {
    const orderId = await newOrder();
    await world.startOrder(orderId);
    const waiting = await eventually(async () => {
      const s = await stateOf(orderId);
      return s.reservation.status === 'reserved' ? s : undefined;
    }, 'reservation');
    expect(waiting.phase).toBe('AWAITING_RELEASE');
    expect(await world.oms.reservation(orderId)).toMatchObject({
      lines: expect.arrayContaining([expect.objectContaining({ retailerId: 'SKU-TEE-M', held: 2 })]),
    });
    expect(await world.oms.inventory('SKU-TEE-M')).toMatchObject({ reserved: 2 });

    await world.admin.release([orderId]);
    const acknowledged = await waitForPhase(orderId, 'IN_PROGRESS');
    expect(acknowledged.merchantOrderReference).toMatch(/\S/);
    expect(acknowledged.metaState).toBe('IN_PROGRESS');
    const omsOrder = await world.oms.getOrder(orderId);
    expect(omsOrder).toMatchObject({
      status: 'processing',
      paymentMethod: 'Paid on Instagram',
      merchantOrderReference: acknowledged.merchantOrderReference,
    });
    expect(omsOrder?.buyer.name).toBe('Zoë Ångström');

    const first = await world.orders.ship(orderId, {
      requestId: 'ship-1',
      items: [{ retailerId: 'SKU-TEE-M', quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: '1Z0001',
    });
    expect(first.summary).toContain('1 × SKU-TEE-M');
    // A tracking correction reaches Meta and the OMS's shipment.
    const retracked = await world.orders.updateTracking(orderId, {
      requestId: 'track-1',
      shipmentRequestId: 'ship-1',
      carrier: 'DHL',
      trackingNumber: 'JD014600003',
    });
    expect(retracked.summary).toContain('DHL JD014600003');
    expect((await world.oms.getOrder(orderId))?.shipments[0]).toMatchObject({
      requestId: 'ship-1',
      carrier: 'DHL',
      trackingNumber: 'JD014600003',
    });
    const second = await world.orders.ship(orderId, { requestId: 'ship-2', carrier: 'FEDEX', trackingNumber: '7777' });
    expect(second.metaState).toBe('COMPLETED');
    await waitForPhase(orderId, 'RETURN_WINDOW');

    const refund = await world.orders.refund(orderId, {
      requestId: 'refund-1',
      reasonCode: 'DAMAGED_GOODS',
      items: [{ retailerId: 'SKU-MUG', quantity: 1 }],
    });
    expect(refund.summary).toContain('12.50 USD');

    const closed = await world.harness.client.workflow.getHandle(orderWorkflowId(orderId)).result();
    expect(closed.phase).toBe('CLOSED');
    expect(
      closed.ledger?.items.map((i: { retailerId: string; shipped: number; refundedQuantity: number }) => [
        i.retailerId,
        i.shipped,
        i.refundedQuantity,
      ]),
    ).toEqual([
      ['SKU-TEE-M', 2, 0],
      ['SKU-MUG', 1, 1],
    ]);

    const ledger = await world.admin.getLedger();
    expect(effectsOf(ledger, orderId, 'acknowledge')).toHaveLength(1);
    expect(effectsOf(ledger, orderId, 'shipment')).toHaveLength(2);
    expect(effectsOf(ledger, orderId, 'refund')).toHaveLength(1);
    const description = await world.harness.client.workflow.getHandle(orderWorkflowId(orderId)).describe();
    expect(description.typedSearchAttributes.get(FB_ORDER_PHASE)).toBe('CLOSED');
    expect(description.typedSearchAttributes.get(FB_ORDER_STATE)).toBe('COMPLETED');
    // Buyer data never enters history: the OMS got the name, the workflow's events did not.
    const history = JSON.stringify(
      await world.harness.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory(),
    );
    expect(history).not.toContain('Zoë');
    expect(history).not.toContain(SANDBOX_TOKEN);
  });
});

describe('cancelled before release', () => {
  test('buyer cancels during FB_PROCESSING: reservation released, no acknowledgement', async () => {
    const orderId = await newOrder();
    await world.startOrder(orderId);
    await eventually(
      async () => ((await stateOf(orderId)).reservation.status === 'reserved' ? true : undefined),
      'reservation',
    );
    const outstanding = async () =>
      (await world.oms.reservation(orderId))!.lines.reduce((sum, l) => sum + l.outstanding, 0);
    expect(await outstanding()).toBe(3);
    await world.admin.buyerCancel(orderId);
    const result = await world.harness.client.workflow.getHandle(orderWorkflowId(orderId)).result();
    expect(result.phase).toBe('CANCELLED');
    expect(result.reservation.status).toBe('released');
    expect(await outstanding()).toBe(0);
    const ledger = await world.admin.getLedger();
    expect(effectsOf(ledger, orderId, 'acknowledge')).toHaveLength(0);
  });
});

describe('faults', () => {
  test('a lost response on acknowledge and on ship is retried with the same key: one effect each', async () => {
    const orderId = await newOrder();
    await world.admin.addFaultRule({
      endpoint: 'acknowledge_order',
      objectId: orderId,
      fault: 'lost_response',
      times: 1,
    });
    await world.admin.addFaultRule({ endpoint: 'shipments', objectId: orderId, fault: 'lost_response', times: 1 });
    await world.startOrder(orderId);
    await waitForPhase(orderId, 'AWAITING_RELEASE');
    await world.admin.release([orderId]);
    await waitForPhase(orderId, 'IN_PROGRESS');
    await world.orders.ship(orderId, { requestId: 'lost-ship', carrier: 'USPS', trackingNumber: '9400' });
    const ledger = await world.admin.getLedger();
    const acks = effectsOf(ledger, orderId, 'acknowledge');
    const shipments = effectsOf(ledger, orderId, 'shipment');
    expect(acks).toHaveLength(1);
    expect(shipments).toHaveLength(1);
    expect(ledger.replays.byEndpoint['POST acknowledge_order']).toBeGreaterThanOrEqual(1);
    expect(ledger.replays.byEndpoint['POST shipments']).toBeGreaterThanOrEqual(1);
  });

  test('throttling: the activity waits for the regain time instead of hammering', async () => {
    const orderId = await releasedAndAcknowledged();
    const before = await world.admin.getLedger();
    await world.admin.addFaultRule({ endpoint: 'shipments', objectId: orderId, fault: 'throttle', times: 2 });
    const started = Date.now();
    await world.orders.ship(orderId, { requestId: 'throttled-ship', carrier: 'DHL', trackingNumber: 'JD01' });
    const elapsed = Date.now() - started;
    const after = await world.admin.getLedger();
    const shipCalls =
      (after.calls.byEndpoint['POST shipments'] ?? 0) - (before.calls.byEndpoint['POST shipments'] ?? 0);
    // Two throttled answers then success: three calls, not a burst, spaced by at least the floor.
    expect(shipCalls).toBe(3);
    expect(
      (after.throttled.byEndpoint['POST shipments'] ?? 0) - (before.throttled.byEndpoint['POST shipments'] ?? 0),
    ).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(effectsOf(after, orderId, 'shipment')).toHaveLength(1);
  });

  test('an auth error parks the order in NEEDS_ATTENTION; retry after the token is fixed proceeds', async () => {
    const orderId = await newOrder();
    await world.startOrder(orderId);
    await waitForPhase(orderId, 'AWAITING_RELEASE');
    await world.admin.setAccessToken('rotated-token');
    await world.admin.release([orderId]);
    const parked = await eventually(async () => {
      const s = await stateOf(orderId);
      return s.attention ? s : undefined;
    }, 'attention');
    expect(parked.attention?.errorType).toBe('GraphAuthError');
    expect(JSON.stringify(parked)).not.toContain(SANDBOX_TOKEN);
    const flagged = await eventually(async () => {
      const d = await world.harness.client.workflow.getHandle(orderWorkflowId(orderId)).describe();
      return d.typedSearchAttributes.get(FB_NEEDS_ATTENTION) === true ? d : undefined;
    }, 'search attribute FbNeedsAttention');
    expect(flagged).toBeDefined();
    const listed = await eventually(async () => {
      const list = await world.orders.list({ needsAttention: true });
      return list.some((o) => o.orderId === orderId) ? list : undefined;
    }, 'visibility listing of orders needing attention');
    expect(listed.length).toBeGreaterThanOrEqual(1);
    await expect(
      world.orders.ship(orderId, { requestId: 'while-parked', carrier: 'UPS', trackingNumber: '1' }),
    ).rejects.toThrow(OrderCommandRejectedError);

    await world.admin.setAccessToken(SANDBOX_TOKEN);
    const retried = await world.orders.retry(orderId, { requestId: 'retry-1' });
    expect(retried.summary).toContain('retrying');
    const resumed = await waitForPhase(orderId, 'IN_PROGRESS');
    expect(resumed.attention).toBeUndefined();
  });
});

describe('commands', () => {
  test('each invalid command is rejected by its validator, with a clear message and no history event', async () => {
    // A quiet order: FAST_POLICY's refresh every second would add events of its own while the
    // commands below are refused, and the history compared before and after would differ for that.
    const orderId = await releasedAndAcknowledged({ policy: { ...FAST_POLICY, refreshIntervalMs: 600_000 } });
    const before = await eventTypes(orderId);
    const invalid: [string, () => Promise<unknown>, RegExp][] = [
      [
        'unknown item',
        () =>
          world.orders.ship(orderId, {
            requestId: 'bad-1',
            items: [{ retailerId: 'NOPE', quantity: 1 }],
            carrier: 'UPS',
            trackingNumber: '1',
          }),
        /unknown item "NOPE"/,
      ],
      [
        'over-quantity',
        () =>
          world.orders.ship(orderId, {
            requestId: 'bad-2',
            items: [{ retailerId: 'SKU-MUG', quantity: 2 }],
            carrier: 'UPS',
            trackingNumber: '1',
          }),
        /cannot ship 2 of SKU-MUG: only 1/,
      ],
      [
        'bad carrier',
        () => world.orders.ship(orderId, { requestId: 'bad-3', carrier: 'PONY_EXPRESS', trackingNumber: '1' }),
        /unknown carrier code "PONY_EXPRESS"/,
      ],
      [
        'refund before shipment',
        () => world.orders.refund(orderId, { requestId: 'bad-4', reasonCode: 'DAMAGED_GOODS', full: true }),
        /nothing has shipped yet/,
      ],
      [
        'bad cancel reason',
        () => world.orders.cancel(orderId, { requestId: 'bad-5', reasonCode: 'BORED' as never, restock: true }),
        /reasonCode must be one of/,
      ],
      [
        'bad refund reason',
        () => world.orders.refund(orderId, { requestId: 'bad-6', reasonCode: 'FACEBOOK_INITIATED' as never }),
        /reasonCode must be one of/,
      ],
      [
        'other merchant reference',
        () =>
          world.orders.ship(orderId, {
            requestId: 'bad-7',
            carrier: 'UPS',
            trackingNumber: '1',
            merchantOrderReference: 'SOMEONE-ELSE',
          }),
        /differs from/,
      ],
    ];
    for (const [what, send, message] of invalid) {
      const error = await send().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error, what).toBeInstanceOf(OrderCommandRejectedError);
      expect((error as Error).message, what).toMatch(message);
    }
    // Also past our client: a raw Update with bad content is refused by the workflow's own validator.
    const raw = await world.harness.client.workflow
      .getHandle(orderWorkflowId(orderId))
      .executeUpdate('ship', {
        args: [
          { requestId: 'raw-1', items: [{ retailerId: 'SKU-MUG', quantity: 5 }], carrier: 'UPS', trackingNumber: '1' },
        ],
      })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(String((raw as Error).cause ?? raw)).toMatch(/cannot ship 5 of SKU-MUG/);
    expect(await eventTypes(orderId)).toEqual(before);

    await world.orders.ship(orderId, {
      requestId: 'good-1',
      items: [{ retailerId: 'SKU-MUG', quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: '1',
    });
    await expect(
      world.orders.cancel(orderId, {
        requestId: 'bad-8',
        reasonCode: 'OUT_OF_STOCK',
        restock: true,
        items: [{ retailerId: 'SKU-MUG', quantity: 1 }],
      }),
    ).rejects.toThrow(/shipped units cannot be cancelled/);
    await expect(
      world.orders.refund(orderId, {
        requestId: 'bad-9',
        reasonCode: 'DAMAGED_GOODS',
        items: [{ retailerId: 'SKU-MUG', amount: { amount: '99.00', currency: 'USD' } }],
      }),
    ).rejects.toThrow(/only 12.50 is left/);
  });

  test('the same requestId sent twice ships once and returns the first outcome', async () => {
    const orderId = await releasedAndAcknowledged();
    const command = {
      requestId: 'dup-ship',
      items: [{ retailerId: 'SKU-TEE-M', quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: '1Z42',
    };
    const [a, b] = await Promise.all([world.orders.ship(orderId, command), world.orders.ship(orderId, command)]);
    const c = await world.orders.ship(orderId, command);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    await expect(world.orders.ship(orderId, { ...command, trackingNumber: 'OTHER' })).rejects.toThrow(
      /already used for a different ship command/,
    );
    const ledger = await world.admin.getLedger();
    expect(effectsOf(ledger, orderId, 'shipment')).toHaveLength(1);
    expect((await stateOf(orderId)).ledger?.items.find((i) => i.retailerId === 'SKU-TEE-M')?.shipped).toBe(1);
  });

  test('commands as signals: applied with the same keys; a rejected one is recorded in the state', async () => {
    const orderId = await releasedAndAcknowledged();
    await world.orders.send(orderId, 'ship', {
      requestId: 'sig-ship',
      items: [{ retailerId: 'SKU-MUG', quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: 'S1',
    });
    // Valid in shape (the client passes it) but impossible now: only the workflow can tell.
    await world.orders.send(orderId, 'ship', {
      requestId: 'sig-ship-2',
      items: [{ retailerId: 'SKU-MUG', quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: 'S2',
    });
    const state = await eventually(async () => {
      const s = await stateOf(orderId);
      return s.commands['sig-ship'] && s.rejectedSignals.length > 0 ? s : undefined;
    }, 'signal outcomes');
    expect(state.rejectedSignals[0]).toMatchObject({ kind: 'ship', requestId: 'sig-ship-2' });
    expect(state.rejectedSignals[0]!.reason).toMatch(/only 0 unshipped/);
    // The OMS hears of the rejection through an activity that runs just after the state records it.
    const reported = await eventually(async () => {
      const events = await world.oms.events(orderId);
      return events.some((e) => JSON.stringify(e).includes('sig-ship-2')) ? true : undefined;
    }, 'the rejection reported to the OMS');
    expect(reported).toBe(true);
    expect(effectsOf(await world.admin.getLedger(), orderId, 'shipment')).toHaveLength(1);
  });

  test('cancel, partial: remaining units cancelled with restock; all shipped or cancelled completes the order', async () => {
    const orderId = await releasedAndAcknowledged();
    await world.orders.ship(orderId, {
      requestId: 'c-ship',
      items: [{ retailerId: 'SKU-TEE-M', quantity: 2 }],
      carrier: 'UPS',
      trackingNumber: 'C1',
    });
    const cancel = await world.orders.cancel(orderId, {
      requestId: 'c-cancel',
      reasonCode: 'OUT_OF_STOCK',
      restock: true,
      items: [{ retailerId: 'SKU-MUG', quantity: 1 }],
    });
    expect(cancel.metaState).toBe('COMPLETED');
    await waitForPhase(orderId, 'RETURN_WINDOW');
    expect(effectsOf(await world.admin.getLedger(), orderId, 'cancellation')).toHaveLength(1);
  });
});

describe('external changes and long histories', () => {
  test('a cancellation made in Commerce Manager is reconciled into the ledger and reported to the OMS', async () => {
    const orderId = await releasedAndAcknowledged();
    await world.admin.cancelExternally(orderId, { items: [{ retailerId: 'SKU-MUG', quantity: 1 }] });
    const state = await eventually(async () => {
      const s = await stateOf(orderId);
      return s.externalChanges.length > 0 ? s : undefined;
    }, 'external change');
    expect(state.externalChanges[0]).toMatchObject({
      kind: 'cancelled',
      lines: [{ retailerId: 'SKU-MUG', quantity: 1 }],
    });
    expect(state.ledger?.items.find((i) => i.retailerId === 'SKU-MUG')?.cancelled).toBe(1);
    // The OMS records it once, by Meta's cancellation id (the activity runs after the state shows it).
    const requestId = `meta-cancellation-${state.externalChanges[0]!.metaObjectId}`;
    const recorded = await eventually(async () => {
      const found = (await world.oms.getOrder(orderId))!.cancellations.filter((c) => c.requestId === requestId);
      return found.length > 0 ? found : undefined;
    }, 'the OMS record of the cancellation made in Commerce Manager');
    expect(recorded).toEqual([expect.objectContaining({ requestId, origin: 'external' })]);
    await expect(
      world.orders.ship(orderId, {
        requestId: 'after-ext',
        items: [{ retailerId: 'SKU-MUG', quantity: 1 }],
        carrier: 'UPS',
        trackingNumber: '1',
      }),
    ).rejects.toThrow(/only 0 unshipped/);
  });

  test('continue-as-new carries the whole state over', async () => {
    const orderId = await newOrder();
    await world.startOrder(orderId, { policy: { ...FAST_POLICY, maxHistoryEvents: 40 } });
    await waitForPhase(orderId, 'AWAITING_RELEASE');
    await world.admin.release([orderId]);
    await waitForPhase(orderId, 'IN_PROGRESS');
    for (let i = 1; i <= 3; i++) {
      await world.orders.ship(orderId, {
        requestId: `can-${i}`,
        items: [{ retailerId: i === 3 ? 'SKU-MUG' : 'SKU-TEE-M', quantity: 1 }],
        carrier: 'UPS',
        trackingNumber: `CAN${i}`,
      });
    }
    const state = await eventually(async () => {
      const s = await stateOf(orderId);
      return s.continuedAsNew > 0 && s.phase === 'RETURN_WINDOW' ? s : undefined;
    }, 'continue-as-new');
    expect(Object.keys(state.commands).sort()).toEqual(['can-1', 'can-2', 'can-3']);
    // A repeat after continue-as-new is still answered from the carried state, not applied again.
    const repeat = await world.orders.ship(orderId, {
      requestId: 'can-1',
      items: [{ retailerId: 'SKU-TEE-M', quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: 'CAN1',
    });
    expect(repeat.requestId).toBe('can-1');
    expect(effectsOf(await world.admin.getLedger(), orderId, 'shipment')).toHaveLength(3);
  });
});

// Last in the file: it moves the sandbox's clock, which the other scenarios must not see.
describe('stuck in FB_PROCESSING', () => {
  test('past the stock limit (shortened) its stock goes back and ops are told; released later, the pending OMS order holds it again', async () => {
    const lamps = [{ retailerId: 'SKU-STUCK-LAMP', quantity: 3, pricePerUnit: '30.00', productName: 'Lamp' }];
    const orderId = await newOrder(lamps, { holdForReview: true }); // Meta keeps it in FB_PROCESSING
    await world.startOrder(orderId, { policy: { ...FAST_POLICY, releaseStockAfterMs: 1_500 } });

    const givenBack = await eventually(async () => {
      const s = await stateOf(orderId);
      return s.reservation.releasedWhileProcessing ? s : undefined;
    }, 'the stock given back');
    expect(givenBack.phase).toBe('AWAITING_RELEASE');
    expect(givenBack.reservation.status).toBe('released');
    expect(await world.oms.inventory('SKU-STUCK-LAMP')).toMatchObject({ reserved: 0 });
    await eventually(async () => {
      const events = await world.oms.events(orderId);
      return events.find((e) => e.kind === 'ops.notification' && /stock was given back/.test(e.detail));
    }, 'the ops notification');

    await world.admin.release([orderId]);
    await eventually(async () => ((await stateOf(orderId)).phase === 'IN_PROGRESS' ? true : undefined), 'IN_PROGRESS');
    expect(await world.oms.inventory('SKU-STUCK-LAMP')).toMatchObject({ reserved: 3 });
    const events = await world.oms.events(orderId);
    expect(events.filter((e) => e.kind === 'inventory.reserved_again')).toHaveLength(1);
  });

  test('past 24 hours (shortened) the order is flagged and ops told; a whole-order seller cancel ends it', async () => {
    const orderId = await newOrder(TWO_ITEMS, { holdForReview: true }); // Meta never releases it
    const handle = world.harness.client.workflow.getHandle(orderWorkflowId(orderId));
    await world.startOrder(orderId, { policy: { ...FAST_POLICY, processingOverdueAfterMs: 1_500 } });

    const flagged = await eventually(async () => {
      const s = await stateOf(orderId);
      return s.processingOverdue ? s : undefined;
    }, 'the overdue flag');
    expect(flagged.phase).toBe('AWAITING_RELEASE');
    expect(flagged.reservation.status).toBe('reserved');
    await eventually(
      async () => ((await handle.describe()).typedSearchAttributes.get(FB_NEEDS_ATTENTION) === true ? true : undefined),
      'FbNeedsAttention',
    );
    const told = await eventually(async () => {
      const events = await world.oms.events(orderId);
      return events.find((e) => e.kind === 'ops.notification' && /FB_PROCESSING for over 24 hours/.test(e.detail));
    }, 'the ops notification');
    expect(told.severity).toBe('warning');

    // Meta lets a seller cancel an order stuck in FB_PROCESSING only whole.
    await expect(
      world.orders.cancel(orderId, {
        requestId: 'stuck-part',
        reasonCode: 'OUT_OF_STOCK',
        restock: true,
        items: [{ retailerId: 'SKU-MUG', quantity: 1 }],
      }),
    ).rejects.toThrow(/only be cancelled whole/);
    await world.admin.advanceClock(25 * 3_600_000); // Meta's own 24-hour rule, on the sandbox's clock
    try {
      const cancelled = await world.orders.cancel(orderId, {
        requestId: 'stuck-cancel',
        reasonCode: 'OUT_OF_STOCK',
        restock: true,
      });
      expect(cancelled.metaState).toBe('COMPLETED'); // Meta has no CANCELLED state: every unit cancelled is COMPLETED
      const result = await handle.result();
      expect(result.phase).toBe('CANCELLED');
      expect(result.reservation.status).toBe('released');
      const ledger = await world.admin.getLedger();
      expect(effectsOf(ledger, orderId, 'cancellation')).toHaveLength(1);
      expect(effectsOf(ledger, orderId, 'acknowledge')).toHaveLength(0);
    } finally {
      await world.admin.setClockOffset(0);
    }
  });
});

// Last in the file, so the histories recorded before it keep their numbers (order-NN follows start order).
describe('Meta refuses a whole-order cancel once anything shipped', () => {
  test('cancel without items after a partial ship cancels the unshipped units by name', async () => {
    const orderId = await releasedAndAcknowledged();
    await world.orders.ship(orderId, {
      requestId: 'rest-ship',
      items: [{ retailerId: 'SKU-TEE-M', quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: 'R1',
    });
    const cancel = await world.orders.cancel(orderId, {
      requestId: 'rest-cancel',
      reasonCode: 'OUT_OF_STOCK',
      restock: true,
    });
    expect(cancel.metaState).toBe('COMPLETED');
    const [cancellation, ...more] = effectsOf(await world.admin.getLedger(), orderId, 'cancellation');
    expect(more).toEqual([]);
    const sent = cancellation!.request as { items?: { quantity: number }[] };
    expect(sent.items?.map((line) => line.quantity).sort()).toEqual([1, 1]);
    const items = (await world.admin.getOrder(orderId)).items;
    expect(items.map((i) => [i.retailerId, i.shipped, i.cancelled])).toEqual([
      ['SKU-TEE-M', 1, 1],
      ['SKU-MUG', 0, 1],
    ]);
  });
});
