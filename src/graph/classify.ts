/**
 * Turns what went wrong (Meta's error envelope, an HTTP status, a network failure) into a
 * GraphError kind. The table is in docs/meta-api.md, "Errors"; order matters: throttling and
 * idempotency conflicts are recognised before the generic code-100 "validation" bucket.
 */
import { z } from 'zod';
import type { GraphErrorInit, GraphErrorKind } from './errors.js';
import { regainAccessMsFromHeaders, type HeaderBag } from './usage.js';

export const MetaErrorEnvelope = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.coerce.number().int().optional(),
    error_subcode: z.coerce.number().int().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    is_transient: z.boolean().optional(),
    fbtrace_id: z.string().optional(),
    error_data: z.unknown().optional(),
    estimated_time_to_regain_access: z.number().nonnegative().optional(),
  }),
});
export type MetaErrorBody = z.output<typeof MetaErrorEnvelope>['error'];

const THROTTLING_CODES = new Set([4, 17, 32, 613]);
const TRANSIENT_CODES = new Set([1, 2, 2361081]);
/** Subcode Meta uses with code 100 for "object with this id does not exist". */
const MISSING_OBJECT_SUBCODE = 33;
/**
 * Meta documents no subcode for "idempotency key reused with a different request"; 2388049 is the
 * one the sandbox sends (sandbox/errors.ts). The message is matched as well, for Meta.
 */
export const IDEMPOTENCY_CONFLICT_SUBCODES: ReadonlySet<number> = new Set([2388049]);

function isThrottlingCode(code: number): boolean {
  return THROTTLING_CODES.has(code) || (code >= 80000 && code <= 80014);
}

/** Meta's wording for a key reused with a different request is not documented; match the gist. */
function looksLikeIdempotencyConflict(error: MetaErrorBody): boolean {
  if (error.error_subcode !== undefined && IDEMPOTENCY_CONFLICT_SUBCODES.has(error.error_subcode)) return true;
  const text = `${error.message ?? ''} ${error.error_user_msg ?? ''}`;
  return (
    /idempotency/i.test(text) &&
    /(different|another|mismatch|reuse|already (been )?used|does not match|conflict)/i.test(text)
  );
}

function kindFromMetaCode(error: MetaErrorBody): GraphErrorKind | undefined {
  const code = error.code;
  if (code === undefined) return undefined;
  if (isThrottlingCode(code)) return 'throttled';
  if (looksLikeIdempotencyConflict(error)) return 'conflict';
  // A missing or wrong appsecret_proof comes as code 100, but only the operator can fix it.
  if (code === 190 || code === 102 || (code === 100 && /appsecret_proof/i.test(error.message ?? ''))) return 'auth';
  if (TRANSIENT_CODES.has(code)) return 'transient';
  if (code === 10 || (code >= 200 && code <= 299)) return 'permission';
  if (code === 803 || (code === 100 && error.error_subcode === MISSING_OBJECT_SUBCODE)) return 'notFound';
  if (code === 100) return 'validation';
  return undefined;
}

function kindFromHttpStatus(status: number): GraphErrorKind {
  if (status === 429) return 'throttled';
  if (status >= 500) return 'transient';
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'notFound';
  if (status === 409) return 'conflict';
  return 'unknown';
}

function retryAfterMs(error: MetaErrorBody | undefined, headers: HeaderBag): number | undefined {
  const fromHeaders = regainAccessMsFromHeaders(headers);
  if (fromHeaders !== undefined) return fromHeaders;
  const minutes =
    error?.estimated_time_to_regain_access ??
    z.object({ estimated_time_to_regain_access: z.number().nonnegative() }).safeParse(error?.error_data).data
      ?.estimated_time_to_regain_access;
  if (minutes !== undefined) return minutes * 60_000;
  const retryAfter = Array.isArray(headers['retry-after']) ? headers['retry-after'][0] : headers['retry-after'];
  const seconds = retryAfter === undefined ? NaN : Number(retryAfter);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Classifies an HTTP error answer. `error` is Meta's envelope when the body had one. */
export function classifyErrorResponse(args: {
  endpoint: string;
  method: string;
  httpStatus: number;
  headers: HeaderBag;
  error: MetaErrorBody | undefined;
}): GraphErrorInit {
  const { endpoint, method, httpStatus, headers, error } = args;
  let kind = (error && kindFromMetaCode(error)) ?? kindFromHttpStatus(httpStatus);
  if (kind === 'unknown' && (error?.is_transient === true || httpStatus >= 500)) kind = 'transient';
  return {
    kind,
    endpoint,
    httpStatus,
    code: error?.code,
    subcode: error?.error_subcode,
    type: error?.type,
    fbtraceId: error?.fbtrace_id,
    userTitle: error?.error_user_title,
    userMessage: error?.error_user_msg,
    retryAfterMs: kind === 'throttled' ? retryAfterMs(error, headers) : undefined,
    // A server-side failure on a write may have committed before it failed; a 4xx was refused.
    mayHaveBeenApplied: method !== 'GET' && httpStatus >= 500,
  };
}

/** Failures that happen before a single byte of the request can have reached Meta. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_DESTROYED',
  'UND_ERR_CLOSED',
  'UND_ERR_INVALID_ARG',
]);
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

export interface NetworkFailure {
  networkCode: string | undefined;
  timedOut: boolean;
  sent: boolean;
  /** Short description, not yet redacted. */
  detail: string;
}

/** Looks through an error (and its causes) thrown by undici or Node for what happened. */
export function describeNetworkFailure(err: unknown, timedOutByUs: boolean): NetworkFailure {
  let code: string | undefined;
  let detail = '';
  let timedOut = timedOutByUs;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const c = (e as { code?: unknown }).code;
    if (code === undefined && typeof c === 'string') code = c;
    if (!detail && e.message) detail = e.message;
    if (e.name === 'TimeoutError' || (typeof c === 'string' && TIMEOUT_CODES.has(c))) timedOut = true;
  }
  if (!(err instanceof Error)) detail = String(err);
  // A connect-phase failure means nothing was written; anything later may have reached Meta.
  const sent = !(code !== undefined && NOT_SENT_CODES.has(code));
  return { networkCode: code, timedOut, sent, detail };
}
