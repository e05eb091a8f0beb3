/**
 * The typed client OMS code uses to drive orders: ship, cancel, refund, updateTracking, retry,
 * read an order's state, list orders. Usable from any Node service with a Temporal connection.
 *
 *   const orders = new OrderClient(new Client({ connection }));
 *   await orders.ship('1234', { requestId: 'shp-991', carrier: 'UPS', trackingNumber: '1Z...' });
 *
 * Commands are checked here with the same schemas the workflow uses, then sent as Updates whose id
 * derives from `requestId`: sending the same command again (a retry after a timeout, a redelivered
 * message) returns the first outcome and never ships twice.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { COMMAND_KINDS, type CommandKind } from '../api/command-kinds.js';
import { commandUpdateId, orderWorkflowId } from '../api/ids.js';
import { stateQuery } from '../api/order-messages.js';
import type { Attention, CommandOutcome, MetaOrderState, OrderPhase, OrderWorkflowState } from '../api/order-state.js';
import {
  FB_AT_RISK,
  FB_CHANNEL,
  FB_CMS_ID,
  FB_MERCHANT_ORDER_REF,
  FB_NEEDS_ATTENTION,
  FB_ORDER_PHASE,
  FB_ORDER_STATE,
} from '../api/search-attributes.js';
import {
  commandFingerprint,
  commandSignals,
  commandUpdates,
  parseCommand,
  type CommandInput,
  type SignalCommandKind,
} from '../order/commands/index.js';
import { OrderCommandRejectedError, OrderNeedsAttentionError, OrderNotFoundError } from './errors.js';

export interface OrderSummary {
  orderId: string;
  workflowId: string;
  status: string;
  metaState?: string | undefined;
  phase?: string | undefined;
  channel?: string | undefined;
  merchantOrderReference?: string | undefined;
  needsAttention: boolean;
  /** Not fully shipped close to its ship-by date. */
  atRisk: boolean;
}

export interface ListOrdersFilter {
  /** Only this commerce account's orders (a namespace may hold several accounts). */
  cmsId?: string;
  metaState?: MetaOrderState;
  phase?: OrderPhase;
  needsAttention?: boolean;
  /** Only orders flagged at risk of missing their ship-by date. */
  atRisk?: boolean;
  /** Only open (running) workflows. */
  openOnly?: boolean;
  limit?: number;
}

/** The visibility query; every value is from a fixed list or a checked numeric id, so nothing needs escaping. */
export function ordersQuery(filter: ListOrdersFilter): string {
  const clauses = [`WorkflowType = 'orderWorkflow'`];
  if (filter.cmsId !== undefined) {
    if (!/^\d+$/.test(filter.cmsId)) throw new TypeError(`cmsId must be numeric, got ${JSON.stringify(filter.cmsId)}`);
    clauses.push(`${FB_CMS_ID.name} = '${filter.cmsId}'`);
  }
  if (filter.metaState) clauses.push(`${FB_ORDER_STATE.name} = '${filter.metaState}'`);
  if (filter.phase) clauses.push(`${FB_ORDER_PHASE.name} = '${filter.phase}'`);
  if (filter.needsAttention !== undefined) clauses.push(`${FB_NEEDS_ATTENTION.name} = ${filter.needsAttention}`);
  if (filter.atRisk !== undefined) clauses.push(`${FB_AT_RISK.name} = ${filter.atRisk}`);
  if (filter.openOnly) clauses.push(`ExecutionStatus = 'Running'`);
  return clauses.join(' AND ');
}

/** How a command method waits for its outcome. */
export interface CommandOptions {
  /**
   * Stop waiting as soon as the order needs an operator (NEEDS_ATTENTION) while the command is
   * pending, instead of waiting until the cause is fixed and `retry` is sent: the call then throws
   * OrderNeedsAttentionError with the cause from the order's state. The command itself carries on
   * after the retry. The client checks the order every `checkEveryMs` (default 2 s).
   */
  stopOnAttention?: boolean | { checkEveryMs?: number };
}

/** One method per command kind of the registry: `ship(orderId, command, options?)`, `cancel(...)`, ... */
export type OrderCommandMethods = {
  [K in CommandKind]: (orderId: string, command: CommandInput<K>, options?: CommandOptions) => Promise<CommandOutcome>;
};

/** How often `stopOnAttention` looks at the order while a command is pending. */
export const ATTENTION_CHECK_MS = 2_000;

/**
 * The order client. Its command methods (ship, cancel, refund, updateTracking, retry) are not
 * written out: each kind of the command registry gets one (see the constructor), typed by
 * OrderCommandMethods, so a new command kind is a client method without touching this file.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- the command methods are added per registry kind
export interface OrderClient extends OrderCommandMethods {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class OrderClient {
  constructor(private readonly client: Client) {
    for (const kind of COMMAND_KINDS) {
      Object.defineProperty(this, kind, {
        value: (orderId: string, command: { requestId: string }, options?: CommandOptions) =>
          this.execute(orderId, kind, command, options),
        writable: true,
        configurable: true,
      });
    }
  }

  /**
   * Fire-and-forget variants for code that cannot wait (a queue consumer): same checks, same keys.
   * The outcome, or the reason for a rejection, appears in `getState` and reaches the OMS as an event.
   */
  async send<K extends SignalCommandKind>(orderId: string, kind: K, command: CommandInput<K>): Promise<void> {
    this.check(orderId, kind, command);
    await this.handle(orderId)
      .signal(commandSignals[kind], command as never)
      .catch((err) => this.rethrow(orderId, kind, err));
  }

  async getState(orderId: string): Promise<OrderWorkflowState> {
    try {
      return await this.handle(orderId).query(stateQuery);
    } catch (err) {
      return this.rethrow(orderId, 'state', err);
    }
  }

  /** Orders by account, Meta state, phase or attention flag, through Temporal visibility. */
  async list(filter: ListOrdersFilter = {}): Promise<OrderSummary[]> {
    const prefix = orderWorkflowId('');
    const out: OrderSummary[] = [];
    for await (const wf of this.client.workflow.list({ query: ordersQuery(filter) })) {
      const attrs = wf.typedSearchAttributes;
      out.push({
        orderId: wf.workflowId.startsWith(prefix) ? wf.workflowId.slice(prefix.length) : wf.workflowId,
        workflowId: wf.workflowId,
        status: wf.status.name,
        metaState: attrs.get(FB_ORDER_STATE),
        phase: attrs.get(FB_ORDER_PHASE),
        channel: attrs.get(FB_CHANNEL),
        merchantOrderReference: attrs.get(FB_MERCHANT_ORDER_REF),
        needsAttention: attrs.get(FB_NEEDS_ATTENTION) ?? false,
        atRisk: attrs.get(FB_AT_RISK) ?? false,
      });
      if (filter.limit && out.length >= filter.limit) break;
    }
    return out;
  }

  private handle(orderId: string) {
    return this.client.workflow.getHandle(orderWorkflowId(orderId));
  }

  /** Parses a command as the workflow will; returns its fingerprint. */
  private check(orderId: string, kind: CommandKind, command: unknown): string {
    const parsed = parseCommand(kind, command);
    if (!parsed.ok) throw new OrderCommandRejectedError(orderId, kind, parsed.reason, 'validation');
    return commandFingerprint(kind, parsed.command);
  }

  private async execute(
    orderId: string,
    kind: CommandKind,
    command: { requestId: string },
    options: CommandOptions = {},
  ): Promise<CommandOutcome> {
    const fingerprint = this.check(orderId, kind, command);
    const send = () =>
      this.handle(orderId)
        .executeUpdate(commandUpdates[kind], {
          args: [command as never],
          updateId: commandUpdateId(kind, command.requestId, fingerprint),
        })
        .catch(async (err: unknown) => this.rethrow(orderId, kind, await this.endedRunRefusal(orderId, kind, err)));
    const stop = options.stopOnAttention;
    if (!stop) return send();
    // Once either side settles, the other stops: the watch, or the Update's wait for its outcome (a
    // long poll that would otherwise hold the connection, and a CLI's exit, for tens of seconds).
    const watch = new AbortController();
    const update = this.client.withAbortSignal(watch.signal, send);
    const everyMs = (typeof stop === 'object' ? stop.checkEveryMs : undefined) ?? ATTENTION_CHECK_MS;
    try {
      return await Promise.race([
        update,
        this.failOnAttention(orderId, kind, command.requestId, everyMs, watch.signal),
      ]);
    } finally {
      watch.abort();
    }
  }

  /**
   * Rejects once the order needs an operator; never resolves. Looks at the order's search attribute
   * first (answered by the server, no worker needed), and reads the cause from its state only then.
   */
  private async failOnAttention(
    orderId: string,
    kind: CommandKind,
    requestId: string,
    everyMs: number,
    stopped: AbortSignal,
  ): Promise<never> {
    for (;;) {
      // Aborted once the command settled: the race is over, nothing is left to report.
      const slept = await sleep(everyMs, undefined, { signal: stopped }).then(
        () => true,
        () => false,
      );
      if (!slept) return new Promise<never>(() => undefined);
      const attention = await this.currentAttention(orderId).catch(() => undefined);
      if (attention && !stopped.aborted) throw new OrderNeedsAttentionError(orderId, kind, requestId, attention);
    }
  }

  /** The order's attention, if it is flagged (a failed look is no news: the command's own wait goes on). */
  private async currentAttention(orderId: string): Promise<Attention | undefined> {
    const description = await this.handle(orderId).describe();
    if (description.typedSearchAttributes.get(FB_NEEDS_ATTENTION) !== true) return undefined;
    return (await this.handle(orderId).query(stateQuery)).attention;
  }

  /**
   * Temporal answers an Update to a run that has ended as it answers one to no workflow at all. An
   * order whose run ended (window over, or every unit cancelled) exists: the command is refused with
   * that reason, not "no such order".
   */
  private async endedRunRefusal(orderId: string, kind: CommandKind, err: unknown): Promise<unknown> {
    if (!(err instanceof WorkflowNotFoundError)) return err;
    const description = await this.handle(orderId)
      .describe()
      .catch(() => undefined);
    if (!description || description.status.name === 'RUNNING') return err;
    const phase = await this.handle(orderId)
      .query(stateQuery)
      .then((s) => s.phase as string)
      .catch(() => description.status.name);
    return new OrderCommandRejectedError(
      orderId,
      kind,
      `the order has ended (${phase}): it takes no more commands; a change made at Meta (Commerce Manager) reopens it`,
      'validation',
    );
  }

  private rethrow(orderId: string, command: string, err: unknown): never {
    if (err instanceof OrderCommandRejectedError) throw err;
    if (err instanceof WorkflowNotFoundError) throw new OrderNotFoundError(orderId);
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause;
      const fromMeta = cause instanceof ApplicationFailure && cause.type === 'CommandRejectedByMeta';
      throw new OrderCommandRejectedError(
        orderId,
        command,
        cause?.message ?? err.message,
        fromMeta ? 'meta' : 'validation',
      );
    }
    throw err;
  }
}
