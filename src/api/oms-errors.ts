/**
 * Errors raised by OMS adapters. Each says whether retrying the same call can succeed, so the
 * activity layer can turn a non-retryable one into a non-retryable Temporal failure instead of
 * retrying it forever.
 */

export type OmsErrorCode =
  'invalid_input' | 'not_found' | 'idempotency_conflict' | 'http_status' | 'network' | 'timeout' | 'malformed_response';

/**
 * The Temporal failure type of a non-retryable OmsError, thrown by the OMS activities and named in
 * the order's OMS retry policy. Recorded in workflow histories: never rename it.
 */
export const OMS_REJECTED_FAILURE_TYPE = 'OmsRejectedError';

export abstract class OmsError extends Error {
  abstract readonly code: OmsErrorCode;
  abstract readonly retryable: boolean;
}

/** The call's arguments break the port's contract (bad quantity, unknown line, ...). */
export class OmsInvalidInputError extends OmsError {
  override readonly name = 'OmsInvalidInputError';
  readonly code = 'invalid_input';
  readonly retryable = false;
}

/** The call refers to an order the OMS does not hold. */
export class OmsNotFoundError extends OmsError {
  override readonly name = 'OmsNotFoundError';
  readonly code = 'not_found';
  readonly retryable = false;
  constructor(readonly metaOrderId: string) {
    super(`OMS has no order ${metaOrderId}`);
  }
}

/**
 * The same idempotency identity (order id, or order id + request id) arrived with different data.
 * A retry carries the same data, so this is a caller bug, never a transient failure.
 */
export class OmsIdempotencyConflictError extends OmsError {
  override readonly name = 'OmsIdempotencyConflictError';
  readonly code = 'idempotency_conflict';
  readonly retryable = false;
}
