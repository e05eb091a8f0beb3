import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkOmsSignature,
  parseOmsWebhookKeys,
  signOmsBody,
  verifyOmsSignature,
} from '../../../src/oms/http/signature.js';

const KEY = { keyId: '2025-01', secret: 'whsec-example-0123456789abcdef' };
const OLD_KEY = { keyId: '2024-07', secret: 'an-older-secret-still-accepted' };
const BODY =
  '{"id":"0b6c1d9e-2f7a-5c1e-9d43-8a7f6e5d4c3b","type":"order.mark_processing","occurredAt":"2025-01-01T12:00:00.000Z","data":{"metaOrderId":"310000000000007"}}';
const T = 1735732800;
const AT = T * 1000;
const HEX = createHmac('sha256', KEY.secret).update(`${T}.${BODY}`).digest('hex');
const GOOD = `t=${T},kid=2025-01,v1=${HEX}`;
const keys = { [KEY.keyId]: KEY.secret, [OLD_KEY.keyId]: OLD_KEY.secret };
const check = (body: string | Uint8Array, header: string | null | undefined, nowMs = AT) =>
  checkOmsSignature(body, header, { keys, nowMs });

describe('signOmsBody', () => {
  it('is t=<seconds>,kid=<key id>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">', () => {
    expect(signOmsBody(BODY, KEY, AT + 999)).toBe(GOOD);
    expect(signOmsBody(Buffer.from(BODY, 'utf8'), KEY, AT)).toBe(GOOD);
  });

  it('refuses a key id that would break the header', () => {
    expect(() => signOmsBody(BODY, { keyId: 'a,b', secret: KEY.secret })).toThrow(/key id/);
    expect(() => signOmsBody(BODY, { keyId: '', secret: KEY.secret })).toThrow(/key id/);
  });

  it('matches the worked example in docs/oms-integration.md', () => {
    const guide = readFileSync(new URL('../../../docs/oms-integration.md', import.meta.url), 'utf8');
    for (const part of [BODY, KEY.secret, `${T}.`, GOOD]) expect(guide).toContain(part);
  });
});

describe('checkOmsSignature', () => {
  it('accepts a fresh signature by any configured key, for a string or the raw bytes, in either hex case', () => {
    expect(check(BODY, GOOD)).toEqual({ valid: true, keyId: '2025-01', timestamp: T });
    expect(check(Buffer.from(BODY, 'utf8'), GOOD).valid).toBe(true);
    expect(check(BODY, GOOD.replace(HEX, HEX.toUpperCase())).valid).toBe(true);
    expect(check(BODY, signOmsBody(BODY, OLD_KEY, AT))).toEqual({ valid: true, keyId: '2024-07', timestamp: T });
    // A Map of keys works like a record; spaces after commas are tolerated.
    expect(
      checkOmsSignature(BODY, GOOD.replaceAll(',', ', '), { keys: new Map(Object.entries(keys)), nowMs: AT }),
    ).toMatchObject({ valid: true });
    expect(verifyOmsSignature(BODY, GOOD, { keys, nowMs: AT })).toBe(true);
  });

  it('accepts signatures up to the tolerance away, either way, and refuses older or newer ones', () => {
    expect(check(BODY, GOOD, AT + 300_000).valid).toBe(true);
    expect(check(BODY, GOOD, AT - 300_000).valid).toBe(true);
    expect(check(BODY, GOOD, AT + 301_000)).toEqual({ valid: false, reason: 'outside_tolerance' });
    expect(check(BODY, GOOD, AT - 301_000)).toEqual({ valid: false, reason: 'outside_tolerance' });
    // A replay a day later fails even though the signature itself is genuine.
    expect(verifyOmsSignature(BODY, GOOD, { keys, nowMs: AT + 86_400_000 })).toBe(false);
    expect(checkOmsSignature(BODY, GOOD, { keys, nowMs: AT + 3_600_000, toleranceSeconds: 3_600 }).valid).toBe(true);
    expect(() => checkOmsSignature(BODY, GOOD, { keys, toleranceSeconds: Number.NaN })).toThrow(/toleranceSeconds/);
  });

  it('refuses another body, another timestamp, another key, or a tampered digest', () => {
    expect(check(BODY.replace('0007', '0008'), GOOD)).toEqual({ valid: false, reason: 'mismatch' });
    expect(check(BODY, GOOD.replace(`t=${T}`, `t=${T + 1}`), AT)).toEqual({ valid: false, reason: 'mismatch' });
    // Naming the other configured key does not make the signature valid under it.
    expect(check(BODY, GOOD.replace('kid=2025-01', 'kid=2024-07'))).toEqual({ valid: false, reason: 'mismatch' });
    const lastDigit = GOOD.at(-1) === '0' ? '1' : '0';
    expect(check(BODY, GOOD.slice(0, -1) + lastDigit)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('refuses an unknown key id, also one that names an Object.prototype property', () => {
    expect(check(BODY, signOmsBody(BODY, { keyId: 'retired', secret: KEY.secret }, AT))).toEqual({
      valid: false,
      reason: 'unknown_key',
    });
    expect(check(BODY, GOOD.replace('kid=2025-01', 'kid=constructor'))).toEqual({
      valid: false,
      reason: 'unknown_key',
    });
  });

  it('refuses malformed headers without throwing', () => {
    for (const header of [
      undefined,
      null,
      '',
      `sha256=${HEX}`,
      `t=${T},v1=${HEX}`,
      `kid=2025-01,v1=${HEX}`,
      `t=${T},kid=2025-01`,
      `t=${T},kid=2025-01,v1=${HEX.slice(0, -2)}`,
      `t=${T},kid=2025-01,v1=${HEX}00`,
      `t=${T},kid=2025-01,v1=${'z'.repeat(64)}`,
      `t=-5,kid=2025-01,v1=${HEX}`,
      `t=${T},t=${T},kid=2025-01,v1=${HEX}`,
      `t=${T},kid=a b,v1=${HEX}`,
      `${GOOD},junk`,
    ]) {
      expect(check(BODY, header), String(header)).toEqual({ valid: false, reason: 'malformed' });
    }
    // Several header lines (a proxy that duplicated it) are not a string: refused, not guessed at.
    expect(checkOmsSignature(BODY, [GOOD, GOOD], { keys, nowMs: AT })).toEqual({ valid: false, reason: 'malformed' });
  });

  it('ignores fields it does not know, so a later v2 can be sent beside v1', () => {
    expect(check(BODY, `${GOOD},v2=abc`).valid).toBe(true);
  });
});

describe('parseOmsWebhookKeys', () => {
  it('reads <key id>:<secret> pairs, current first', () => {
    expect(parseOmsWebhookKeys(`2025-01:${KEY.secret}, 2024-07:${OLD_KEY.secret}`)).toEqual(
      new Map(Object.entries(keys)),
    );
  });

  it('names the bad entry, never a secret', () => {
    const problem = (text: string) => {
      try {
        parseOmsWebhookKeys(text);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(problem(KEY.secret)).toBe('invalid webhook keys: entry 1 is not <key id>:<key>');
    expect(problem(`a:${KEY.secret},b:short`)).toBe(
      'invalid webhook keys: key b: the secret is shorter than 16 characters',
    );
    expect(problem(`a:${KEY.secret},a:${OLD_KEY.secret}`)).toBe('invalid webhook keys: key id a appears twice');
    expect(problem(`a b:${KEY.secret}`)).toMatch(/entry 1: the key id/);
    for (const text of [KEY.secret, `a:${KEY.secret},b:short`]) expect(problem(text)).not.toContain(KEY.secret);
  });
});
