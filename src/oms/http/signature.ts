/**
 * Webhook signatures, sender and receiver side. One header carries when the request was signed,
 * which key signed it, and the signature:
 *
 *   X-Oms-Signature: t=1735732800,kid=2025-01,v1=<hex HMAC-SHA256(secret of kid, "<t>.<raw body>")>
 *
 * The timestamp is inside the signed string, so a captured request cannot be replayed later than
 * the receiver's tolerance (default 5 minutes); the key id lets secrets rotate: the worker signs with
 * one key, the receiver accepts every key it has by id, old and new, during the switch-over.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { KEY_ID_PATTERN, parseKeyring } from '../../util/keyring.js';

/** Header carrying `t=<unix seconds>,kid=<key id>,v1=<hex signature>`. */
export const OMS_SIGNATURE_HEADER = 'X-Oms-Signature';
/** Header repeating the event id, so a merchant can dedupe before parsing the body. */
export const OMS_EVENT_ID_HEADER = 'X-Event-Id';
/** How far a signature's timestamp may be from the receiver's clock, either way, by default. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;
/** What a key id may look like: short, printable, none of the header's separators. */
export const OMS_KEY_ID_PATTERN = KEY_ID_PATTERN;
/** Below this, an HMAC secret is guessable; the worker's setting asks for as much. */
export const MIN_SECRET_LENGTH = 16;

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const UNIX_SECONDS = /^\d{1,12}$/;

/** One signing key: its id (named in every signature) and the shared secret. */
export interface OmsSigningKey {
  keyId: string;
  secret: string;
}

function signature(timestamp: number, rawBody: string | Uint8Array, secret: string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/**
 * The header value for a body, signed now (or at `nowMs`) with `key`: what the sender puts in
 * X-Oms-Signature. Each attempt is signed afresh, so a retry hours later is inside the window too.
 */
export function signOmsBody(rawBody: string | Uint8Array, key: OmsSigningKey, nowMs = Date.now()): string {
  if (!OMS_KEY_ID_PATTERN.test(key.keyId)) throw new TypeError('invalid key id: expected 1-64 of A-Z a-z 0-9 . _ -');
  const timestamp = Math.floor(nowMs / 1000);
  return `t=${timestamp},kid=${key.keyId},v1=${signature(timestamp, rawBody, key.secret).toString('hex')}`;
}

export interface OmsSignatureVerifierOptions {
  /** Secret by key id: every key the sender may sign with (during a rotation, the old and the new). */
  keys: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
  /** Largest accepted distance between the signature's timestamp and now, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** The receiver's clock, in milliseconds. Default Date.now. */
  nowMs?: number;
}

export type OmsSignatureRejection =
  /** No header, or not `t=...,kid=...,v1=...`. */
  | 'malformed'
  /** The key id names no configured key. */
  | 'unknown_key'
  /** The signature does not match these bytes with that key. */
  | 'mismatch'
  /** A genuine signature, made too long ago (a replay) or too far ahead (a clock off). */
  | 'outside_tolerance';

export type OmsSignatureCheck =
  { valid: true; keyId: string; timestamp: number } | { valid: false; reason: OmsSignatureRejection };

interface ParsedHeader {
  timestamp: number;
  keyId: string;
  v1: Buffer;
}

/** Strict: each of t, kid and v1 exactly once; other fields (a future v2) are ignored. */
function parseHeader(header: string): ParsedHeader | undefined {
  const fields = new Map<string, string>();
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) return undefined;
    const name = part.slice(0, at).trim();
    if (fields.has(name)) return undefined;
    fields.set(name, part.slice(at + 1).trim());
  }
  const t = fields.get('t');
  const keyId = fields.get('kid');
  const v1 = fields.get('v1');
  // Checked before decoding: Buffer.from(hex) silently drops bad digits.
  if (!t || !UNIX_SECONDS.test(t) || !keyId || !OMS_KEY_ID_PATTERN.test(keyId) || !v1 || !HEX_SHA256.test(v1))
    return undefined;
  return { timestamp: Number(t), keyId, v1: Buffer.from(v1, 'hex') };
}

function secretFor(keys: OmsSignatureVerifierOptions['keys'], keyId: string): string | undefined {
  if (keys instanceof Map) return keys.get(keyId);
  const record = keys as Readonly<Record<string, string>>;
  return Object.hasOwn(record, keyId) ? record[keyId] : undefined;
}

/**
 * For the merchant's receiving side: checks `header` against exactly these bytes and says why it
 * fails. Verify the raw body as received, before any JSON parsing (re-serialising changes the bytes).
 * The comparison is constant-time; the function never throws on a header of the wrong shape (only
 * on a bad `toleranceSeconds`).
 */
export function checkOmsSignature(
  rawBody: string | Uint8Array,
  header: string | readonly string[] | null | undefined,
  options: OmsSignatureVerifierOptions,
): OmsSignatureCheck {
  const tolerance = options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
  // A NaN tolerance would accept every timestamp: a configuration error, not a verdict.
  if (!Number.isFinite(tolerance) || tolerance < 0) throw new TypeError('toleranceSeconds must be a number >= 0');
  if (typeof header !== 'string') return { valid: false, reason: 'malformed' };
  const parsed = parseHeader(header);
  if (!parsed) return { valid: false, reason: 'malformed' };
  const secret = secretFor(options.keys, parsed.keyId);
  if (!secret) return { valid: false, reason: 'unknown_key' };
  const expected = signature(parsed.timestamp, rawBody, secret);
  if (!timingSafeEqual(parsed.v1, expected)) return { valid: false, reason: 'mismatch' };
  const nowSeconds = Math.floor((options.nowMs ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - parsed.timestamp) > tolerance) return { valid: false, reason: 'outside_tolerance' };
  return { valid: true, keyId: parsed.keyId, timestamp: parsed.timestamp };
}

/** checkOmsSignature as a yes/no: true only for a genuine, fresh signature by a configured key. */
export function verifyOmsSignature(
  rawBody: string | Uint8Array,
  header: string | readonly string[] | null | undefined,
  options: OmsSignatureVerifierOptions,
): boolean {
  return checkOmsSignature(rawBody, header, options).valid;
}

/**
 * A receiver's keys from one setting, `<key id>:<secret>,<key id>:<secret>` (e.g. the environment's
 * OMS_WEBHOOK_KEYS), for checkOmsSignature's `keys`. Throws a TypeError that names the entry, never a
 * secret. Secrets cannot contain commas.
 */
export function parseOmsWebhookKeys(text: string): Map<string, string> {
  const parsed = parseKeyring(text, (secret) =>
    secret.length >= MIN_SECRET_LENGTH
      ? secret
      : { problem: `the secret is shorter than ${MIN_SECRET_LENGTH} characters` },
  );
  if (!parsed.ok) throw new TypeError(`invalid webhook keys: ${parsed.problem}`);
  return new Map(parsed.keyring.keys);
}
