/**
 * A list of keys by id in one setting, current first: `k2:<secret>,k1:<secret>`. Used for the
 * payload encryption keys and for a webhook receiver's signing secrets, so both rotate the same way:
 * add the new key in front, keep the old ones while anything signed or encrypted with them lives.
 * Problems name the entry by position and id, never a value: the values are secrets.
 */

/** A key id: short, printable, none of the list's separators. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface Keyring<T> {
  /** The first entry's id: what new signatures or ciphertexts use. */
  currentId: string;
  /** Every key by id, the current one included. */
  keys: ReadonlyMap<string, T>;
}

export type KeyringParse<T> = { ok: true; keyring: Keyring<T> } | { ok: false; problem: string };

/**
 * Parses `id:value,id:value`. `value` turns one entry's text into a key or returns a problem
 * (a string) that says what is wrong without repeating the text.
 */
export function parseKeyring<T>(text: string, value: (raw: string) => T | { problem: string }): KeyringParse<T> {
  const keys = new Map<string, T>();
  const entries = text.split(',').map((entry) => entry.trim());
  for (const [index, entry] of entries.entries()) {
    const position = `entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) return { ok: false, problem: `${position} is not <key id>:<key>` };
    const id = entry.slice(0, colon);
    if (!KEY_ID_PATTERN.test(id))
      return { ok: false, problem: `${position}: the key id must be 1-64 of A-Z a-z 0-9 . _ -` };
    if (keys.has(id)) return { ok: false, problem: `key id ${id} appears twice` };
    const key = value(entry.slice(colon + 1));
    if (typeof key === 'object' && key !== null && 'problem' in key)
      return { ok: false, problem: `key ${id}: ${String(key.problem)}` };
    keys.set(id, key as T);
  }
  return { ok: true, keyring: { currentId: [...keys.keys()][0]!, keys } };
}
