import { describe, expect, test } from 'vitest';
import { fromMinorUnits, isValidAmount, multiply, toMinorUnits } from '../../../src/domain/money.js';

const add = (a: string, b: string): string => fromMinorUnits(toMinorUnits(a) + toMinorUnits(b));

describe('toMinorUnits / fromMinorUnits', () => {
  test.each([
    ['0', 0n],
    ['0.0', 0n],
    ['0.01', 1n],
    ['0.1', 10n],
    ['12.5', 1250n],
    ['12.50', 1250n],
    ['7', 700n],
    ['1000000.99', 100000099n],
  ])('%s is %s minor units', (amount, minor) => {
    expect(toMinorUnits(amount)).toBe(minor);
  });

  test.each([
    [0n, '0.00'],
    [1n, '0.01'],
    [10n, '0.10'],
    [99n, '0.99'],
    [100n, '1.00'],
    [1250n, '12.50'],
    [-5n, '-0.05'],
    [-1250n, '-12.50'],
  ])('%s minor units print as %s', (minor, text) => {
    expect(fromMinorUnits(minor)).toBe(text);
  });

  test('a round trip normalises to two decimal places without changing the value', () => {
    for (const amount of ['0', '3', '3.5', '3.05', '19.99', '100.1']) {
      const normalised = fromMinorUnits(toMinorUnits(amount));
      expect(normalised).toMatch(/^\d+\.\d{2}$/);
      expect(toMinorUnits(normalised)).toBe(toMinorUnits(amount));
    }
  });
});

describe('exact arithmetic', () => {
  test('0.10 + 0.20 is exactly 0.30 (where floating point drifts)', () => {
    expect(0.1 + 0.2).not.toBe(0.3); // the drift this module exists to avoid
    expect(add('0.10', '0.20')).toBe('0.30');
  });

  test('adding one cent a thousand times lands exactly on 10.00', () => {
    let total = '0.00';
    for (let i = 0; i < 1000; i++) total = add(total, '0.01');
    expect(total).toBe('10.00');
  });

  test('amounts beyond Number.MAX_SAFE_INTEGER minor units stay exact', () => {
    // 9007199254740993 cents cannot be represented as a double.
    expect(toMinorUnits('90071992547409.93')).toBe(9007199254740993n);
    expect(add('90071992547409.93', '0.01')).toBe('90071992547409.94');
    expect(add('99999999999999999999.99', '0.01')).toBe('100000000000000000000.00');
  });

  test('multiply is exact', () => {
    expect(multiply('0.10', 3)).toBe('0.30');
    expect(0.1 * 3).not.toBe(0.3);
    expect(multiply('19.99', 3)).toBe('59.97');
    expect(multiply('12.5', 0)).toBe('0.00');
    expect(multiply('1.01', 1_000_000)).toBe('1010000.00');
    expect(multiply('99999999999999999.99', 100)).toBe('9999999999999999999.00');
  });

  test('multiply refuses a fractional quantity instead of rounding it', () => {
    expect(() => multiply('10.00', 1.5)).toThrow(RangeError);
  });
});

describe('validation', () => {
  const invalid = [
    '1.234',
    '-1',
    '-0.01',
    'abc',
    '1e3',
    '',
    ' 1',
    '1 ',
    '1.',
    '.5',
    '1,00',
    '+1',
    '0x10',
    '1.2.3',
    'Infinity',
    'NaN',
    '1_000',
    '١٢',
  ];

  test.each(invalid)('rejects %j', (amount) => {
    expect(isValidAmount(amount)).toBe(false);
    expect(() => toMinorUnits(amount)).toThrow(RangeError);
    expect(() => toMinorUnits(amount)).toThrow(JSON.stringify(amount));
  });

  test.each(['0', '1', '1.2', '1.23', '0007.10', '123456789012345678901234567890.12'])('accepts %j', (amount) => {
    expect(isValidAmount(amount)).toBe(true);
    expect(() => toMinorUnits(amount)).not.toThrow();
  });
});
