/** OMS activities: the OMS port's calls, with its refusals turned into non-retryable failures. */
import { ApplicationFailure } from '@temporalio/common';
import { OmsError } from '../api/oms-errors.js';
import type { OmsPort } from '../api/oms-port.js';
import type { OmsActivities } from '../api/activities.js';

async function callOms<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof OmsError && !err.retryable) {
      throw ApplicationFailure.create({ message: err.message, type: 'OmsRejectedError', nonRetryable: true, details: [{ code: err.code }] });
    }
    throw err;
  }
}

export function createOmsActivities(oms: OmsPort): OmsActivities {
  return {
    reserveInventory: (orderId, lines) => callOms(() => oms.reserveInventory(orderId, lines)),
    releaseInventory: (orderId) => callOms(() => oms.releaseInventory(orderId)),
    markProcessing: (orderId) => callOms(() => oms.markProcessing(orderId)),
    recordShipment: (shipment) => callOms(() => oms.recordShipment(shipment)),
    recordTrackingUpdate: (update) => callOms(() => oms.recordTrackingUpdate(update)),
    recordCancellation: (cancellation) => callOms(() => oms.recordCancellation(cancellation)),
    recordRefund: (refund) => callOms(() => oms.recordRefund(refund)),
    markCompleted: (orderId) => callOms(() => oms.markCompleted(orderId)),
    notifyExternalChange: (change) => callOms(() => oms.notifyExternalChange(change)),
    notifyOps: (notification) => callOms(() => oms.notifyOps(notification)),
  };
}
