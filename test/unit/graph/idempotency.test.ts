import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { batchIdempotencyKey, idempotencyKey } from '../../../src/graph/idempotency.js';

const META_KEY_RULE = /^[A-Za-z0-9_-]{1,100}$/;

describe('idempotencyKey', () => {
  it('is a UUID v5 that satisfies Meta key rules', () => {
    const key = idempotencyKey('368508827392800', 'acknowledge');
    expect(validate(key)).toBe(true);
    expect(version(key)).toBe(5);
    expect(key).toMatch(META_KEY_RULE);
  });

  it('is stable for the same request', () => {
    expect(idempotencyKey('1', 'ship', 'oms-shipment-7')).toBe(idempotencyKey('1', 'ship', 'oms-shipment-7'));
  });

  it('differs for another order, operation or request id', () => {
    const keys = new Set([
      idempotencyKey('1', 'ship'),
      idempotencyKey('2', 'ship'),
      idempotencyKey('1', 'cancel'),
      idempotencyKey('1', 'ship', 'a'),
      idempotencyKey('1', 'ship', 'b'),
    ]);
    expect(keys.size).toBe(5);
  });

  it('cannot be confused by separators inside the parts', () => {
    expect(idempotencyKey('1', 'ship', 'a:b')).not.toBe(idempotencyKey('1:ship', 'ship', 'b'));
  });

  it('refuses empty ids', () => {
    expect(() => idempotencyKey('', 'ship')).toThrow(/orderId/);
    expect(() => idempotencyKey('1', 'ship', '')).toThrow(/requestId/);
  });
});

describe('batchIdempotencyKey', () => {
  it('does not depend on the order of the batch', () => {
    expect(batchIdempotencyKey(['3', '1', '2'])).toBe(batchIdempotencyKey(['1', '2', '3']));
    expect(batchIdempotencyKey(['2', { id: '1', merchantOrderReference: 'M1' }])).toBe(
      batchIdempotencyKey([{ id: '1', merchantOrderReference: 'M1' }, { id: '2' }]),
    );
  });

  it('changes with the contents', () => {
    const base = batchIdempotencyKey(['1', '2']);
    expect(batchIdempotencyKey(['1', '2', '3'])).not.toBe(base);
    expect(batchIdempotencyKey(['1'])).not.toBe(base);
    expect(batchIdempotencyKey([{ id: '1', merchantOrderReference: 'M1' }, '2'])).not.toBe(base);
    // A batch key never collides with a single-order key for the same id.
    expect(batchIdempotencyKey(['1'])).not.toBe(idempotencyKey('1', 'acknowledge'));
  });

  it('satisfies Meta key rules and refuses an empty batch', () => {
    expect(batchIdempotencyKey(['1'])).toMatch(META_KEY_RULE);
    expect(() => batchIdempotencyKey([])).toThrow(/empty/);
  });
});
