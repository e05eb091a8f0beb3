/**
 * What ship, cancel, refund, update-tracking and retry share: check the command locally with the
 * workflow's own schema (a bad carrier code costs no connection), send it as an Update through the
 * typed client, and print Meta's confirmation.
 */
import { OrderCommandRejectedError } from '../client/errors.js';
import type { OrderClient } from '../client/order-client.js';
import { parseCommand, type CommandKind } from '../order/commands/schemas.js';
import type { CommandOutcome } from '../api/order-state.js';
import type { CliContext } from './context.js';

/** After this long the operator is told why nothing happened yet, and that interrupting is safe. */
export const STILL_WAITING_MS = 15_000;

export async function sendOrderCommand(
  ctx: CliContext,
  orderId: string,
  kind: CommandKind,
  command: { requestId: string },
  send: (orders: OrderClient) => Promise<CommandOutcome>,
): Promise<number> {
  const parsed = parseCommand(kind, command);
  if (!parsed.ok) throw new OrderCommandRejectedError(orderId, kind, parsed.reason, 'validation');
  const { orders } = await ctx.temporal();
  const waiting = setTimeout(() => {
    ctx.io.stderr.write(
      `still waiting for order ${orderId} (Meta may be slow or throttling, or no worker is running); ` +
        `interrupting is safe: re-run with --request-id ${command.requestId}\n`,
    );
  }, STILL_WAITING_MS);
  try {
    const outcome = await send(orders);
    ctx.io.stdout.write(`${kind} ${orderId}: ${outcome.summary} (Meta state: ${outcome.metaState}; applied ${outcome.appliedAt})\n`);
    return 0;
  } finally {
    clearTimeout(waiting);
  }
}
