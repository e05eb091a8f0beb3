/**
 * `fb-orders refund`: refund shipped units, by quantity (SKU:QTY) or amount (SKU=12.50), and/or
 * shipping. Amounts are in the order's currency, read from its ledger, so the operator never types
 * a currency that could differ from what the buyer paid in.
 */
import { OrderCommandRejectedError } from '../../client/errors.js';
import { SELLER_REFUND_REASON_CODES } from '../../domain/reason-codes.js';
import type { RefundCommand } from '../../order/commands/index.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../args.js';
import { lineArgs, parseAmount, type LineArg } from '../items.js';
import type { OrderCommandCli } from '../order-command.js';

export const refundCli: OrderCommandCli<'refund'> = {
  name: 'refund',
  summary:
    'Refund shipped units by quantity or amount, shipping, or everything left (--full): exactly what is named, nothing implied.',
  options: [
    {
      name: 'reason',
      value: 'CODE',
      required: true,
      choices: SELLER_REFUND_REASON_CODES,
      description: 'refund reason',
    },
    {
      name: 'item',
      value: 'SKU:QTY|SKU=AMOUNT',
      repeatable: true,
      description: 'units of one retailer id, or an amount of it in the order currency',
    },
    {
      name: 'item-id',
      value: 'ITEM_ID:QTY|ITEM_ID=AMOUNT',
      repeatable: true,
      description: "the same for one order line, by Meta's item id (for a SKU two lines share)",
    },
    { name: 'full', description: 'refund every shipped unit not yet refunded (instead of --item)' },
    { name: 'shipping', value: 'AMOUNT', description: 'shipping to refund, in the order currency' },
    { name: 'adjustment', value: 'AMOUNT', description: 'an amount on top (goodwill), in the order currency' },
    {
      name: 'deduct-return-shipping',
      value: 'AMOUNT',
      description: 'taken off the refund: the return shipping the buyer pays',
    },
    { name: 'return', value: 'RETURN_ID', description: "Meta's id of the buyer's return this refund settles" },
    { name: 'text', value: 'TEXT', description: 'free-text reason (up to 500 characters)' },
  ],
  notes: [
    'example: fb-orders refund 310000000000007 --reason DAMAGED_GOODS --item MUG-CER-12:1 --item TEE-ORG-M=5.00 --shipping 4.99',
    'shipping only: fb-orders refund 310000000000007 --reason REFUND_REASON_OTHER --shipping 4.99',
  ],
  async build(args, ctx, orderId) {
    // Parse everything before connecting: a malformed --item is a usage error, not a network round trip.
    const items = lineArgs({ items: args.values('item'), itemIds: args.values('item-id') }, true);
    const full = args.flag('full');
    if (full && items.length) throw new UsageError('--full refunds every shipped unit left: leave out --item');
    const amountOf = (name: string) => {
      const text = args.value(name);
      return text === undefined ? undefined : parseAmount(text, `--${name}`);
    };
    const shipping = amountOf('shipping');
    const adjustment = amountOf('adjustment');
    const deduction = amountOf('deduct-return-shipping');
    if (!full && !items.length && shipping === undefined && adjustment === undefined) {
      throw new UsageError('say what to refund: --item, --shipping, --adjustment, or --full');
    }
    const text = args.value('text');
    const returnId = args.value('return');
    const needsCurrency =
      shipping !== undefined ||
      adjustment !== undefined ||
      deduction !== undefined ||
      items.some((item) => 'amount' in item);
    const currency = needsCurrency ? await orderCurrency(ctx, orderId) : undefined;
    const money = (amount: string) => ({ amount, currency: currency! });
    return {
      reasonCode: args.value('reason') as RefundCommand['reasonCode'],
      ...(items.length ? { items: items.map((item) => refundLine(item, currency)) } : {}),
      ...(full ? { full: true as const } : {}),
      ...(shipping !== undefined ? { shippingRefund: money(shipping) } : {}),
      ...(adjustment !== undefined ? { adjustment: money(adjustment) } : {}),
      ...(deduction !== undefined
        ? { deductions: [{ type: 'RETURN_SHIPPING' as const, amount: money(deduction) }] }
        : {}),
      ...(returnId !== undefined ? { returnId } : {}),
      ...(text !== undefined ? { reasonText: text } : {}),
    };
  },
};

function refundLine(item: LineArg, currency: string | undefined): NonNullable<RefundCommand['items']>[number] {
  const { amount, ...line } = item;
  return amount !== undefined ? { ...line, amount: { amount, currency: currency! } } : line;
}

async function orderCurrency(ctx: CliContext, orderId: string): Promise<string> {
  const session = await ctx.temporal();
  const state = await session.withQueryDeadline(() => session.orders.getState(orderId));
  if (!state.ledger) {
    throw new OrderCommandRejectedError(
      orderId,
      'refund',
      `order ${orderId} is not acknowledged yet (phase ${state.phase}): nothing has shipped, so nothing can be refunded`,
      'validation',
    );
  }
  return state.ledger.currency;
}
