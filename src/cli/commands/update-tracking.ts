/** `fb-orders update-tracking`: change the carrier / tracking number of an earlier shipment. */
import type { UpdateTrackingCommand } from '../../order/commands/schemas.js';
import type { Command } from '../command.js';
import { sendOrderCommand } from '../order-command.js';
import { REQUEST_ID_OPTION, requestIdFor } from '../request-id.js';

export const updateTrackingCommand: Command = {
  spec: {
    name: 'update-tracking',
    summary: 'Change the tracking of a shipment made by an earlier `ship` (named by that command\'s request id).',
    positionals: [{ name: 'orderId', description: "Meta's order id" }],
    options: [
      { name: 'shipment', value: 'SHIP_REQUEST_ID', required: true, description: 'the request id of the ship command (see `fb-orders show`)' },
      { name: 'carrier', value: 'CODE', required: true, description: "Meta's carrier code" },
      { name: 'tracking', value: 'NUMBER', required: true, description: 'the new tracking number' },
      REQUEST_ID_OPTION,
    ],
  },
  async run(args, ctx) {
    const orderId = args.positional('orderId');
    const command: UpdateTrackingCommand = {
      requestId: requestIdFor(args, ctx.io),
      shipmentRequestId: args.value('shipment')!,
      carrier: args.value('carrier')!,
      trackingNumber: args.value('tracking')!,
    };
    return sendOrderCommand(ctx, orderId, 'updateTracking', command, (orders) => orders.updateTracking(orderId, command));
  },
};
