/**
 * Maps the Graph client's errors onto Temporal failures, in one place:
 *   throttled               -> retryable, next attempt after Meta's regain time (`nextRetryDelay`)
 *   transient / network     -> retryable with the policy's exponential backoff
 *   validation, conflict    -> non-retryable: the command's content is wrong (caller is told)
 *   auth, permission, ...   -> non-retryable: an operator must act (the order asks for attention)
 * The failure keeps Meta's code, subcode and fbtrace_id in its details for support tickets.
 */
import { ApplicationFailure } from '@temporalio/common';
import { GraphError, GraphInputError, GraphResponseError } from '../graph/errors.js';

const FAILURE_TYPE: Record<GraphError['kind'], string> = {
  throttled: 'GraphThrottled',
  transient: 'GraphTransientError',
  auth: 'GraphAuthError',
  permission: 'GraphPermissionError',
  validation: 'GraphValidationError',
  notFound: 'GraphNotFoundError',
  conflict: 'GraphConflictError',
  unknown: 'GraphUnknownError',
};

/** When Meta says "throttled" but gives no regain time (or 0), wait at least this long. */
export const DEFAULT_THROTTLE_FLOOR_MS = 5_000;

export function toActivityFailure(err: unknown, throttleFloorMs = DEFAULT_THROTTLE_FLOOR_MS): unknown {
  if (err instanceof GraphError) {
    const details = [{ code: err.code, subcode: err.subcode, fbtraceId: err.fbtraceId, httpStatus: err.httpStatus, endpoint: err.endpoint, mayHaveBeenApplied: err.mayHaveBeenApplied }];
    return ApplicationFailure.create({
      message: err.message,
      type: FAILURE_TYPE[err.kind],
      nonRetryable: !err.isTransient,
      details,
      ...(err.kind === 'throttled' ? { nextRetryDelay: Math.max(err.retryAfterMs ?? 0, throttleFloorMs) } : {}),
    });
  }
  if (err instanceof GraphResponseError) {
    // Meta answered something we do not understand: retrying will not change it; a human must look.
    return ApplicationFailure.create({ message: err.message, type: 'GraphResponseError', nonRetryable: true });
  }
  if (err instanceof GraphInputError) {
    return ApplicationFailure.create({ message: err.message, type: 'GraphValidationError', nonRetryable: true });
  }
  return err;
}

/** Runs a Graph call and rethrows its failure in Temporal's terms. */
export async function callGraph<T>(call: () => Promise<T>, throttleFloorMs?: number): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toActivityFailure(err, throttleFloorMs);
  }
}
