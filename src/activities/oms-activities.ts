/**
 * OMS activities: one per OMS activity method of the port (OMS_ACTIVITY_METHODS), named after it.
 * Each validates its arguments once, with the method's schema, then calls the adapter; an invalid
 * argument and every other refusal of the OMS become a non-retryable OmsRejectedError failure.
 */
import { ApplicationFailure } from '@temporalio/common';
import { OMS_REJECTED_FAILURE_TYPE, OmsError } from '../api/oms-errors.js';
import type { OmsPort } from '../api/oms-port.js';
import { OMS_ACTIVITY_METHODS } from '../api/oms-port-methods.js';
import type { OmsActivities } from '../api/activities.js';
import { validatedOmsPort } from '../oms/validated-oms.js';

/** Calls the OMS; a refusal that retrying cannot fix becomes a non-retryable OmsRejectedError failure. */
export async function callOms<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof OmsError && !err.retryable) {
      throw ApplicationFailure.create({
        message: err.message,
        type: OMS_REJECTED_FAILURE_TYPE,
        nonRetryable: true,
        details: [{ code: err.code }],
      });
    }
    throw err;
  }
}

export function createOmsActivities(oms: OmsPort): OmsActivities {
  const validated = validatedOmsPort(oms);
  type AnyMethod = (...args: unknown[]) => Promise<unknown>;
  return Object.fromEntries(
    OMS_ACTIVITY_METHODS.map((method) => [
      method,
      (...args: unknown[]) => callOms(() => (validated[method] as AnyMethod)(...args)),
    ]),
  ) as unknown as OmsActivities;
}
