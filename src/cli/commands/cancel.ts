/** `fb-orders cancel`: cancel unshipped units (all of them unless --item says which). */
import type { CancelCommand } from '../../order/commands/schemas.js';
import { CANCEL_REASON_CODES } from '../../domain/reason-codes.js';
import type { Command } from '../command.js';
import { parseUnitItem } from '../items.js';
import { sendOrderCommand } from '../order-command.js';
import { REQUEST_ID_OPTION, requestIdFor } from '../request-id.js';

export const cancelCommand: Command = {
  spec: {
    name: 'cancel',
    summary: 'Cancel unshipped units of an order (every unshipped unit unless --item is given).',
    positionals: [{ name: 'orderId', description: "Meta's order id" }],
    options: [
      { name: 'reason', value: 'CODE', required: true, choices: CANCEL_REASON_CODES, description: 'cancellation reason' },
      { name: 'item', value: 'SKU:QTY', repeatable: true, description: 'units of one retailer id to cancel' },
      { name: 'restock', description: 'put the cancelled units back into sellable stock' },
      { name: 'description', value: 'TEXT', description: 'free-text reason (up to 500 characters)' },
      REQUEST_ID_OPTION,
    ],
  },
  async run(args, ctx) {
    const orderId = args.positional('orderId');
    const items = args.values('item').map(parseUnitItem);
    const description = args.value('description');
    const command: CancelCommand = {
      requestId: requestIdFor(args, ctx.io),
      reasonCode: args.value('reason') as CancelCommand['reasonCode'],
      restock: args.flag('restock'),
      ...(items.length ? { items } : {}),
      ...(description !== undefined ? { reasonDescription: description } : {}),
    };
    return sendOrderCommand(ctx, orderId, 'cancel', command, (orders) => orders.cancel(orderId, command));
  },
};
