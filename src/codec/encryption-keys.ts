/**
 * The payload encryption keys from one setting, current first:
 *
 *   PAYLOAD_ENCRYPTION_KEYS='k2:<base64 of 32 random bytes>,k1:<base64 of 32 random bytes>'
 *
 * New payloads are encrypted with the first key; every listed key decrypts. Rotating: put a new key
 * in front, restart workers and clients; drop an old key only once no history that Temporal still
 * keeps (retention) holds payloads encrypted with it. `openssl rand -base64 32` makes a key.
 */
import { parseKeyring, type Keyring } from '../util/keyring.js';

/** AES-256: 32-byte keys. */
export const ENCRYPTION_KEY_BYTES = 32;

export type EncryptionKeys = Keyring<Buffer>;

/** Parses the setting; a problem (never a key) when it is wrong. */
export function parseEncryptionKeys(text: string): { ok: true; keys: EncryptionKeys } | { ok: false; problem: string } {
  const parsed = parseKeyring(text, (encoded) => {
    const key = Buffer.from(encoded, 'base64');
    // Buffer.from skips characters that are not base64: compare the round trip to catch a typo.
    const canonical = (value: string) => value.replace(/=+$/, '');
    if (key.length !== ENCRYPTION_KEY_BYTES || canonical(key.toString('base64')) !== canonical(encoded))
      return { problem: `expected the base64 of ${ENCRYPTION_KEY_BYTES} random bytes (openssl rand -base64 32)` };
    return key;
  });
  return parsed.ok ? { ok: true, keys: parsed.keyring } : parsed;
}

/** Like parseEncryptionKeys, throwing a TypeError that names the problem (never a key). */
export function encryptionKeys(text: string): EncryptionKeys {
  const parsed = parseEncryptionKeys(text);
  if (!parsed.ok) throw new TypeError(`invalid payload encryption keys: ${parsed.problem}`);
  return parsed.keys;
}
