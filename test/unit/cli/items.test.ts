import { describe, expect, test } from 'vitest';
import { UsageError } from '../../../src/cli/args.js';
import { parseAmount, parseRefundItem, parseUnitItem } from '../../../src/cli/items.js';

describe('--item SKU:QTY', () => {
  test.each([
    ['SKU-TEE-M:2', { retailerId: 'SKU-TEE-M', quantity: 2 }],
    ['sku_1:1', { retailerId: 'sku_1', quantity: 1 }],
    // The last separator splits: retailer ids may contain ":" themselves.
    ['TEE:RED:M:3', { retailerId: 'TEE:RED:M', quantity: 3 }],
    ['Tasse-Zoë:1', { retailerId: 'Tasse-Zoë', quantity: 1 }],
  ])('%s', (text, expected) => {
    expect(parseUnitItem(text)).toEqual(expected);
    expect(parseRefundItem(text)).toEqual(expected);
  });

  test.each([
    ['SKU', '--item "SKU": expected SKU:QTY'],
    ['SKU:', '--item "SKU:": quantity must be a whole number, got ""'],
    [':2', '--item ":2": the retailer id (SKU) is empty'],
    ['  :2', '--item "  :2": the retailer id (SKU) is empty'],
    ['SKU:0', '--item "SKU:0": quantity must be from 1 to 1000000'],
    ['SKU:-1', '--item "SKU:-1": quantity must be a whole number, got "-1"'],
    ['SKU:1.5', '--item "SKU:1.5": quantity must be a whole number, got "1.5"'],
    ['SKU:two', '--item "SKU:two": quantity must be a whole number, got "two"'],
    ['SKU:2000000', '--item "SKU:2000000": quantity must be from 1 to 1000000'],
    ['SKU=12.50', '--item "SKU=12.50": expected SKU:QTY (amounts are for refunds only)'],
  ])('ship/cancel refuse %j', (text, message) => {
    expect(() => parseUnitItem(text)).toThrow(UsageError);
    expect(() => parseUnitItem(text)).toThrow(message);
  });
});

describe('--item SKU=AMOUNT (refunds)', () => {
  test.each([
    ['SKU-MUG=12.50', { retailerId: 'SKU-MUG', amount: '12.50' }],
    ['SKU-MUG=12.5', { retailerId: 'SKU-MUG', amount: '12.5' }],
    ['SKU-MUG=7', { retailerId: 'SKU-MUG', amount: '7' }],
    ['A=B=0.01', { retailerId: 'A=B', amount: '0.01' }],
  ])('%s', (text, expected) => {
    expect(parseRefundItem(text)).toEqual(expected);
  });

  test.each([
    ['SKU=', 'amount must be a decimal like 12.50, got ""'],
    ['SKU=abc', 'amount must be a decimal like 12.50, got "abc"'],
    ['SKU=-1.00', 'amount must be a decimal like 12.50, got "-1.00"'],
    ['SKU=1.234', 'amount must be a decimal like 12.50, got "1.234"'],
    ['SKU=1,50', 'amount must be a decimal like 12.50, got "1,50"'],
    ['SKU=.5', 'amount must be a decimal like 12.50, got ".5"'],
    ['SKU=0.00', 'amount must be above zero'],
    ['=5.00', 'the retailer id (SKU) is empty'],
  ])('refuses %j', (text, message) => {
    expect(() => parseRefundItem(text)).toThrow(UsageError);
    expect(() => parseRefundItem(text)).toThrow(message);
  });
});

describe('amounts', () => {
  test('valid amounts are kept as typed', () => {
    expect(parseAmount('4.99', '--shipping')).toBe('4.99');
  });
  test('the message names the flag', () => {
    expect(() => parseAmount('4.999', '--shipping')).toThrow(
      '--shipping: amount must be a decimal like 12.50, got "4.999"',
    );
  });
});
