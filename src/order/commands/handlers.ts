/**
 * Serves the registry's commands on an order workflow. Each arrives as an Update (the caller waits
 * for Meta's answer) or as a signal (fire and forget); both go through the same check and the same
 * execution, keyed by the caller's requestId.
 *
 * The check runs twice: in the Update validator (so a bad command never enters history) and again
 * once the command holds the order's lock (an earlier command may have changed the ledger since).
 * Workflow code.
 */
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, condition, log, patched, setHandler } from '@temporalio/workflow';
import { COMMAND_HANDLER_DESCRIPTIONS } from '../../api/activity-summaries.js';
import { COMMAND_KINDS, type CommandKind } from '../../api/command-kinds.js';
import { COUNT_LIMITS, TEXT_LIMITS, quote, truncate } from '../../api/limits.js';
import type { CommandOutcome, OrderPhase, OrderWorkflowState } from '../../api/order-state.js';
import type { OrderContext } from '../context.js';
import { historyIsLong } from '../continue-as-new.js';
import {
  CommandRejected,
  EXPLICIT_COMMANDS_PATCH,
  WAIT_FOR_ACKNOWLEDGEMENT_PATCH,
  reject,
  rejectedByMeta,
  type CommandRun,
} from './command.js';
import { requestId as requestIdField } from './fields.js';
import {
  COMMANDS,
  SIGNAL_COMMAND_KINDS,
  commandFingerprint,
  commandSignals,
  commandUpdates,
  parseCommand,
} from './registry.js';

type UntypedUpdate = UpdateDefinition<CommandOutcome, [unknown], string>;
type UntypedSignal = SignalDefinition<[unknown], string>;

type Checked =
  | { status: 'new'; requestId: string; command: unknown; plan: unknown; fingerprint: string }
  | { status: 'repeat'; requestId: string };

/**
 * How a command is read. `current`: as this version defines it (Update validators, and handlers of
 * commands that arrive now). `accepted-before`: a command an earlier version accepted, replayed from
 * history, read with the meaning it had then (CommandDefinition.upgradeAccepted).
 */
type Reading = 'current' | 'accepted-before';

/** The reading for a handler: commands in histories from before EXPLICIT_COMMANDS_PATCH keep their old meaning. */
const handlerReading = (): Reading => (patched(EXPLICIT_COMMANDS_PATCH) ? 'current' : 'accepted-before');

function upgraded(kind: CommandKind, input: unknown, reading: Reading): unknown {
  const upgrade = COMMANDS[kind].upgradeAccepted;
  if (reading === 'current' || !upgrade || typeof input !== 'object' || input === null || Array.isArray(input))
    return input;
  return upgrade(input as Record<string, unknown>);
}

/** The phases before Meta has the order's acknowledgement (as far as the workflow has seen). */
const BEFORE_ACKNOWLEDGEMENT: ReadonlySet<OrderPhase> = new Set(['AWAITING_RELEASE', 'ACKNOWLEDGING']);

/** The command may be taken now and carried out once the order is acknowledged (CommandDefinition.waitsForAcknowledgement). */
const takenBeforeAcknowledgement = (kind: CommandKind, s: OrderWorkflowState): boolean =>
  COMMANDS[kind].waitsForAcknowledgement === true && BEFORE_ACKNOWLEDGEMENT.has(s.phase);

/**
 * Until the acknowledgement has landed, or the order ended or parked (the second check then says
 * why). Also when the run must continue as new: that waits for every handler, this one included,
 * so waiting on would hold the run still; the command is then checked as it is, and refused.
 */
const acknowledgedOrStopped = (ctx: OrderContext) => () =>
  !BEFORE_ACKNOWLEDGEMENT.has(ctx.state.phase) || ctx.state.attention !== undefined || historyIsLong(ctx.policy);

/** Everything Meta would reject, and every repeat, decided from the workflow's own state. */
function checkCommand(ctx: OrderContext, kind: CommandKind, input: unknown, reading: Reading, early = false): Checked {
  const parsed = parseCommand(kind, upgraded(kind, input, reading));
  if (!parsed.ok) reject(parsed.reason);
  const command = parsed.command;
  const fingerprint = commandFingerprint(kind, command);
  const s = ctx.state;
  const earlier = s.commands[command.requestId];
  const inFlight = s.pendingCommand?.requestId === command.requestId ? s.pendingCommand : undefined;
  if (earlier || inFlight) {
    if (earlier && earlier.fingerprint !== fingerprint)
      reject(`requestId ${command.requestId} was already used for a different ${earlier.kind} command`);
    if (inFlight && inFlight.kind !== kind)
      reject(`requestId ${command.requestId} is in use by a ${inFlight.kind} command`);
    return { status: 'repeat', requestId: command.requestId };
  }
  const definition = COMMANDS[kind];
  if (s.attention && !definition.allowedWhileParked) {
    reject(
      `order needs attention at "${s.attention.step}" (${s.attention.reason}); fix the cause and send retry first`,
    );
  }
  // The definition's own types tie its check to its schema; here every kind is handled alike.
  const plan: unknown = (definition.check as (state: typeof s, command: unknown, early: boolean) => unknown)(
    s,
    command,
    early,
  );
  return { status: 'new', requestId: command.requestId, command, plan, fingerprint };
}

/** Runs a command once per requestId and returns its outcome; a repeat gets the first outcome. */
async function runCommand(ctx: OrderContext, kind: CommandKind, input: unknown): Promise<CommandOutcome> {
  const reading = handlerReading();
  const s = ctx.state;
  // Decided once, in this order, so that replay asks patched() exactly where the first run did.
  const early = takenBeforeAcknowledgement(kind, s) && patched(WAIT_FOR_ACKNOWLEDGEMENT_PATCH);
  const first = checkCommand(ctx, kind, input, reading, early);
  if (first.status === 'repeat') {
    await condition(() => s.commands[first.requestId] !== undefined || s.pendingCommand?.requestId !== first.requestId);
    const outcome = s.commands[first.requestId];
    if (!outcome)
      throw ApplicationFailure.nonRetryable(`command ${first.requestId} did not complete`, 'CommandRejected');
    return outcome;
  }
  const definition = COMMANDS[kind];
  if (early) {
    // Outside the lock: the acknowledgement itself takes it, and so may a cancel meanwhile.
    log.info(`${kind} ${first.requestId} waits for the order's acknowledgement`, { orderId: s.orderId });
    await condition(acknowledgedOrStopped(ctx));
  }
  const run = async (): Promise<CommandOutcome> => {
    let checked: Checked;
    try {
      checked = checkCommand(ctx, kind, input, reading);
    } catch (err) {
      if (err instanceof CommandRejected) throw ApplicationFailure.nonRetryable(err.message, 'CommandRejected');
      throw err;
    }
    if (checked.status === 'repeat') return runCommand(ctx, kind, input);
    const { requestId, command, plan, fingerprint } = checked;
    s.pendingCommand = { kind, requestId };
    ctx.visibility.publish();
    try {
      const execute = definition.execute as (
        ctx: OrderContext,
        command: unknown,
        plan: unknown,
        run: CommandRun,
      ) => Promise<string>;
      const summary = await execute(ctx, command, plan, { requestId, fingerprint });
      const outcome: CommandOutcome = {
        kind,
        requestId,
        fingerprint,
        appliedAt: ctx.now(),
        summary,
        metaState: s.metaState,
      };
      s.commands[requestId] = outcome;
      return outcome;
    } catch (err) {
      if (err instanceof ApplicationFailure && rejectedByMeta(err)) {
        throw ApplicationFailure.nonRetryable(`Meta rejected the ${kind}: ${err.message}`, 'CommandRejectedByMeta');
      }
      throw err;
    } finally {
      s.pendingCommand = undefined;
      ctx.visibility.publish();
    }
  };
  return definition.exclusive ? ctx.lock.exclusive(run) : run();
}

function validator(ctx: OrderContext, kind: CommandKind) {
  return (input: unknown): void => {
    try {
      // Validators run only for Updates arriving now (never on replay): always the current reading.
      checkCommand(ctx, kind, input, 'current', takenBeforeAcknowledgement(kind, ctx.state));
    } catch (err) {
      // A plain Error from a validator rejects the Update: nothing is written to history.
      if (err instanceof CommandRejected) throw new Error(err.message, { cause: err });
      throw err;
    }
  };
}

/** The requestId a signal names, as far as it can be trusted: a valid one, or a short quote of what was sent. */
function requestIdOf(input: unknown): string {
  const raw = typeof input === 'object' && input !== null && 'requestId' in input ? input.requestId : undefined;
  if (raw === undefined) return '(none)';
  return requestIdField.safeParse(raw).success ? (raw as string) : `(invalid: ${quote(raw)})`;
}

/**
 * A signal cannot answer its sender: a rejection is kept in the state (the newest few, each cut to
 * the caps of limits.ts) and reported to the OMS.
 */
function signalHandler(ctx: OrderContext, kind: CommandKind) {
  return async (input: unknown): Promise<void> => {
    try {
      await runCommand(ctx, kind, input);
    } catch (err) {
      const why = err instanceof CommandRejected || err instanceof ApplicationFailure ? err.message : String(err);
      const reason = truncate(why, TEXT_LIMITS.refusal);
      const requestId = requestIdOf(input);
      ctx.state.rejectedSignals = [
        ...ctx.state.rejectedSignals.slice(-(COUNT_LIMITS.refusalsKept - 1)),
        { kind, requestId, reason, at: ctx.now() },
      ];
      await ctx.oms.notifyOps({
        metaOrderId: ctx.state.orderId,
        severity: 'warning',
        reason: `${kind} signal ${requestId} rejected: ${reason}`,
      });
    }
  };
}

/** Every kind of the registry as an Update with a validator, and the signal kinds as signals too. */
export function registerCommandHandlers(ctx: OrderContext): void {
  for (const kind of COMMAND_KINDS) {
    // Arguments are untyped on purpose: they come from any caller and are parsed by checkCommand.
    setHandler(commandUpdates[kind] as UntypedUpdate, (input: unknown) => runCommand(ctx, kind, input), {
      validator: validator(ctx, kind),
      description: COMMAND_HANDLER_DESCRIPTIONS[kind],
    });
  }
  for (const kind of SIGNAL_COMMAND_KINDS) {
    setHandler(commandSignals[kind] as UntypedSignal, signalHandler(ctx, kind), {
      description: `${COMMAND_HANDLER_DESCRIPTIONS[kind]}; fire-and-forget`,
    });
  }
}
