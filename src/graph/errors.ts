/**
 * Errors the Graph client throws. Three classes, one per cause:
 * - GraphError: Meta answered with an error, or the request failed in transit (network, timeout).
 *   `kind` says what to do about it; `isTransient` says whether retrying can help.
 * - GraphResponseError: Meta answered 2xx but the body does not match the contract.
 * - GraphInputError: our caller passed arguments the client refuses to send; nothing was sent.
 * Every message is redacted before the Error is built, so neither message nor stack holds a secret.
 * The kinds, and which are transient, come from the one table of Graph failures (api/graph-failures.ts).
 */
import { GRAPH_ERROR_FAILURES, type GraphErrorKind } from '../api/graph-failures.js';

export type { GraphErrorKind };

/** Meta's commerce error codes (docs/meta-api.md, "Errors"), by name. */
export const COMMERCE_ERROR_REASONS = {
  1818111: 'cannotShipCancelledOrder',
  1818105: 'cannotRefundCancelledOrder',
  1818050: 'alreadyShippedCannotCancel',
  1818048: 'alreadyCancelled',
  1818049: 'alreadyCancelled',
  1818214: 'orderAlreadyFulfilledCancelledOrRefunded',
  1818215: 'itemsAlreadyFulfilledCancelledOrRefunded',
  1818107: 'nothingToRefund',
  2382021: 'invalidRetailerIdInRefund',
} as const satisfies Record<number, string>;
export type CommerceErrorReason = (typeof COMMERCE_ERROR_REASONS)[keyof typeof COMMERCE_ERROR_REASONS];

export interface GraphErrorInit {
  kind: GraphErrorKind;
  /** e.g. "POST /{order-id}/shipments": the endpoint template, never a URL. */
  endpoint: string;
  httpStatus?: number | undefined;
  code?: number | undefined;
  subcode?: number | undefined;
  type?: string | undefined;
  fbtraceId?: string | undefined;
  userTitle?: string | undefined;
  userMessage?: string | undefined;
  /** Set for throttling when Meta said how long to wait (0 allowed). */
  retryAfterMs?: number | undefined;
  /** True when a state-changing request may have taken effect although we saw no success. */
  mayHaveBeenApplied?: boolean | undefined;
  /** True when the request exceeded the client's time limit. */
  timedOut?: boolean | undefined;
  /** Network error code from Node/undici (ECONNRESET, UND_ERR_SOCKET, ...). */
  networkCode?: string | undefined;
}

export class GraphError extends Error {
  override readonly name = 'GraphError';
  readonly kind: GraphErrorKind;
  /** Retrying (after `retryAfterMs` when set) can succeed: throttled and transient errors. */
  readonly isTransient: boolean;
  readonly endpoint: string;
  readonly httpStatus: number | undefined;
  readonly code: number | undefined;
  readonly subcode: number | undefined;
  readonly type: string | undefined;
  readonly fbtraceId: string | undefined;
  readonly userTitle: string | undefined;
  readonly userMessage: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly mayHaveBeenApplied: boolean;
  readonly timedOut: boolean;
  readonly networkCode: string | undefined;
  /** Named commerce failure (e.g. cannotShipCancelledOrder) when Meta sent a known commerce code. */
  readonly commerceReason: CommerceErrorReason | undefined;

  /** `message` must already be redacted. */
  constructor(message: string, init: GraphErrorInit) {
    super(message);
    this.kind = init.kind;
    this.isTransient = GRAPH_ERROR_FAILURES[init.kind].retryable;
    this.endpoint = init.endpoint;
    this.httpStatus = init.httpStatus;
    this.code = init.code;
    this.subcode = init.subcode;
    this.type = init.type;
    this.fbtraceId = init.fbtraceId;
    this.userTitle = init.userTitle;
    this.userMessage = init.userMessage;
    this.retryAfterMs = init.retryAfterMs;
    this.mayHaveBeenApplied = init.mayHaveBeenApplied ?? false;
    this.timedOut = init.timedOut ?? false;
    this.networkCode = init.networkCode;
    this.commerceReason = commerceReasonOf(init.code, init.subcode);
  }
}

/** A 2xx answer whose body does not match the contract; `path` is the first offending field. */
export class GraphResponseError extends Error {
  override readonly name = 'GraphResponseError';
  constructor(
    message: string,
    readonly endpoint: string,
    readonly path: string,
    readonly httpStatus: number,
  ) {
    super(message);
  }
}

/** Arguments the client will not send (bad id, too many orders, missing key). Nothing was sent. */
export class GraphInputError extends Error {
  override readonly name = 'GraphInputError';
  constructor(
    message: string,
    readonly endpoint: string,
  ) {
    super(`${endpoint}: ${message}`);
  }
}

function commerceReasonOf(code: number | undefined, subcode: number | undefined): CommerceErrorReason | undefined {
  const reasons: Record<number, CommerceErrorReason> = COMMERCE_ERROR_REASONS;
  return (subcode !== undefined ? reasons[subcode] : undefined) ?? (code !== undefined ? reasons[code] : undefined);
}
