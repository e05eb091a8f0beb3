/** `fb-orders ship`: ship units (all unshipped ones unless --item says which) with tracking. */
import type { ShipCommand } from '../../order/commands/schemas.js';
import type { Command } from '../command.js';
import { parseUnitItem } from '../items.js';
import { sendOrderCommand } from '../order-command.js';
import { REQUEST_ID_OPTION, requestIdFor } from '../request-id.js';

export const shipCommand: Command = {
  spec: {
    name: 'ship',
    summary: 'Ship units of an order with a carrier and tracking number (every unshipped unit unless --item is given).',
    positionals: [{ name: 'orderId', description: "Meta's order id" }],
    options: [
      { name: 'carrier', value: 'CODE', required: true, description: "Meta's carrier code, e.g. UPS, FEDEX, USPS, DHL" },
      { name: 'tracking', value: 'NUMBER', required: true, description: 'tracking number' },
      { name: 'item', value: 'SKU:QTY', repeatable: true, description: 'units of one retailer id to ship' },
      { name: 'method', value: 'NAME', description: 'shipping method name shown to the buyer' },
      REQUEST_ID_OPTION,
    ],
    notes: ['example: fb-orders ship 1234567890 --carrier UPS --tracking 1Z999AA10123456784 --item SKU-TEE-M:1'],
  },
  async run(args, ctx) {
    const orderId = args.positional('orderId');
    const items = args.values('item').map(parseUnitItem);
    const method = args.value('method');
    const command: ShipCommand = {
      requestId: requestIdFor(args, ctx.io),
      carrier: args.value('carrier')!,
      trackingNumber: args.value('tracking')!,
      ...(items.length ? { items } : {}),
      ...(method !== undefined ? { shippingMethodName: method } : {}),
    };
    return sendOrderCommand(ctx, orderId, 'ship', command, (orders) => orders.ship(orderId, command));
  },
};
