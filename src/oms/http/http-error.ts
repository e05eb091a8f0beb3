import { OmsError } from '../../api/oms-errors.js';
import type { OmsEventType } from './events.js';

export type OmsHttpFailure = 'http_status' | 'network' | 'timeout' | 'malformed_response';

/**
 * A call to the merchant's endpoint that did not produce a usable answer. `retryable` follows the
 * usual split: 5xx, 429, timeouts and network failures may pass on a later attempt; other statuses
 * (4xx, 3xx) and malformed 2xx answers will not, because the merchant accepted or refused the event
 * for good and will answer the same way again.
 */
export class OmsHttpError extends OmsError {
  override readonly name = 'OmsHttpError';
  readonly code: OmsHttpFailure;
  readonly retryable: boolean;
  readonly eventType: OmsEventType;
  readonly eventId: string;
  readonly status: number | undefined;
  /** From a Retry-After header, when the endpoint sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(details: {
    failure: OmsHttpFailure;
    retryable: boolean;
    message: string;
    eventType: OmsEventType;
    eventId: string;
    status?: number | undefined;
    retryAfterMs?: number | undefined;
  }) {
    super(details.message);
    this.code = details.failure;
    this.retryable = details.retryable;
    this.eventType = details.eventType;
    this.eventId = details.eventId;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}
