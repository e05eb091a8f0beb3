/**
 * `--item` values: `SKU:QTY` (units) and, for refunds, `SKU=AMOUNT` (money in the order currency);
 * `--item-id` values the same with Meta's item id, for a SKU that two lines of the order share.
 * The split is at the LAST ":" or "=", so retailer ids that themselves contain ":" or "="
 * (e.g. "TEE:RED:M:2") still work. Anything malformed is a usage error that quotes the value.
 */
import { isValidAmount } from '../domain/money.js';
import { UsageError } from './args.js';

export type ItemArg = { retailerId: string; quantity: number } | { retailerId: string; amount: string };
/** An `--item` or `--item-id` value: the line named by retailer id or by Meta's item id. */
export type LineArg = ({ retailerId: string; itemId?: undefined } | { itemId: string; retailerId?: undefined }) &
  ({ quantity: number; amount?: undefined } | { amount: string; quantity?: undefined });

export type UnitLineArg = Extract<LineArg, { quantity: number }>;

/** Every `--item` and `--item-id` of a command, in that order. */
export function lineArgs(
  values: { items: readonly string[]; itemIds: readonly string[] },
  amountAllowed: boolean,
): LineArg[] {
  const byRetailerId = values.items.map((text) => (amountAllowed ? parseRefundItem(text) : parseUnitItem(text)));
  const byItemId = values.itemIds.map((text) => {
    const { retailerId: itemId, ...rest } = amountAllowed ? parseRefundItem(text) : parseUnitItem(text);
    if (!/^[A-Za-z0-9_]+$/.test(itemId))
      throw new UsageError(`--item-id ${JSON.stringify(text)}: Meta's item ids are digits`);
    return { itemId, ...rest };
  });
  return [...byRetailerId, ...byItemId] as LineArg[];
}

const MAX_QUANTITY = 1_000_000;

/** `SKU:QTY` only: ship and cancel move whole units. */
export function parseUnitItem(text: string): { retailerId: string; quantity: number } {
  const item = parseItem(text, false);
  if (!('quantity' in item)) throw new UsageError(`--item ${JSON.stringify(text)}: expected SKU:QTY`);
  return item;
}

/** `SKU:QTY` or `SKU=AMOUNT` (a decimal with at most two places, e.g. 12.50). */
export function parseRefundItem(text: string): ItemArg {
  return parseItem(text, true);
}

function parseItem(text: string, amountAllowed: boolean): ItemArg {
  const expected = amountAllowed ? 'SKU:QTY or SKU=AMOUNT' : 'SKU:QTY';
  const at = Math.max(text.lastIndexOf(':'), text.lastIndexOf('='));
  if (at === -1) throw new UsageError(`--item ${JSON.stringify(text)}: expected ${expected}`);
  const retailerId = text.slice(0, at);
  const separator = text[at];
  const value = text.slice(at + 1);
  if (retailerId.trim() === '') throw new UsageError(`--item ${JSON.stringify(text)}: the retailer id (SKU) is empty`);
  if (separator === '=') {
    if (!amountAllowed)
      throw new UsageError(`--item ${JSON.stringify(text)}: expected SKU:QTY (amounts are for refunds only)`);
    return { retailerId, amount: parseAmount(value, `--item ${JSON.stringify(text)}`) };
  }
  if (!/^\d+$/.test(value))
    throw new UsageError(
      `--item ${JSON.stringify(text)}: quantity must be a whole number, got ${JSON.stringify(value)}`,
    );
  const quantity = Number(value);
  if (quantity < 1 || quantity > MAX_QUANTITY)
    throw new UsageError(`--item ${JSON.stringify(text)}: quantity must be from 1 to ${MAX_QUANTITY}`);
  return { retailerId, quantity };
}

/** A money amount as Meta takes it: "12.50", "12.5" or "12"; never negative, never three places. */
export function parseAmount(text: string, what: string): string {
  if (!isValidAmount(text))
    throw new UsageError(`${what}: amount must be a decimal like 12.50, got ${JSON.stringify(text)}`);
  if (/^0+(\.0*)?$/.test(text)) throw new UsageError(`${what}: amount must be above zero`);
  return text;
}
