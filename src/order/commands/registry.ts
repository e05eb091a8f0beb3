/**
 * The command registry: every command kind an order takes, one module each. Everything else about
 * commands is derived from here: the Updates and signals (names and argument types), the parser the
 * typed client and the workflow share, the client's methods and the CLI's command list.
 * Pure apart from message definitions: the typed client imports it too.
 */
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { defineSignal, defineUpdate } from '@temporalio/workflow';
import type { z } from 'zod';
import { COMMAND_KINDS, type CommandKind } from '../../api/command-kinds.js';
import { describeIssues } from '../../api/message-fields.js';
import type { CommandOutcome } from '../../api/order-state.js';
import { answerReturn } from './answer-return.js';
import { cancel } from './cancel.js';
import type { CommandDefinition } from './command.js';
import { refund } from './refund.js';
import { retry } from './retry.js';
import { ship } from './ship.js';
import { updateTracking } from './update-tracking.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry keeps its own schema and plan types
type AnyCommandDefinition<K extends CommandKind> = CommandDefinition<K, z.ZodType, any, boolean>;

/** One entry per kind of src/api/command-kinds.ts: a missing or extra one fails the type check. */
export const COMMANDS = { ship, cancel, refund, updateTracking, answerReturn, retry } satisfies {
  [K in CommandKind]: AnyCommandDefinition<K>;
};

/** What a caller sends (defaults not yet applied). */
export type CommandInput<K extends CommandKind> = z.input<(typeof COMMANDS)[K]['schema']>;
/** What the workflow works with once parsed. */
export type ParsedCommand<K extends CommandKind> = z.output<(typeof COMMANDS)[K]['schema']>;
/** The kinds also sent as fire-and-forget signals. */
export type SignalCommandKind = {
  [K in CommandKind]: (typeof COMMANDS)[K]['signal'] extends true ? K : never;
}[CommandKind];

export type CommandUpdates = { [K in CommandKind]: UpdateDefinition<CommandOutcome, [CommandInput<K>], K> };
export type CommandSignals = { [K in SignalCommandKind]: SignalDefinition<[CommandInput<K>], `${K}Signal`> };

/** Updates: the caller waits for Meta's answer. Named after the kind ("ship", "cancel", ...). */
export const commandUpdates = Object.fromEntries(
  COMMAND_KINDS.map((kind) => [kind, defineUpdate(kind)]),
) as CommandUpdates;

export const SIGNAL_COMMAND_KINDS = COMMAND_KINDS.filter((kind): kind is SignalCommandKind => COMMANDS[kind].signal);

/** The same commands as signals ("shipSignal", ...), for OMS code that cannot wait (a queue consumer). */
export const commandSignals = Object.fromEntries(
  SIGNAL_COMMAND_KINDS.map((kind) => [kind, defineSignal(`${kind}Signal`)]),
) as CommandSignals;

/**
 * Parses a command; on failure the message names the field, e.g. `items[0].quantity: quantity must
 * be at least 1` (at most a few problems, never a caller's whole value: limits.ts).
 */
export function parseCommand<K extends CommandKind>(
  kind: K,
  input: unknown,
): { ok: true; command: ParsedCommand<K> } | { ok: false; reason: string } {
  const parsed = COMMANDS[kind].schema.safeParse(input);
  if (parsed.success) return { ok: true, command: parsed.data as ParsedCommand<K> };
  return { ok: false, reason: `invalid ${kind} command: ${describeIssues(parsed.error, 5)}` };
}

/** Stable text of a command, so a reused requestId with different content is detected. */
export function commandFingerprint(kind: CommandKind, command: object): string {
  return `${kind}:${stableStringify(command)}`;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
