/**
 * `fb-orders refund`: refund shipped units, by quantity (SKU:QTY) or amount (SKU=12.50), and/or
 * shipping. Amounts are in the order's currency, read from its ledger, so the operator never types
 * a currency that could differ from what the buyer paid in.
 */
import { OrderCommandRejectedError } from '../../client/errors.js';
import { SELLER_REFUND_REASON_CODES } from '../../domain/reason-codes.js';
import type { RefundCommand } from '../../order/commands/index.js';
import type { CliContext } from '../context.js';
import { parseAmount, parseRefundItem, type ItemArg } from '../items.js';
import type { OrderCommandCli } from '../order-command.js';

export const refundCli: OrderCommandCli<'refund'> = {
  name: 'refund',
  summary:
    'Refund shipped units by quantity or amount, and/or shipping (everything shipped and not yet refunded unless --item or --shipping is given).',
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
    { name: 'shipping', value: 'AMOUNT', description: 'shipping to refund, in the order currency' },
    { name: 'text', value: 'TEXT', description: 'free-text reason (up to 500 characters)' },
  ],
  notes: [
    'example: fb-orders refund 1234567890 --reason DAMAGED_GOODS --item SKU-MUG:1 --item SKU-TEE-M=5.00 --shipping 4.99',
  ],
  async build(args, ctx, orderId) {
    // Parse everything before connecting: a malformed --item is a usage error, not a network round trip.
    const items = args.values('item').map(parseRefundItem);
    const shippingText = args.value('shipping');
    const shipping = shippingText === undefined ? undefined : parseAmount(shippingText, '--shipping');
    const text = args.value('text');
    const needsCurrency = shipping !== undefined || items.some((item) => 'amount' in item);
    const currency = needsCurrency ? await orderCurrency(ctx, orderId) : undefined;
    return {
      reasonCode: args.value('reason') as RefundCommand['reasonCode'],
      ...(items.length ? { items: items.map((item) => refundLine(item, currency)) } : {}),
      ...(shipping !== undefined ? { shippingRefund: { amount: shipping, currency: currency! } } : {}),
      ...(text !== undefined ? { reasonText: text } : {}),
    };
  },
};

function refundLine(item: ItemArg, currency: string | undefined): NonNullable<RefundCommand['items']>[number] {
  return 'amount' in item
    ? { retailerId: item.retailerId, amount: { amount: item.amount, currency: currency! } }
    : item;
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
