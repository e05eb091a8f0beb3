import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the body's signature: `sha256=<hex HMAC-SHA256(raw body, shared secret)>`. */
export const OMS_SIGNATURE_HEADER = 'X-Signature-256';
/** Header repeating the event id, so a merchant can dedupe before parsing the body. */
export const OMS_EVENT_ID_HEADER = 'X-Event-Id';

const PREFIX = 'sha256=';
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

function hmac(rawBody: string | Uint8Array, secret: string): Buffer {
  return createHmac('sha256', secret).update(rawBody).digest();
}

/** The header value for a body: what the sender puts in X-Signature-256. */
export function signOmsBody(rawBody: string | Uint8Array, secret: string): string {
  return PREFIX + hmac(rawBody, secret).toString('hex');
}

/**
 * For the merchant's receiving side: true when `header` is the signature of exactly these bytes.
 * Verify the raw body as received, before any JSON parsing (re-serialising changes the bytes).
 * The comparison is constant-time and never throws on a header of the wrong shape or length.
 */
export function verifyOmsSignature(
  rawBody: string | Uint8Array,
  header: string | null | undefined,
  secret: string,
): boolean {
  if (typeof header !== 'string' || !header.startsWith(PREFIX)) return false;
  const hex = header.slice(PREFIX.length);
  // Checked before decoding: Buffer.from(hex) silently drops bad digits, and timingSafeEqual
  // throws on unequal lengths.
  if (!HEX_SHA256.test(hex)) return false;
  const expected = hmac(rawBody, secret);
  const received = Buffer.from(hex, 'hex');
  return received.length === expected.length && timingSafeEqual(received, expected);
}
