/**
 * Meta's `currency_amount` carries the amount as a decimal string ("5.5", "19.99"). The sandbox
 * keeps amounts as whole hundredths (bigint), so totals and refund caps are exact: no float
 * rounding can let a refund slip past what the buyer paid.
 *
 * Two decimal places for every currency: Meta's documentation names no per-currency scale and
 * its samples are all two-place; a third decimal is refused.
 */
const AMOUNT = /^\d+(\.\d{1,2})?$/;

/** A non-negative decimal string with at most two decimal places. */
export function isAmount(text: string): boolean {
  return AMOUNT.test(text);
}

/** "5.5" -> 550n. Throws on anything `isAmount` refuses. */
export function parseAmount(text: string): bigint {
  if (!isAmount(text)) throw new RangeError(`not an amount: ${JSON.stringify(text)}`);
  const [whole, fraction = ''] = text.split('.');
  return BigInt(`${whole}${fraction.padEnd(2, '0')}`);
}

/** 550n -> "5.50". Negative values too ("-0.05"), for messages about a shortfall. */
export function formatAmount(minor: bigint): string {
  const digits = (minor < 0n ? -minor : minor).toString().padStart(3, '0');
  return `${minor < 0n ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
