/**
 * OMS commands on an order: ship, cancel, refund, updateTracking, retry. Each arrives as an Update
 * (the caller waits for Meta's answer) or as a signal (fire and forget); both go through the same
 * check and the same execution, keyed by the caller's requestId.
 *
 * The check runs twice: in the Update validator (so a bad command never enters history) and again
 * once the command holds the order's lock (an earlier command may have changed the ledger since).
 */
import { ApplicationFailure, condition, patched, setHandler } from '@temporalio/workflow';
import {
  commandFingerprint,
  parseCommand,
  type CommandKind,
  type ParsedCommand,
} from './schemas.js';
import {
  applyCancellation,
  applyRefund,
  applyShipment,
  checkCancellation,
  checkRefund,
  checkShipment,
  isFulfilled,
  type RefundPlan,
  type UnitLine,
} from '../item-ledger.js';
import {
  cancelSignal,
  cancelUpdate,
  refundSignal,
  refundUpdate,
  retryUpdate,
  shipSignal,
  shipUpdate,
  updateTrackingSignal,
  updateTrackingUpdate,
} from '../../api/order-messages.js';
import type { OrderContext } from '../context.js';
import type { CommandOutcome } from '../../api/order-state.js';

/** Patch id: updateTracking also tells the OMS (added while workflows that had run it without existed). */
export const OMS_TRACKING_UPDATE_PATCH = 'oms-tracking-update';

/** Failure types a command hands back to its caller instead of parking the order. */
const REJECTED_BY_META = new Set(['GraphValidationError', 'GraphConflictError']);

/** What a checked command will do: the explicit lines that go to Meta and to the ledger. */
type Plan =
  | { kind: 'ship'; command: ParsedCommand<'ship'>; lines: UnitLine[] }
  | { kind: 'cancel'; command: ParsedCommand<'cancel'>; lines: UnitLine[]; wholeOrder: boolean }
  | { kind: 'refund'; command: ParsedCommand<'refund'>; plan: RefundPlan }
  | { kind: 'updateTracking'; command: ParsedCommand<'updateTracking'> }
  | { kind: 'retry'; command: ParsedCommand<'retry'> };

type Checked = { status: 'new'; plan: Plan; fingerprint: string } | { status: 'repeat'; requestId: string };

class CommandRejected extends Error {}

function reject(reason: string): never {
  throw new CommandRejected(reason);
}

/** Everything Meta would reject, and every repeat, decided from the workflow's own state. */
function checkCommand(ctx: OrderContext, kind: CommandKind, input: unknown): Checked {
  const parsed = parseCommand(kind, input);
  if (!parsed.ok) reject(parsed.reason);
  const command = parsed.command;
  const fingerprint = commandFingerprint(kind, command);
  const s = ctx.state;
  const earlier = s.commands[command.requestId];
  const inFlight = s.pendingCommand?.requestId === command.requestId ? s.pendingCommand : undefined;
  if (earlier || inFlight) {
    if (earlier && earlier.fingerprint !== fingerprint) reject(`requestId ${command.requestId} was already used for a different ${earlier.kind} command`);
    if (inFlight && inFlight.kind !== kind) reject(`requestId ${command.requestId} is in use by a ${inFlight.kind} command`);
    return { status: 'repeat', requestId: command.requestId };
  }
  if (kind === 'retry') {
    if (!s.attention) reject('nothing to retry: the order does not need attention');
    return { status: 'new', fingerprint, plan: { kind, command: command as ParsedCommand<'retry'> } };
  }
  if (s.attention) reject(`order needs attention at "${s.attention.step}" (${s.attention.reason}); fix the cause and send retry first`);
  const ledger = s.ledger;
  const acknowledged = s.phase === 'IN_PROGRESS';
  const open = acknowledged || s.phase === 'RETURN_WINDOW';
  switch (kind) {
    case 'ship': {
      const ship = command as ParsedCommand<'ship'>;
      if (!acknowledged || !ledger) reject(`cannot ship: the order is ${s.phase} (Meta ${s.metaState}); shipping needs an acknowledged order with units left`);
      if (ship.merchantOrderReference && ship.merchantOrderReference !== s.merchantOrderReference) {
        reject(`merchantOrderReference ${ship.merchantOrderReference} differs from ${s.merchantOrderReference ?? '(none)'}, the one acknowledged to Meta`);
      }
      const lines = checkShipment(ledger, ship.items);
      if (!lines.ok) reject(lines.reason);
      return { status: 'new', fingerprint, plan: { kind, command: ship, lines: lines.value } };
    }
    case 'cancel': {
      const cancel = command as ParsedCommand<'cancel'>;
      const overdue = s.phase === 'AWAITING_RELEASE' && s.processingOverdue;
      if ((!acknowledged && !overdue) || !ledger) {
        reject(`cannot cancel: the order is ${s.phase} (Meta ${s.metaState}); a seller cancel needs an acknowledged order, or one stuck in FB_PROCESSING for over 24 hours`);
      }
      if (overdue && cancel.items) reject('an order still in FB_PROCESSING can only be cancelled whole (omit items)');
      const lines = checkCancellation(ledger, cancel.items);
      if (!lines.ok) reject(lines.reason);
      return { status: 'new', fingerprint, plan: { kind, command: cancel, lines: lines.value, wholeOrder: !cancel.items } };
    }
    case 'refund': {
      const refund = command as ParsedCommand<'refund'>;
      if (!open || !ledger) reject(`cannot refund: the order is ${s.phase}; refunds apply to shipped units of an acknowledged order`);
      const plan = checkRefund(ledger, refund.items, refund.shippingRefund, s.shippingPaid);
      if (!plan.ok) reject(plan.reason);
      return { status: 'new', fingerprint, plan: { kind, command: refund, plan: plan.value } };
    }
    case 'updateTracking': {
      const update = command as ParsedCommand<'updateTracking'>;
      if (!open) reject(`cannot update tracking: the order is ${s.phase}`);
      if (!s.shipments[update.shipmentRequestId]) reject(`no shipment was made by a ship command with requestId ${update.shipmentRequestId}`);
      return { status: 'new', fingerprint, plan: { kind, command: update } };
    }
  }
}

function describeLines(lines: UnitLine[]): string {
  return lines.map((l) => `${l.quantity} × ${l.retailerId}`).join(', ');
}

/** Carries out a checked command against Meta, then records it in the ledger and the OMS. */
async function execute(ctx: OrderContext, plan: Plan): Promise<string> {
  const { graphWrite } = ctx.activities;
  const { oms } = ctx;
  const s = ctx.state;
  const orderId = s.orderId;
  const requestId = plan.command.requestId;
  const rejectedByMeta = (failure: ApplicationFailure) => REJECTED_BY_META.has(failure.type ?? '');
  switch (plan.kind) {
    case 'ship': {
      const { command, lines } = plan;
      await ctx.withAttention(`ship ${requestId}`, () =>
        graphWrite.shipItems({ orderId, requestId, items: lines, carrier: command.carrier, trackingNumber: command.trackingNumber, shippingMethodName: command.shippingMethodName }),
        rejectedByMeta,
      );
      s.ledger = applyShipment(s.ledger!, lines);
      s.shipments[requestId] = { carrier: command.carrier, trackingNumber: command.trackingNumber, lines };
      if (isFulfilled(s.ledger)) s.metaState = 'COMPLETED';
      await oms.recordShipment({ metaOrderId: orderId, requestId, items: lines, carrier: command.carrier, trackingNumber: command.trackingNumber });
      return `shipped ${describeLines(lines)} with ${command.carrier} ${command.trackingNumber}`;
    }
    case 'cancel': {
      const { command, lines, wholeOrder } = plan;
      await ctx.withAttention(`cancel ${requestId}`, () =>
        graphWrite.cancelItems({ orderId, requestId, reasonCode: command.reasonCode, reasonDescription: command.reasonDescription, restock: command.restock, items: wholeOrder ? undefined : lines }),
        rejectedByMeta,
      );
      s.ledger = applyCancellation(s.ledger!, lines);
      if (isFulfilled(s.ledger)) s.metaState = 'COMPLETED';
      await oms.recordCancellation({ metaOrderId: orderId, requestId, items: lines, reasonCode: command.reasonCode, restock: command.restock, origin: 'merchant' });
      return `cancelled ${describeLines(lines)} (${command.reasonCode}${command.restock ? ', restocked' : ''})`;
    }
    case 'refund': {
      const { command, plan: refund } = plan;
      await ctx.withAttention(`refund ${requestId}`, () =>
        graphWrite.refundItems({ orderId, requestId, reasonCode: command.reasonCode, reasonText: command.reasonText, plan: refund }),
        rejectedByMeta,
      );
      s.ledger = applyRefund(s.ledger!, refund);
      await oms.recordRefund({ metaOrderId: orderId, requestId, items: refund.lines, shipping: refund.shipping, reasonCode: command.reasonCode, origin: 'merchant' });
      const amounts = refund.lines.map((l) => `${l.amount.amount} ${l.amount.currency} for ${l.retailerId}`);
      if (refund.shipping) amounts.push(`${refund.shipping.amount} ${refund.shipping.currency} shipping`);
      return `refunded ${amounts.join(', ')} (${command.reasonCode})`;
    }
    case 'updateTracking': {
      const { command } = plan;
      await ctx.withAttention(`updateTracking ${requestId}`, () =>
        graphWrite.updateTracking({ orderId, requestId, shipmentRequestId: command.shipmentRequestId, carrier: command.carrier, trackingNumber: command.trackingNumber }),
        rejectedByMeta,
      );
      const shipment = s.shipments[command.shipmentRequestId]!;
      s.shipments[command.shipmentRequestId] = { ...shipment, carrier: command.carrier, trackingNumber: command.trackingNumber };
      // Runs that updated tracking before this call existed replay without it.
      if (patched(OMS_TRACKING_UPDATE_PATCH)) {
        await oms.recordTrackingUpdate({ metaOrderId: orderId, requestId, shipmentRequestId: command.shipmentRequestId, carrier: command.carrier, trackingNumber: command.trackingNumber });
      }
      return `tracking of shipment ${command.shipmentRequestId} is now ${command.carrier} ${command.trackingNumber}`;
    }
    case 'retry': {
      const step = s.attention!.step;
      ctx.requestRetry();
      return `retrying "${step}"`;
    }
  }
}

/** Runs a command once per requestId and returns its outcome; a repeat gets the first outcome. */
async function runCommand(ctx: OrderContext, kind: CommandKind, input: unknown): Promise<CommandOutcome> {
  const first = checkCommand(ctx, kind, input);
  const s = ctx.state;
  if (first.status === 'repeat') {
    await condition(() => s.commands[first.requestId] !== undefined || s.pendingCommand?.requestId !== first.requestId);
    const outcome = s.commands[first.requestId];
    if (!outcome) throw ApplicationFailure.nonRetryable(`command ${first.requestId} did not complete`, 'CommandRejected');
    return outcome;
  }
  // `retry` must not wait for the lock: the step holding it is the one waiting for the retry.
  const run = async (): Promise<CommandOutcome> => {
    let checked: Checked;
    try {
      checked = checkCommand(ctx, kind, input);
    } catch (err) {
      if (err instanceof CommandRejected) throw ApplicationFailure.nonRetryable(err.message, 'CommandRejected');
      throw err;
    }
    if (checked.status === 'repeat') return runCommand(ctx, kind, input);
    const { plan, fingerprint } = checked;
    s.pendingCommand = { kind, requestId: plan.command.requestId };
    ctx.publish();
    try {
      const summary = await execute(ctx, plan);
      const outcome: CommandOutcome = { kind, requestId: plan.command.requestId, fingerprint, appliedAt: ctx.now(), summary, metaState: s.metaState };
      s.commands[outcome.requestId] = outcome;
      return outcome;
    } catch (err) {
      if (err instanceof ApplicationFailure && REJECTED_BY_META.has(err.type ?? '')) {
        throw ApplicationFailure.nonRetryable(`Meta rejected the ${kind}: ${err.message}`, 'CommandRejectedByMeta');
      }
      throw err;
    } finally {
      s.pendingCommand = undefined;
      ctx.publish();
    }
  };
  return kind === 'retry' ? run() : ctx.exclusive(run);
}

function validator(ctx: OrderContext, kind: CommandKind) {
  return (input: unknown): void => {
    try {
      checkCommand(ctx, kind, input);
    } catch (err) {
      // A plain Error from a validator rejects the Update: nothing is written to history.
      if (err instanceof CommandRejected) throw new Error(err.message, { cause: err });
      throw err;
    }
  };
}

/** A signal cannot answer its sender: a rejection is kept in the state and reported to the OMS. */
function signalHandler(ctx: OrderContext, kind: CommandKind) {
  return async (input: unknown): Promise<void> => {
    try {
      await runCommand(ctx, kind, input);
    } catch (err) {
      const reason = err instanceof CommandRejected || err instanceof ApplicationFailure ? err.message : String(err);
      const requestId = typeof input === 'object' && input && 'requestId' in input ? String((input as { requestId: unknown }).requestId) : '(none)';
      ctx.state.rejectedSignals = [...ctx.state.rejectedSignals.slice(-19), { kind, requestId, reason, at: ctx.now() }];
      await ctx.oms.notifyOps({ metaOrderId: ctx.state.orderId, severity: 'warning', reason: `${kind} signal ${requestId} rejected: ${reason}` });
    }
  };
}

export function registerCommandHandlers(ctx: OrderContext): void {
  setHandler(shipUpdate, (cmd) => runCommand(ctx, 'ship', cmd), { validator: validator(ctx, 'ship') });
  setHandler(cancelUpdate, (cmd) => runCommand(ctx, 'cancel', cmd), { validator: validator(ctx, 'cancel') });
  setHandler(refundUpdate, (cmd) => runCommand(ctx, 'refund', cmd), { validator: validator(ctx, 'refund') });
  setHandler(updateTrackingUpdate, (cmd) => runCommand(ctx, 'updateTracking', cmd), { validator: validator(ctx, 'updateTracking') });
  setHandler(retryUpdate, (cmd) => runCommand(ctx, 'retry', cmd), { validator: validator(ctx, 'retry') });
  setHandler(shipSignal, signalHandler(ctx, 'ship'));
  setHandler(cancelSignal, signalHandler(ctx, 'cancel'));
  setHandler(refundSignal, signalHandler(ctx, 'refund'));
  setHandler(updateTrackingSignal, signalHandler(ctx, 'updateTracking'));
}
