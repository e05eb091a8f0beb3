/**
 * The runner: picks the command, parses its arguments, runs it and turns every outcome into an
 * exit code. 0 done, 1 could not be done (rejected, not found, unreachable), 2 usage mistake,
 * 78 bad setting. Takes its I/O and context as arguments so tests run it in-process.
 */
import { commandHelp, parseArgs, UsageError, usageLine } from './args.js';
import type { Command } from './command.js';
import { COMMANDS } from './commands/index.js';
import { createCliContext, type CliContext } from './context.js';
import { describeFailure, EXIT_USAGE, redactSecrets } from './failures.js';
import type { CliIo } from './io.js';
import { requestIdNote } from './request-id.js';

export async function runCli(
  argv: readonly string[],
  io: CliIo,
  createContext: (io: CliIo) => CliContext = createCliContext,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(generalHelp());
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0] === undefined ? undefined : findCommand(rest[0]);
    io.stdout.write(topic ? commandHelp(topic.spec) : generalHelp());
    return 0;
  }
  const command = findCommand(name);
  if (!command) {
    io.stderr.write(
      `fb-orders: unknown command ${JSON.stringify(name)}\nusage: fb-orders <command> [arguments]; commands: ${COMMANDS.map((c) => c.spec.name).join(', ')}\nrun "fb-orders --help" for details\n`,
    );
    return EXIT_USAGE;
  }

  const context = createContext(io);
  try {
    const args = parseArgs(command.spec, rest);
    if (args.help) {
      io.stdout.write(commandHelp(command.spec));
      return 0;
    }
    const code = await command.run(args, context);
    writeRequestIdNote(io);
    return code;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(
        `fb-orders ${command.spec.name}: ${err.message}\nusage: ${usageLine(command.spec)}\nrun "fb-orders ${command.spec.name} --help" for details\n`,
      );
      return EXIT_USAGE;
    }
    const failure = describeFailure(err, context.temporalAddress());
    // The reason first, then (for a command given no --request-id) the id to retry with.
    io.stderr.write(`${redactSecrets(failure.line, io.env)}\n`);
    writeRequestIdNote(io);
    if (io.env.FB_ORDERS_DEBUG && err instanceof Error && err.stack)
      io.stderr.write(`${redactSecrets(err.stack, io.env)}\n`);
    return failure.exitCode;
  } finally {
    await context.close().catch(() => undefined);
  }
}

function writeRequestIdNote(io: CliIo): void {
  const note = requestIdNote(io);
  if (note) io.stderr.write(note);
}

function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.spec.name === name);
}

export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length));
  return [
    'usage: fb-orders <command> [arguments]',
    '',
    "Operate Facebook / Instagram Shops orders run by this project's Temporal workflows.",
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`),
    '',
    'Run "fb-orders <command> --help" for its arguments. Every usage:',
    ...COMMANDS.map((c) => `  ${usageLine(c.spec)}`),
    '',
    'Settings come from the environment, as for the worker: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,',
    'TEMPORAL_API_KEY, TEMPORAL_TLS_* (or TEMPORAL_PROFILE); META_CMS_ID (the commerce account);',
    'META_GRAPH_URL, META_ACCESS_TOKEN, META_APP_SECRET for connect / disconnect.',
    'FB_ORDERS_DEBUG=1 adds stack traces to errors.',
    '',
    'Exit codes: 0 done, 1 not done (rejected, no such order, unreachable), 2 usage error, 78 bad setting.',
    '',
  ].join('\n');
}
