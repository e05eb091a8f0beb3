/** The shape of one CLI command: its declared arguments and what it does with them. */
import type { CommandSpec, ParsedArgs } from './args.js';
import type { CliContext } from './context.js';

export interface Command {
  spec: CommandSpec;
  /** Resolves to the exit code. Throws UsageError for a mistake in the arguments. */
  run(args: ParsedArgs, ctx: CliContext): Promise<number>;
}
