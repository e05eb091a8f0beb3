/**
 * OMS port input is validated once, before the adapter: by validatedOmsPort for any caller and by
 * the OMS activities, with the messages and failures adapters used to produce themselves.
 */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { OmsInvalidInputError } from '../../../src/api/oms-errors.js';
import type { OmsPort } from '../../../src/api/oms-port.js';
import { OMS_ACTIVITY_METHODS, OMS_PORT_METHODS, type OmsPortMethod } from '../../../src/api/oms-port-methods.js';
import { createOmsActivities } from '../../../src/activities/oms-activities.js';
import { validatedOmsPort } from '../../../src/oms/validated-oms.js';
import { line, pendingOrder } from './fixtures.js';

/** A port that records what reached it. */
function recordingPort() {
  const calls: { method: OmsPortMethod; args: unknown[] }[] = [];
  const port = Object.fromEntries(
    OMS_PORT_METHODS.map((method) => [
      method,
      async (...args: unknown[]) => {
        calls.push({ method, args });
        return method === 'createPendingOrder' ? { merchantOrderReference: 'OMS-1' } : undefined;
      },
    ]),
  ) as unknown as OmsPort;
  return { port, calls };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
}

describe('the OMS port table', () => {
  it('names every port method; every one but createPendingOrder is an OMS activity', () => {
    expect([...OMS_PORT_METHODS].sort()).toEqual([
      'createPendingOrder',
      'markCompleted',
      'markProcessing',
      'notifyExternalChange',
      'notifyOps',
      'recordCancellation',
      'recordRefund',
      'recordReturn',
      'recordShipment',
      'recordTrackingUpdate',
      'releaseInventory',
      'reserveInventory',
    ]);
    expect(OMS_ACTIVITY_METHODS).toEqual(OMS_PORT_METHODS.filter((method) => method !== 'createPendingOrder'));
  });
});

describe('validatedOmsPort', () => {
  it('passes valid arguments on, without the fields the port does not define', async () => {
    const { port, calls } = recordingPort();
    const order = { ...pendingOrder('1001', [line('i1', 'SKU-1', 2)]), internalNote: 'dropped' };
    expect(await validatedOmsPort(port).createPendingOrder(order)).toEqual({ merchantOrderReference: 'OMS-1' });
    await validatedOmsPort(port).reserveInventory('1001', [{ retailerId: 'SKU-1', quantity: 2 }]);
    expect(calls).toEqual([
      { method: 'createPendingOrder', args: [pendingOrder('1001', [line('i1', 'SKU-1', 2)])] },
      { method: 'reserveInventory', args: ['1001', [{ retailerId: 'SKU-1', quantity: 2 }]] },
    ]);
  });

  it('refuses invalid arguments before the adapter, naming the argument and the paths', async () => {
    const { port, calls } = recordingPort();
    const checked = validatedOmsPort(port);
    const lines = await rejection(checked.reserveInventory('1001', [{ retailerId: 'SKU-1', quantity: 0 }]));
    expect(lines).toBeInstanceOf(OmsInvalidInputError);
    expect((lines as Error).message).toMatch(/^invalid reservation lines: 0\.quantity: /);
    const id = await rejection(checked.markProcessing(''));
    expect((id as Error).message).toMatch(/^invalid metaOrderId: \(root\): /);
    const refund = await rejection(
      checked.recordRefund({
        metaOrderId: '1001',
        requestId: 'r1',
        items: [{ retailerId: 'SKU-1', amount: { amount: '1,00', currency: 'EUR' } }],
        reasonCode: 'X',
        origin: 'merchant',
      }),
    );
    expect((refund as Error).message).toMatch(
      /^invalid refund: items\.0\.amount\.amount: amount must be a decimal string/,
    );
    expect(calls).toEqual([]);
  });

  it('checks the new record fields: ids up to 100 characters, free text up to 500, refund money exact and in one currency', async () => {
    const { port, calls } = recordingPort();
    const checked = validatedOmsPort(port);
    const eur = (amount: string) => ({ amount, currency: 'EUR' });
    const shipment = {
      metaOrderId: '1001',
      requestId: 'meta-shipment-9001',
      items: [{ itemId: 'i1', retailerId: 'SKU-1', quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: '1Z',
      origin: 'external' as const,
      metaShipmentId: '9001',
    };
    const cancellation = {
      metaOrderId: '1001',
      requestId: 'meta-cancellation-7001',
      items: [],
      reasonCode: 'CUSTOMER_REQUESTED',
      restock: true,
      origin: 'external' as const,
      initiatedBy: 'BUYER',
      reasonDescription: 'x'.repeat(500),
      metaCancellationId: '7'.repeat(100),
    };
    const refund = {
      metaOrderId: '1001',
      requestId: 'meta-refund-5551',
      items: [{ itemId: 'i1', retailerId: 'SKU-1', quantity: 1, amount: eur('12.50') }],
      deductions: [{ type: 'RETURN_SHIPPING', amount: eur('3.00') }],
      adjustment: eur('-1.10'),
      total: eur('8.40'),
      reasonCode: 'REFUND_FOR_RETURN',
      reasonText: 'ok',
      returnId: '88001',
      origin: 'external' as const,
      metaRefundId: '5551',
    };
    await checked.recordShipment(shipment);
    await checked.recordCancellation(cancellation);
    await checked.recordRefund(refund);
    expect(calls.map((call) => call.args[0])).toEqual([shipment, cancellation, refund]);

    const message = async (promise: Promise<unknown>) => ((await rejection(promise)) as Error).message;
    expect(await message(checked.recordShipment({ ...shipment, metaShipmentId: '9'.repeat(101) }))).toMatch(
      /^invalid shipment: metaShipmentId: /,
    );
    expect(
      await message(checked.recordShipment({ ...shipment, items: [{ itemId: '', retailerId: 'SKU-1', quantity: 1 }] })),
    ).toMatch(/^invalid shipment: items\.0\.itemId: /);
    expect(await message(checked.recordShipment({ ...shipment, origin: 'buyer' as unknown as 'external' }))).toMatch(
      /^invalid shipment: origin: /,
    );
    expect(await message(checked.recordCancellation({ ...cancellation, reasonDescription: 'x'.repeat(501) }))).toMatch(
      /^invalid cancellation: reasonDescription: /,
    );
    expect(await message(checked.recordCancellation({ ...cancellation, initiatedBy: '' }))).toMatch(
      /^invalid cancellation: initiatedBy: /,
    );
    expect(
      await message(
        checked.recordRefund({
          ...refund,
          deductions: [
            { type: 'RETURN_SHIPPING', amount: eur('3') },
            { type: 'X', amount: eur('1,00') },
          ],
        }),
      ),
    ).toMatch(/^invalid refund: deductions\.1\.amount\.amount: amount must be a decimal string/);
    expect(await message(checked.recordRefund({ ...refund, total: eur('-8.40') }))).toMatch(
      /^invalid refund: total\.amount: .*not negative/,
    );
    expect(await message(checked.recordRefund({ ...refund, returnId: 'r'.repeat(101) }))).toMatch(
      /^invalid refund: returnId: /,
    );
    expect(await message(checked.recordRefund({ ...refund, reasonText: 'x'.repeat(501) }))).toMatch(
      /^invalid refund: reasonText: /,
    );
    expect(await message(checked.recordRefund({ ...refund, total: { amount: '8.40', currency: 'USD' } }))).toMatch(
      /^invalid refund: \(root\): every amount of a refund must be in one currency/,
    );
    expect(calls).toHaveLength(3);
  });

  it('reports the first invalid argument only, as when each was checked in turn', async () => {
    const { port } = recordingPort();
    const error = await rejection(validatedOmsPort(port).reserveInventory('', [{ retailerId: '', quantity: -1 }]));
    expect((error as Error).message).toMatch(/^invalid metaOrderId: /);
    expect((error as Error).message).not.toContain('quantity');
  });

  it('rejects the promise rather than throwing, and calls the method the port has at call time', async () => {
    const { port, calls } = recordingPort();
    const checked = validatedOmsPort(port);
    expect(() => void checked.markCompleted('').catch(() => undefined)).not.toThrow();
    port.markCompleted = async () => {
      calls.push({ method: 'markCompleted', args: ['replaced'] });
    };
    await checked.markCompleted('1001');
    expect(calls).toEqual([{ method: 'markCompleted', args: ['replaced'] }]);
  });
});

describe('OMS activities', () => {
  it('turn an invalid argument into a non-retryable OmsRejectedError without calling the adapter', async () => {
    const { port, calls } = recordingPort();
    const failure = await rejection(
      createOmsActivities(port).recordShipment({
        metaOrderId: '1001',
        requestId: 's1',
        items: [],
        carrier: '',
        trackingNumber: 'T1',
      }),
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: 'OmsRejectedError',
      nonRetryable: true,
      details: [{ code: 'invalid_input' }],
    });
    expect((failure as Error).message).toMatch(/^invalid shipment: carrier: /);
    expect(calls).toEqual([]);
  });

  it('call the adapter once per call with the validated arguments', async () => {
    const { port, calls } = recordingPort();
    const activities = createOmsActivities(port);
    expect(Object.keys(activities)).toEqual(OMS_ACTIVITY_METHODS);
    await activities.notifyOps({ metaOrderId: '1001', severity: 'critical', reason: 'stuck' });
    expect(calls).toEqual([
      { method: 'notifyOps', args: [{ metaOrderId: '1001', severity: 'critical', reason: 'stuck' }] },
    ]);
  });
});
