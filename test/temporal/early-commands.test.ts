/**
 * A ship command that arrives before the order's acknowledgement has landed (an OMS hears of the
 * order from the pending-order event, and may ship at once): it is taken, waits for the
 * acknowledgement, and is carried out once; if Meta cancels the order meanwhile it is refused.
 */
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orderWorkflowId } from '../../src/api/ids.js';
import type { OrderWorkflowState } from '../../src/api/order-state.js';
import type { OrderCommandRejectedError } from '../../src/client/index.js';
import { expectBooksAgree, reconciled, waitForOrder } from './books.js';
import { createOrderWorld, eventually, recordHistories, type OrderWorld } from './order-fixture.js';

let world: OrderWorld;
beforeAll(async () => {
  world = await createOrderWorld();
}, 120_000);
afterAll(async () => {
  if (process.env.RECORD_HISTORIES && world) await recordHistories(world, 'early-commands');
  await world?.close();
});

const LAMP = { retailerId: 'SKU-EARLY-LAMP', quantity: 2, pricePerUnit: '35.00', productName: 'Lamp' };

/** A new order, its workflow started and holding stock, waiting for Meta to release it. */
async function awaitingRelease(): Promise<string> {
  await world.oms.seedProducts([{ retailerId: LAMP.retailerId, name: LAMP.productName, onHand: 100 }]);
  const [order] = await world.admin.createOrders({ count: 1, items: [LAMP], buyer: { name: 'Early Bird' } });
  const orderId = order!.id;
  await world.startOrder(orderId);
  await waitForOrder(world, orderId, 'the reservation', (s) => s.reservation.status === 'reserved');
  return orderId;
}

/** Until the order's history shows `count` accepted Updates: the command is in, not refused. */
const updatesAccepted = (orderId: string, count: number) =>
  eventually(async () => {
    const history = await world.harness.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
    const accepted = (history.events ?? []).filter(
      (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    );
    return accepted.length >= count ? true : undefined;
  }, `${count} accepted Update(s) on order ${orderId}`);

const phaseOf = async (orderId: string): Promise<OrderWorkflowState['phase']> =>
  (await world.orders.getState(orderId)).phase;

describe('a ship command before the acknowledgement', () => {
  test('is taken while the order waits for release, then ships once, after the acknowledgement', async () => {
    const orderId = await awaitingRelease();
    const shipping = world.orders.ship(orderId, {
      requestId: 'early-ship',
      carrier: 'UPS',
      trackingNumber: '1Z-EARLY',
    });
    await updatesAccepted(orderId, 1);
    expect(await phaseOf(orderId)).toBe('AWAITING_RELEASE');

    await world.admin.release([orderId]);
    const outcome = await shipping;
    expect(outcome.summary).toBe(`shipped 2 × ${LAMP.retailerId} with UPS 1Z-EARLY`);

    // At Meta: one acknowledgement, then one shipment of both units.
    const effects = (await world.admin.getLedger()).orders[orderId] ?? [];
    expect(effects.map((e) => e.kind).filter((k) => k === 'acknowledge' || k === 'shipment')).toEqual([
      'acknowledge',
      'shipment',
    ]);
    await reconciled(world, orderId);
    await expectBooksAgree(world, orderId);
  });

  test('is refused, with the reason, when Meta cancels the order before releasing it', async () => {
    const orderId = await awaitingRelease();
    const shipping = world.orders
      .ship(orderId, { requestId: 'early-ship-cancelled', carrier: 'UPS', trackingNumber: '1Z-NEVER' })
      .catch((err: unknown) => err);
    await updatesAccepted(orderId, 1);

    await world.admin.buyerCancel(orderId);
    const refused = (await shipping) as OrderCommandRejectedError;
    expect(refused.reason).toMatch(/^cannot ship: the order is CANCELLED/);
    const effects = (await world.admin.getLedger()).orders[orderId] ?? [];
    expect(effects.filter((e) => e.kind === 'acknowledge' || e.kind === 'shipment')).toEqual([]);
  });
});
