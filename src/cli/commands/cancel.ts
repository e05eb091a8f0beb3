/** `fb-orders cancel`: cancel unshipped units (all of them unless --item says which). */
import { CANCEL_REASON_CODES } from '../../domain/reason-codes.js';
import type { CancelCommand } from '../../order/commands/index.js';
import { UsageError } from '../args.js';
import { lineArgs, type UnitLineArg } from '../items.js';
import type { OrderCommandCli } from '../order-command.js';

export const cancelCli: OrderCommandCli<'cancel'> = {
  name: 'cancel',
  summary: 'Cancel unshipped units of an order (every unshipped unit unless --item is given).',
  options: [
    { name: 'reason', value: 'CODE', required: true, choices: CANCEL_REASON_CODES, description: 'cancellation reason' },
    { name: 'item', value: 'SKU:QTY', repeatable: true, description: 'units of one retailer id to cancel' },
    {
      name: 'item-id',
      value: 'ITEM_ID:QTY',
      repeatable: true,
      description: "units of one order line, by Meta's item id (for a SKU two lines share; see `show`)",
    },
    { name: 'restock', description: 'put the cancelled units back into sellable stock' },
    { name: 'no-restock', description: 'write the cancelled units off (one of --restock or --no-restock is required)' },
    { name: 'description', value: 'TEXT', description: 'free-text reason (up to 500 characters)' },
  ],
  build(args) {
    const items = lineArgs({ items: args.values('item'), itemIds: args.values('item-id') }, false) as UnitLineArg[];
    const description = args.value('description');
    // Writing stock off is never a default: the operator says which.
    if (args.flag('restock') === args.flag('no-restock'))
      throw new UsageError('say --restock or --no-restock (one of them)');
    return {
      reasonCode: args.value('reason') as CancelCommand['reasonCode'],
      restock: args.flag('restock'),
      ...(items.length ? { items } : {}),
      ...(description !== undefined ? { reasonDescription: description } : {}),
    };
  },
};
