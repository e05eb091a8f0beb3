/**
 * Meta's error envelope and the errors the sandbox answers with. Every failure the sandbox reports
 * goes through `SandboxGraphError`, so a handler only has to throw; the server turns it into
 * `{ error: { message, type, code, error_subcode?, ..., fbtrace_id } }` with a fresh trace id.
 * Messages never contain an access token or app secret.
 */
import { randomBytes } from 'node:crypto';

export interface MetaErrorBody {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  error_user_title?: string;
  error_user_msg?: string;
  is_transient?: boolean;
  fbtrace_id?: string;
}

export interface ErrorDetails {
  subcode?: number;
  userTitle?: string;
  userMessage?: string;
  isTransient?: boolean;
  /** Extra response headers (e.g. WWW-Authenticate). */
  headers?: Record<string, string>;
}

export class SandboxGraphError extends Error {
  override readonly name = 'SandboxGraphError';
  constructor(
    readonly httpStatus: number,
    readonly type: string,
    readonly code: number,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    // These are answers, not failures: a stack trace is never read and costs more than the rest of the request.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }

  toBody(): { error: MetaErrorBody } {
    const error: MetaErrorBody = { message: this.message, type: this.type, code: this.code };
    if (this.details.subcode !== undefined) error.error_subcode = this.details.subcode;
    if (this.details.userTitle !== undefined) error.error_user_title = this.details.userTitle;
    if (this.details.userMessage !== undefined) error.error_user_msg = this.details.userMessage;
    if (this.details.isTransient !== undefined) error.is_transient = this.details.isTransient;
    error.fbtrace_id = newTraceId();
    return { error };
  }
}

const TRACE_BYTES = 17;
const TRACE_BATCH = 512;
let tracePool = Buffer.alloc(0);
let traceOffset = 0;

/**
 * Meta's trace ids look like "AXDusJwgK_--o5FnIZkGBu8": 23 url-safe base64 characters. Random bytes
 * are drawn in batches: one id per request adds up on the hot path.
 */
export function newTraceId(): string {
  if (traceOffset + TRACE_BYTES > tracePool.length) {
    tracePool = randomBytes(TRACE_BYTES * TRACE_BATCH);
    traceOffset = 0;
  }
  const id = tracePool.toString('base64url', traceOffset, traceOffset + TRACE_BYTES);
  traceOffset += TRACE_BYTES;
  return id;
}

/** Meta's commerce error subcodes (Meta's error-code page), sent with code 100. */
export const CommerceSubcode = {
  cannotShipCancelledOrder: 1818111,
  cannotRefundCancelledOrder: 1818105,
  alreadyShippedCannotCancel: 1818050,
  orderAlreadyCancelled: 1818048,
  itemsAlreadyCancelled: 1818049,
  orderAlreadyFulfilledCancelledOrRefunded: 1818214,
  itemsAlreadyFulfilledCancelledOrRefunded: 1818215,
  nothingToRefund: 1818107,
  invalidRetailerIdInRefund: 2382021,
} as const;

/**
 * Meta documents no subcode for "idempotency key reused with a different request": this one is the
 * sandbox's pick. The message says it in words too, which is all a client can rely on at Meta.
 */
export const IDEMPOTENCY_CONFLICT_SUBCODE = 2388049;

/** Subcode Graph sends with code 100 when an object id does not exist (or is not visible). */
export const UNKNOWN_OBJECT_SUBCODE = 33;

/** (#100) invalid parameter, optionally with a commerce subcode. */
export function invalidParameter(message: string, details: ErrorDetails = {}): SandboxGraphError {
  return new SandboxGraphError(400, 'OAuthException', 100, `(#100) ${message}`, details);
}

export function commerceError(subcode: number, message: string, userTitle: string): SandboxGraphError {
  return invalidParameter(message, { subcode, userTitle, userMessage: message });
}

export function unsupportedRequest(method: string, id: string): SandboxGraphError {
  const verb = method === 'GET' ? 'get' : method === 'DELETE' ? 'delete' : 'post';
  return new SandboxGraphError(
    400,
    'GraphMethodException',
    100,
    `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    { subcode: UNKNOWN_OBJECT_SUBCODE },
  );
}

/** Graph's answer for a non-numeric id nobody owns. */
export function unknownAlias(alias: string): SandboxGraphError {
  return new SandboxGraphError(
    400,
    'OAuthException',
    803,
    `(#803) Some of the aliases you requested do not exist: ${alias}`,
  );
}

export function unknownPath(components: string): SandboxGraphError {
  return new SandboxGraphError(400, 'OAuthException', 2500, `Unknown path components: ${components}`);
}

export function transientServerError(httpStatus: 500 | 503): SandboxGraphError {
  return new SandboxGraphError(
    httpStatus,
    'OAuthException',
    2,
    'An unexpected error has occurred. Please retry your request later.',
    {
      isTransient: true,
    },
  );
}

/** Page-level business-use-case throttling (code 80001). */
export function pageThrottled(): SandboxGraphError {
  return new SandboxGraphError(
    400,
    'OAuthException',
    80001,
    '(#80001) There have been too many calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.',
    { isTransient: false },
  );
}

/**
 * A request line longer than Graph takes (`MAX_REQUEST_LINE_BYTES`). Answered with the error
 * envelope like every other refusal; a read that long goes in a POST body with `method=GET`.
 */
export const MAX_REQUEST_LINE_BYTES = 16_384;

export function requestLineTooLong(): SandboxGraphError {
  return new SandboxGraphError(
    414,
    'OAuthException',
    100,
    `(#100) The request line is longer than ${MAX_REQUEST_LINE_BYTES} bytes: send the parameters in a POST body (with method=GET for a read)`,
    { headers: { connection: 'close' } },
  );
}

/** Order-management app not connected: the operator must connect it (a permission problem, not input). */
export function notConnected(): SandboxGraphError {
  return new SandboxGraphError(
    400,
    'OAuthException',
    200,
    '(#200) No order management app is connected to this commerce account: connect one (POST /{cms-id}/order_management_apps) or manage orders in Commerce Manager.',
  );
}
