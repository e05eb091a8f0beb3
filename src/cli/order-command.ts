/**
 * The CLI side of the command registry: each command kind has a CLI spec (its name, options and how
 * its arguments become the command, in commands/<kind>.ts); the `<orderId>` positional, the
 * `--request-id` option, the local check with the workflow's own schema (a bad carrier code costs no
 * connection), sending through the typed client and printing Meta's confirmation are common to all.
 */
import type { CommandKind } from '../api/command-kinds.js';
import type { CommandOptions } from '../client/order-client.js';
import { OrderCommandRejectedError, OrderNeedsAttentionError } from '../client/errors.js';
import { COMMANDS, parseCommand, type CommandInput } from '../order/commands/index.js';
import type { OptionSpec, ParsedArgs } from './args.js';
import type { Command } from './command.js';
import type { CliContext } from './context.js';
import { EXIT_FAILURE } from './failures.js';
import { REQUEST_ID_OPTION, requestIdFor } from './request-id.js';

/** After this long the operator is told why nothing happened yet, and that interrupting is safe. */
export const STILL_WAITING_MS = 15_000;

export interface OrderCommandCli<K extends CommandKind> {
  /** The CLI's name for it, e.g. `update-tracking`. */
  name: string;
  summary: string;
  options: readonly OptionSpec[];
  notes?: readonly string[];
  /** The command from the arguments, without its requestId (added here, after everything else parsed). */
  build(
    args: ParsedArgs,
    ctx: CliContext,
    orderId: string,
  ): Omit<CommandInput<K>, 'requestId'> | Promise<Omit<CommandInput<K>, 'requestId'>>;
}

/** A CLI command for one kind of the registry. */
export function orderCommand<K extends CommandKind>(kind: K, cli: OrderCommandCli<K>): Command {
  return {
    spec: {
      name: cli.name,
      summary: cli.summary,
      positionals: [{ name: 'orderId', description: "Meta's order id" }],
      options: [...cli.options, REQUEST_ID_OPTION],
      ...(cli.notes ? { notes: cli.notes } : {}),
    },
    async run(args, ctx) {
      const orderId = args.positional('orderId');
      const command = {
        ...(await cli.build(args, ctx, orderId)),
        requestId: requestIdFor(args, ctx.io),
      } as CommandInput<K>;
      return sendOrderCommand(ctx, orderId, kind, command);
    },
  };
}

async function sendOrderCommand<K extends CommandKind>(
  ctx: CliContext,
  orderId: string,
  kind: K,
  command: CommandInput<K>,
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
    const send = orders[kind] as (
      orderId: string,
      command: CommandInput<K>,
      options: CommandOptions,
    ) => ReturnType<typeof orders.ship>;
    // A command that waits for an operator would wait until someone fixes the cause: say why now instead.
    // (Not for `retry`: the order is parked by definition until the step it wakes resumes.)
    const outcome = await send(orderId, command, { stopOnAttention: !COMMANDS[kind].allowedWhileParked });
    ctx.io.stdout.write(
      `${kind} ${orderId}: ${outcome.summary} (Meta state: ${outcome.metaState}; applied ${outcome.appliedAt})\n`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof OrderNeedsAttentionError)) throw err;
    ctx.io.stderr.write(
      `${err.message}\n` +
        `the ${kind} waits for it: fix the cause, then run \`fb-orders retry ${orderId}\`; ` +
        `re-running this command with --request-id ${command.requestId} then shows its outcome\n`,
    );
    return EXIT_FAILURE;
  } finally {
    clearTimeout(waiting);
  }
}
