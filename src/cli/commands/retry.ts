/** `fb-orders retry`: resume an order parked in NEEDS_ATTENTION once its cause is fixed. */
import type { Command } from '../command.js';
import { sendOrderCommand } from '../order-command.js';
import { REQUEST_ID_OPTION, requestIdFor } from '../request-id.js';

export const retryCommand: Command = {
  spec: {
    name: 'retry',
    summary: 'Resume an order that waits in NEEDS_ATTENTION, after the cause (token, permission, OMS) is fixed.',
    positionals: [{ name: 'orderId', description: "Meta's order id" }],
    options: [REQUEST_ID_OPTION],
  },
  async run(args, ctx) {
    const orderId = args.positional('orderId');
    const command = { requestId: requestIdFor(args, ctx.io) };
    return sendOrderCommand(ctx, orderId, 'retry', command, (orders) => orders.retry(orderId, command));
  },
};
