/**
 * What a command kind is made of, so that each kind lives in one module (ship.ts, cancel.ts, ...):
 * its zod schema (the typed client parses with it before sending; the workflow's Update validator
 * parses again, since a caller need not use our client), its check against the order (everything
 * Meta would refuse, decided before anything enters history), and how it is carried out.
 * The registry (registry.ts) derives the Updates, signals, client methods and CLI list from these.
 */
import type { ApplicationFailure } from '@temporalio/workflow';
import type { z } from 'zod';
import type { CommandKind } from '../../api/command-kinds.js';
import { COMMAND_REJECTING_FAILURE_TYPES } from '../../api/graph-failures.js';
import type { OrderWorkflowState } from '../../api/order-state.js';
import type { OrderContext } from '../context.js';
import type { UnitLine } from '../item-ledger.js';

export interface CommandDefinition<K extends CommandKind, S extends z.ZodType, Plan, Signal extends boolean> {
  kind: K;
  schema: S;
  /** Also accepted as a fire-and-forget signal named `<kind>Signal`: same checks, same keys. */
  signal: Signal;
  /** Accepted while the order waits in NEEDS_ATTENTION (only `retry`; every other command is refused then). */
  allowedWhileParked?: boolean;
  /**
   * Waits for the order's lock: one Graph write at a time. `retry` must not, since the step
   * holding the lock is the one waiting for the retry.
   */
  exclusive: boolean;
  /**
   * A command in the shape an earlier version accepted, mapped to this version's shape with the
   * meaning it had then (e.g. a cancel without `restock` meant "no restock"). Applied only to
   * commands that workflows accepted before EXPLICIT_COMMANDS_PATCH, so their histories replay.
   */
  upgradeAccepted?(input: Record<string, unknown>): Record<string, unknown>;
  /**
   * Taken before the order is acknowledged too, and carried out once it is. An OMS learns of an
   * order (the pending-order event) before the order's workflow has seen its acknowledgement land,
   * so a fast OMS's first shipment can arrive while the order is still ACKNOWLEDGING: refusing it
   * would make the OMS retry a command that is fine. Such a command is checked with `early` set,
   * waits (outside the lock) until the acknowledgement has landed, then is checked again as usual.
   */
  waitsForAcknowledgement?: boolean;
  /**
   * Everything Meta would refuse, from the workflow's own state: returns what will be done, or calls
   * `reject`. `early`: the order is not acknowledged yet and the command will wait for it
   * (waitsForAcknowledgement), so only what cannot change by then is checked.
   */
  check(state: OrderWorkflowState, command: z.output<S>, early: boolean): Plan;
  /** Carries the checked command out against Meta, then the ledger and the OMS; returns a one-line summary. */
  execute(ctx: OrderContext, command: z.output<S>, plan: Plan, run: CommandRun): Promise<string>;
}

/** What the handler knows of the command it runs: its Graph calls' idempotency keys derive from both. */
export interface CommandRun {
  requestId: string;
  /** The command's canonical text (commandFingerprint). */
  fingerprint: string;
}

/**
 * Patch id: commands say what they mean. A refund without items is no longer "everything" (a full
 * refund says `full`), a cancel needs an explicit `restock`. Commands accepted before the patch are
 * read with the definition's `upgradeAccepted`, so running orders replay unchanged.
 */
export const EXPLICIT_COMMANDS_PATCH = 'explicit-commands';

/**
 * Patch id: a command that waitsForAcknowledgement and arrives before the acknowledgement waits for
 * it instead of being refused. Signals refused that way in earlier runs replay as refused.
 */
export const WAIT_FOR_ACKNOWLEDGEMENT_PATCH = 'commands-wait-for-acknowledgement';

/** Types a command module's definition (the literal kind and signal flag are kept for the registry). */
export function defineCommand<K extends CommandKind, S extends z.ZodType, Plan, Signal extends boolean>(
  definition: CommandDefinition<K, S, Plan, Signal>,
): CommandDefinition<K, S, Plan, Signal> {
  return definition;
}

/** A command the order cannot take: the reason goes back to the caller (or, for a signal, to the OMS). */
export class CommandRejected extends Error {}

export function reject(reason: string): never {
  throw new CommandRejected(reason);
}

/** Meta refused the command's content (src/api/graph-failures.ts): handed back to the caller, not parked. */
export function rejectedByMeta(failure: ApplicationFailure): boolean {
  return COMMAND_REJECTING_FAILURE_TYPES.has(failure.type ?? '');
}

export function describeLines(lines: UnitLine[]): string {
  return lines.map((l) => `${l.quantity} × ${l.retailerId}`).join(', ');
}
