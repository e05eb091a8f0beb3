/** The sandbox's own money handling and Meta code lists (sandbox/money.ts, sandbox/meta-codes/). */
import { describe, expect, it } from 'vitest';
import { carrierLabel, isCarrierCode } from '../../../sandbox/meta-codes/carrier-codes.js';
import { isOrderState } from '../../../sandbox/meta-codes/order-states.js';
import { formatAmount, isAmount, parseAmount } from '../../../sandbox/money.js';

describe('sandbox money', () => {
  it('reads Meta decimal strings into hundredths and writes them back with two places', () => {
    expect(parseAmount('5.5')).toBe(550n);
    expect(parseAmount('19.99')).toBe(1999n);
    expect(parseAmount('0.05')).toBe(5n);
    expect(parseAmount('12')).toBe(1200n);
    expect(formatAmount(550n)).toBe('5.50');
    expect(formatAmount(5n)).toBe('0.05');
    expect(formatAmount(0n)).toBe('0.00');
    expect(formatAmount(123456789012345678901234n)).toBe('1234567890123456789012.34');
    expect(formatAmount(-5n)).toBe('-0.05');
    expect(formatAmount(parseAmount('0.1') + parseAmount('0.2'))).toBe('0.30');
  });

  it('refuses what is not a non-negative amount with at most two places', () => {
    for (const bad of ['', '.5', '5.', '5.555', '-1', '1e3', ' 5', '5,50', 'NaN']) {
      expect(isAmount(bad), bad).toBe(false);
      expect(() => parseAmount(bad), bad).toThrow(RangeError);
    }
  });
});

describe("sandbox's Meta lists", () => {
  it("knows Meta's carrier codes and their labels, and nothing else", () => {
    expect(isCarrierCode('UPS')).toBe(true);
    expect(isCarrierCode('OTHER')).toBe(true);
    expect(carrierLabel('DHL_ECOMMERCE_US')).toBe('DHL eCommerce US');
    expect(carrierLabel('SHANGHAI_WISE_SUPPLY_CHAIN_MANAGEMENT_CO_LTD')).toMatch(/Shanghai Wise Supply Chain/);
    for (const unknown of ['ups', 'ROYALMAIL', '', 'toString', '__proto__'])
      expect(isCarrierCode(unknown), unknown).toBe(false);
  });

  it('knows the four order states', () => {
    expect(['FB_PROCESSING', 'CREATED', 'IN_PROGRESS', 'COMPLETED'].every(isOrderState)).toBe(true);
    expect(isOrderState('CANCELLED')).toBe(false);
  });
});
