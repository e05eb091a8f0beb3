import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signOmsBody, verifyOmsSignature } from '../../../src/oms/http/signature.js';

const SECRET = 's3cret';
const BODY = '{"id":"e1","type":"order.mark_processing","data":{"metaOrderId":"123","name":"Zoë"}}';
const GOOD = `sha256=${createHmac('sha256', SECRET).update(BODY).digest('hex')}`;

describe('signOmsBody', () => {
  it('is sha256= and the hex HMAC-SHA256 of the raw body', () => {
    expect(signOmsBody(BODY, SECRET)).toBe(GOOD);
    expect(signOmsBody(Buffer.from(BODY, 'utf8'), SECRET)).toBe(GOOD);
  });
});

describe('verifyOmsSignature', () => {
  it('accepts the right signature, for a string or the raw bytes, in either hex case', () => {
    expect(verifyOmsSignature(BODY, GOOD, SECRET)).toBe(true);
    expect(verifyOmsSignature(Buffer.from(BODY, 'utf8'), GOOD, SECRET)).toBe(true);
    expect(verifyOmsSignature(BODY, `sha256=${GOOD.slice(7).toUpperCase()}`, SECRET)).toBe(true);
  });

  it('rejects another body, another secret, or a tampered digest', () => {
    expect(verifyOmsSignature(BODY.replace('Zoë', 'Zoe'), GOOD, SECRET)).toBe(false);
    expect(verifyOmsSignature(BODY, GOOD, 'other-secret')).toBe(false);
    const lastDigit = GOOD.at(-1) === '0' ? '1' : '0';
    expect(verifyOmsSignature(BODY, GOOD.slice(0, -1) + lastDigit, SECRET)).toBe(false);
  });

  it('rejects a digest of the wrong length without throwing', () => {
    expect(verifyOmsSignature(BODY, GOOD.slice(0, -2), SECRET)).toBe(false);
    expect(verifyOmsSignature(BODY, `${GOOD}00`, SECRET)).toBe(false);
    expect(verifyOmsSignature(BODY, 'sha256=', SECRET)).toBe(false);
  });

  it('rejects a missing prefix, another algorithm, non-hex digits and a missing header', () => {
    expect(verifyOmsSignature(BODY, GOOD.slice('sha256='.length), SECRET)).toBe(false);
    expect(verifyOmsSignature(BODY, GOOD.replace('sha256=', 'sha1='), SECRET)).toBe(false);
    expect(verifyOmsSignature(BODY, `sha256=${'z'.repeat(64)}`, SECRET)).toBe(false);
    expect(verifyOmsSignature(BODY, undefined, SECRET)).toBe(false);
    expect(verifyOmsSignature(BODY, null, SECRET)).toBe(false);
  });
});
