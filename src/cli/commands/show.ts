/** `fb-orders show`: one order's state (phase, Meta state, ledger, attention, commands). */
import type { Command } from '../command.js';
import { formatOrderState } from '../format-state.js';

export const showCommand: Command = {
  spec: {
    name: 'show',
    summary:
      "Show an order's state: phase, Meta state, OMS reference, item ledger, attention, pending and recent commands.",
    positionals: [{ name: 'orderId', description: "Meta's order id" }],
    options: [{ name: 'json', description: "print the raw state (the workflow's `state` query) as JSON" }],
  },
  async run(args, ctx) {
    const orderId = args.positional('orderId');
    const session = await ctx.temporal();
    const state = await session.withQueryDeadline(() => session.orders.getState(orderId));
    ctx.io.stdout.write(args.flag('json') ? `${JSON.stringify(state, null, 2)}\n` : formatOrderState(state));
    return 0;
  },
};
