/**
 * Money as Meta sends it: a decimal string and a currency. Arithmetic happens in integer minor
 * units (bigint), never in floating point, so "0.10" + "0.20" is exactly "0.30".
 * Pure and deterministic: safe in workflow code.
 */

export interface Money {
  amount: string;
  currency: string;
}

const SCALE = 2;
const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

export function isValidAmount(amount: string): boolean {
  return DECIMAL.test(amount);
}

/** "12.5" -> 1250n. Throws on anything that is not a non-negative decimal with at most two places. */
export function toMinorUnits(amount: string): bigint {
  const match = DECIMAL.exec(amount);
  if (!match) throw new RangeError(`not a decimal amount: ${JSON.stringify(amount)}`);
  const whole = match[1]!;
  const fraction = (match[2] ?? '').padEnd(SCALE, '0');
  return BigInt(whole) * 10n ** BigInt(SCALE) + BigInt(fraction);
}

/** 1250n -> "12.50" */
export function fromMinorUnits(minor: bigint): string {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const base = 10n ** BigInt(SCALE);
  const text = `${abs / base}.${(abs % base).toString().padStart(SCALE, '0')}`;
  return negative ? `-${text}` : text;
}

export function multiply(amount: string, quantity: number): string {
  return fromMinorUnits(toMinorUnits(amount) * BigInt(quantity));
}
