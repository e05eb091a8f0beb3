/**
 * A buyer's return on a real dev server, against the sandbox and the reference OMS: read from
 * Meta's returns edge, each step told to the OMS once (by Meta's return id and status), answered
 * by the OMS through the `answerReturn` command, settled by a refund that names it, and holding the
 * order open past its return window until it is settled.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { OrderWorkflowState } from '../../src/api/order-state.js';
import { orderPollerWorkflowId, orderWorkflowId } from '../../src/api/ids.js';
import { pollerStatusQuery, pollNowSignal } from '../../src/api/poller-messages.js';
import { FB_OPEN_RETURN } from '../../src/api/search-attributes.js';
import type { OrderCommandRejectedError } from '../../src/client/index.js';
import { expectBooksAgree, reconciled, waitForOrder } from './books.js';
import {
  createOrderWorld,
  eventually,
  FAST_POLICY,
  recordHistories,
  startSinglePoller,
  type OrderWorld,
} from './order-fixture.js';

let world: OrderWorld;
beforeAll(async () => {
  world = await createOrderWorld();
}, 120_000);
afterAll(async () => {
  if (process.env.RECORD_HISTORIES && world) await recordHistories(world, 'returns-final-read');
  await world?.close();
});

const TEE = { retailerId: 'SKU-RT-TEE', quantity: 2, pricePerUnit: '20.00', productName: 'Tee' };
const stateOf = (orderId: string) => world.orders.getState(orderId);

const waitFor = (orderId: string, what: string, ok: (s: OrderWorkflowState) => boolean) =>
  waitForOrder(world, orderId, what, ok);

/** An acknowledged order of two tees, its workflow with the given return window. */
async function acknowledged(returnWindowMs: number): Promise<string> {
  await world.oms.seedProducts([{ retailerId: TEE.retailerId, name: 'Tee', onHand: 100 }]);
  const [order] = await world.admin.createOrders({ count: 1, items: [TEE], buyer: { name: 'Rey Turner' } });
  const orderId = order!.id;
  await world.startOrder(orderId, { policy: { ...FAST_POLICY, returnWindowMs } });
  await waitFor(orderId, 'reservation', (s) => s.reservation.status === 'reserved');
  await world.admin.release([orderId]);
  await waitFor(orderId, 'IN_PROGRESS', (s) => s.phase === 'IN_PROGRESS');
  return orderId;
}

const returnIn = (s: OrderWorkflowState, id: string) => s.returns?.find((r) => r.id === id);
const omsReturn = async (orderId: string, id: string) =>
  (await world.oms.getOrder(orderId))!.returns.find((r) => r.metaReturnId === id);
type OmsReturn = NonNullable<Awaited<ReturnType<typeof omsReturn>>>;
/**
 * The OMS's record of a return once it satisfies `ok`: the workflow's state shows a change as soon
 * as Meta's answer is in, and the OMS activity that records it runs just after.
 */
const omsReturnWhen = (orderId: string, id: string, what: string, ok: (r: OmsReturn) => boolean) =>
  eventually(async () => {
    const found = await omsReturn(orderId, id);
    return found && ok(found) ? found : undefined;
  }, `the OMS to record ${what}`);
/** Until the order's workflow run has completed (its phase reads CLOSED a little before the run ends). */
const ended = (orderId: string) =>
  eventually(async () => {
    const { status } = await world.harness.client.workflow.getHandle(orderWorkflowId(orderId)).describe();
    return status.name === 'COMPLETED' ? true : undefined;
  }, `order ${orderId}'s run to complete`);
const openReturnAttribute = async (orderId: string) =>
  (await world.harness.client.workflow.getHandle(orderWorkflowId(orderId)).describe()).typedSearchAttributes.get(
    FB_OPEN_RETURN,
  );

describe('a buyer return', () => {
  test('from request to refund: each step reaches the OMS once, the OMS accepts it, a refund settles it', async () => {
    const orderId = await acknowledged(10 * 60_000);
    await world.orders.ship(orderId, { requestId: 'rt-ship', carrier: 'UPS', trackingNumber: '1Z-RT' });
    const { objectId: returnId } = await world.admin.createReturn(orderId, {
      items: [{ retailerId: TEE.retailerId, quantity: 1 }],
      reasonCode: 'DAMAGED_GOODS',
      reason: 'The seams came apart (buyer text: never in history)',
    });
    const requested = await waitFor(orderId, 'the requested return', (s) => returnIn(s, returnId!) !== undefined);
    expect(returnIn(requested, returnId!)).toEqual({
      id: returnId,
      status: 'REQUESTED',
      reasonCode: 'DAMAGED_GOODS',
      lines: [{ itemId: requested.ledger!.items[0]!.itemId, retailerId: TEE.retailerId, quantity: 1 }],
    });
    expect(
      await omsReturnWhen(orderId, returnId!, 'the return requested', (r) => r.status === 'REQUESTED'),
    ).toMatchObject({ reasonCode: 'DAMAGED_GOODS' });
    await eventually(async () => ((await openReturnAttribute(orderId)) === true ? true : undefined), 'FbOpenReturn');

    // The OMS accepts it (with its RMA number); the read-back records APPROVED at once.
    const accepted = await world.orders.answerReturn(orderId, {
      requestId: 'rt-accept',
      returnId: returnId!,
      event: 'ACCEPT_RETURN',
      merchantReturnId: 'RMA-0042',
    });
    expect(accepted.summary).toBe(`return ${returnId} is now APPROVED on Meta`);
    expect(await omsReturn(orderId, returnId!)).toMatchObject({ status: 'APPROVED', merchantReturnId: 'RMA-0042' });
    // Accepting twice is refused before it reaches history.
    const again = await world.orders
      .answerReturn(orderId, { requestId: 'rt-accept-2', returnId: returnId!, event: 'ACCEPT_RETURN' })
      .catch((err: unknown) => err);
    expect((again as OrderCommandRejectedError).reason).toBe(`cannot ACCEPT_RETURN return ${returnId}: it is APPROVED`);

    await world.orders.refund(orderId, {
      requestId: 'rt-refund',
      reasonCode: 'DAMAGED_GOODS',
      items: [{ retailerId: TEE.retailerId, quantity: 1 }],
      returnId: returnId!,
    });
    const refunded = await waitFor(
      orderId,
      'the return refunded',
      (s) => returnIn(s, returnId!)?.status === 'REFUNDED',
    );
    expect(refunded.ledger!.items[0]!.refundedQuantity).toBe(1);
    await omsReturnWhen(orderId, returnId!, 'the return refunded', (r) => r.status === 'REFUNDED');
    const inOms = (await world.oms.getOrder(orderId))!;
    expect(inOms.returns).toEqual([
      expect.objectContaining({
        metaReturnId: returnId,
        status: 'REFUNDED',
        steps: ['REQUESTED', 'APPROVED', 'REFUNDED'],
      }),
    ]);
    expect(inOms.refunds.find((r) => r.requestId === 'rt-refund')).toMatchObject({ returnId });
    await eventually(async () => ((await openReturnAttribute(orderId)) === false ? true : undefined), 'no open return');
    // A refunded return is not refunded again.
    const twice = await world.orders
      .refund(orderId, {
        requestId: 'rt-refund-2',
        reasonCode: 'DAMAGED_GOODS',
        items: [{ retailerId: TEE.retailerId, quantity: 1 }],
        returnId: returnId!,
      })
      .catch((err: unknown) => err);
    expect((twice as OrderCommandRejectedError).reason).toBe(
      `cannot refund against return ${returnId}: it is REFUNDED`,
    );
    await reconciled(world, orderId);
    await expectBooksAgree(world, orderId);
  });

  test('an open return holds the order past its return window until Commerce Manager declines it', async () => {
    const orderId = await acknowledged(3_000);
    await world.orders.ship(orderId, {
      requestId: 'hold-ship-1',
      carrier: 'UPS',
      trackingNumber: '1Z-H1',
      items: [{ retailerId: TEE.retailerId, quantity: 1 }],
    });
    const { objectId: returnId } = await world.admin.createReturn(orderId, {
      items: [{ retailerId: TEE.retailerId, quantity: 1 }],
    });
    await waitFor(orderId, 'the return', (s) => returnIn(s, returnId!) !== undefined);
    await world.orders.ship(orderId, { requestId: 'hold-ship-2', carrier: 'UPS', trackingNumber: '1Z-H2' });
    const inWindow = await waitFor(orderId, 'RETURN_WINDOW', (s) => s.phase === 'RETURN_WINDOW');
    // Three times the window, and the order is still open: its return is.
    await eventually(
      async () => (Date.now() - Date.parse(inWindow.fulfilledAt!) > 9_000 ? true : undefined),
      'three return windows to pass',
    );
    expect((await stateOf(orderId)).phase).toBe('RETURN_WINDOW');
    await world.admin.answerReturn(returnId!, 'decline');
    const closed = await waitFor(orderId, 'CLOSED', (s) => s.phase === 'CLOSED');
    expect(returnIn(closed, returnId!)?.status).toBe('DISAPPROVED');
    const declined = await omsReturnWhen(orderId, returnId!, 'the decline', (r) => r.status === 'DISAPPROVED');
    expect(declined.steps).toEqual(['REQUESTED', 'DISAPPROVED']);
  });
});

describe('after the workflow ended', () => {
  test('a refund by support, then a late return, each reopen the order once and are recorded; unchanged orders stay closed', async () => {
    const earlier = [...(await world.admin.listOrders())].map((o) => o.id);
    const orderId = await acknowledged(2_000);
    await world.orders.ship(orderId, { requestId: 'late-ship', carrier: 'UPS', trackingNumber: '1Z-LATE' });
    await waitFor(orderId, 'CLOSED', (s) => s.phase === 'CLOSED');
    // A change Meta reports while a run is still ending is recorded by that run: this test is about
    // runs that have ended.
    await ended(orderId);
    // The ended run takes no more commands, and says so (Temporal itself answers "not found").
    await expect(
      world.orders.refund(orderId, { requestId: 'after-end', reasonCode: 'REFUND_REASON_OTHER', full: true }),
    ).rejects.toThrow(/has ended \(CLOSED\)/);
    await startSinglePoller(world, 2_000);

    const { objectId: refundId } = await world.admin.refundExternally(orderId, {
      items: [{ retailerId: TEE.retailerId, quantity: 1 }],
      reasonCode: 'REFUND_REASON_OTHER',
    });
    const afterRefund = await waitFor(
      orderId,
      'reopened for the refund and closed again',
      (s) =>
        s.reopened?.count === 1 && s.phase === 'CLOSED' && s.externalChanges.some((c) => c.metaObjectId === refundId),
    );
    expect(afterRefund.ledger!.items[0]!.refundedQuantity).toBe(1);
    const supportRefunds = await eventually(async () => {
      const found = (await world.oms.getOrder(orderId))!.refunds.filter(
        (r) => r.requestId === `meta-refund-${refundId}`,
      );
      return found.length > 0 ? found : undefined;
    }, 'the OMS to record the refund by support');
    expect(supportRefunds).toHaveLength(1);

    await ended(orderId);
    const { objectId: returnId } = await world.admin.createReturn(orderId, {
      items: [{ retailerId: TEE.retailerId, quantity: 1 }],
      reasonCode: 'WRONG_ITEM',
    });
    // Open return: the reopened run stays open until it is settled.
    await waitFor(orderId, 'reopened for the return', (s) => s.reopened?.count === 2 && s.phase === 'RETURN_WINDOW');
    await world.admin.answerReturn(returnId!, 'close');
    const closed = await waitFor(
      orderId,
      'closed again',
      (s) => s.phase === 'CLOSED' && returnIn(s, returnId!)?.status === 'MERCHANT_MARKED_COMPLETED',
    );
    expect(closed.reopened?.count).toBe(2);
    const completed = await omsReturnWhen(
      orderId,
      returnId!,
      'the return completed',
      (r) => r.status === 'MERCHANT_MARKED_COMPLETED',
    );
    expect(completed.steps).toEqual(['REQUESTED', 'MERCHANT_MARKED_COMPLETED']);

    // More poll rounds see nothing new: no further run, and the orders of the earlier tests (ended
    // with nothing changed since) were never reopened.
    const poller = world.harness.client.workflow.getHandle(orderPollerWorkflowId(world.cmsId));
    const rounds = (await poller.query(pollerStatusQuery)).rounds;
    await poller.signal(pollNowSignal);
    await eventually(
      async () => ((await poller.query(pollerStatusQuery)).rounds >= rounds + 2 ? true : undefined),
      'two more rounds',
    );
    const runsOf = async () => {
      let runs = 0;
      for await (const _run of world.harness.client.workflow.list({
        query: `WorkflowId = '${orderWorkflowId(orderId)}'`,
      }))
        runs += 1;
      return runs;
    };
    // Visibility lags a little behind: wait for the three runs it must list, then check there are no more.
    await eventually(async () => ((await runsOf()) >= 3 ? true : undefined), 'three runs listed');
    expect(await runsOf()).toBe(3);
    for (const id of earlier) expect((await stateOf(id)).reopened, id).toBeUndefined();
    await expectBooksAgree(world, orderId);
  });
});
