/**
 * Maps the Graph client's errors onto Temporal failures, as the table in api/graph-failures.ts says:
 *   throttled               -> retryable, next attempt after Meta's regain time (`nextRetryDelay`)
 *   transient / network     -> retryable with the policy's exponential backoff
 *   validation, conflict    -> non-retryable: the command's content is wrong (caller is told)
 *   auth, permission, ...   -> non-retryable: an operator must act (the order asks for attention)
 * The failure keeps Meta's code, subcode and fbtrace_id in its details for support tickets.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  GRAPH_ERROR_FAILURES,
  GRAPH_INPUT_FAILURE,
  GRAPH_RESPONSE_FAILURE,
  type GraphFailure,
} from '../api/graph-failures.js';
import { GraphError, GraphInputError, GraphResponseError } from '../graph/errors.js';

/** A failure without details (nothing was sent, or Meta's answer is unreadable). */
function plainFailure(message: string, failure: GraphFailure): ApplicationFailure {
  return ApplicationFailure.create({ message, type: failure.type, nonRetryable: !failure.retryable });
}

/** When Meta says "throttled" but gives no regain time (or 0), wait at least this long. */
export const DEFAULT_THROTTLE_FLOOR_MS = 5_000;

export function toActivityFailure(err: unknown, throttleFloorMs = DEFAULT_THROTTLE_FLOOR_MS): unknown {
  if (err instanceof GraphError) {
    const failure = GRAPH_ERROR_FAILURES[err.kind];
    const details = [
      {
        code: err.code,
        subcode: err.subcode,
        fbtraceId: err.fbtraceId,
        httpStatus: err.httpStatus,
        endpoint: err.endpoint,
        mayHaveBeenApplied: err.mayHaveBeenApplied,
      },
    ];
    return ApplicationFailure.create({
      message: err.message,
      type: failure.type,
      nonRetryable: !failure.retryable,
      details,
      ...(err.kind === 'throttled' ? { nextRetryDelay: Math.max(err.retryAfterMs ?? 0, throttleFloorMs) } : {}),
    });
  }
  if (err instanceof GraphResponseError) return plainFailure(err.message, GRAPH_RESPONSE_FAILURE);
  if (err instanceof GraphInputError) return plainFailure(err.message, GRAPH_INPUT_FAILURE);
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
