/**
 * What the poller's and the ack batcher's signals leave for the order's main loop: that Meta
 * changed the order (with the order as read, when the sender had it), that the poller handed the
 * order to the ack batcher, and the batcher's answers. Signal handlers only write here; the loop
 * reads and acts under the order's lock. Workflow code.
 *
 * Every signal is parsed here, at the handler: one that does not parse (a broken or forged sender)
 * is dropped with a log line and counted in the state (`droppedSignals`), never thrown, so it can
 * neither fail workflow tasks nor change the order. The snapshot a signal brings is a hint
 * (src/order/hints.ts): dropped when it does not fit the order, and confirmed by a read from Meta
 * before it leads to anything irreversible.
 */
import { log, patched } from '@temporalio/workflow';
import type { z } from 'zod';
import { COUNT_LIMITS, TEXT_LIMITS, truncate } from '../api/limits.js';
import { describeIssues } from '../api/message-fields.js';
import { AckResultSchema, OrderUpdatedNoticeSchema, type AckResult } from '../api/order-messages.js';
import { OrderSnapshotSchema, type OrderSnapshot, type OrderWorkflowState } from '../api/order-state.js';
import { CONFIRM_HINTS_PATCH, misfit, needsConfirmation } from './hints.js';

export class OrderInbox {
  /** Meta changed the order: refresh it. */
  metaChangeNoticed = false;
  /** The newest snapshot a signal brought, used by the next refresh instead of a Graph read. */
  private noticedSnapshot: OrderSnapshot | undefined;
  /** The poller handed this order to the ack batcher when it started it: the answer is on its way. */
  handedToAckBatcher = false;
  /** The ack batcher's answers, in arrival order. */
  readonly ackResults: AckResult[] = [];

  constructor(private readonly state: OrderWorkflowState) {}

  /** From the poller: Meta lists the order with this state and `last_updated`. */
  onOrderUpdated(input: unknown): void {
    const notice = this.parse('orderUpdated', OrderUpdatedNoticeSchema, input);
    if (!notice) return;
    if (notice.handedToAckBatcher) this.handedToAckBatcher = true;
    const s = this.state;
    if (s.metaLastUpdated && notice.lastUpdated <= s.metaLastUpdated && notice.state === s.metaState) return;
    this.metaChangeNoticed = true;
    const snapshot = this.hint('orderUpdated', notice.snapshot);
    // The notice writes `last_updated` in UTC, Meta's snapshot with an offset: the same instant.
    if (
      snapshot &&
      (snapshot.state !== notice.state || Date.parse(snapshot.lastUpdated) !== Date.parse(notice.lastUpdated))
    ) {
      this.drop('orderUpdated', 'snapshot differs from the notice it came with');
      return;
    }
    if (snapshot) this.noticedSnapshot = snapshot;
  }

  /** From the ack batcher (or its activity): the outcome of this order's bulk acknowledgement. */
  onAckResult(input: unknown): void {
    const result = this.parse('ackResult', AckResultSchema, input);
    if (!result) return;
    const s = this.state;
    if (result.orderId !== s.orderId) {
      this.drop('ackResult', 'answer for another order');
      return;
    }
    const { snapshot: rawSnapshot, ...outcome } = result;
    const snapshot = this.hint('ackResult', rawSnapshot);
    // The first answer is the one the order acts on; a repeat (a redelivery) changes nothing. Kept
    // without its snapshot: the snapshot is a hint for the next refresh (below), not read from here,
    // and the answer stays in memory for the whole run.
    if (this.ackResults.length === 0) this.ackResults.push(outcome);
    // In bulk mode the poller may hand a released order straight to the ack batcher: then this answer
    // is how the order learns that Meta released it (with the order as listed, when the batch read it).
    if (s.phase !== 'AWAITING_RELEASE') return;
    this.metaChangeNoticed = true;
    if (snapshot && (!s.metaLastUpdated || snapshot.lastUpdated > s.metaLastUpdated)) this.noticedSnapshot = snapshot;
  }

  ackResultFor(orderId: string): AckResult | undefined {
    return this.ackResults.find((r) => r.orderId === orderId);
  }

  /**
   * Starts a refresh: clears the notice and hands over the snapshot a signal brought, unless acting
   * on it could do something irreversible (hints.ts): then nothing, and the refresh reads Meta.
   */
  takeNotice(): OrderSnapshot | undefined {
    this.metaChangeNoticed = false;
    const snapshot = this.noticedSnapshot;
    this.noticedSnapshot = undefined;
    if (snapshot && needsConfirmation(this.state, snapshot) && patched(CONFIRM_HINTS_PATCH)) {
      log.info('a signal says the order changed in a way that matters: reading it from Meta first', {
        orderId: this.state.orderId,
        hintedState: snapshot.state,
      });
      return undefined;
    }
    return snapshot;
  }

  private parse<S extends z.ZodType>(signal: string, schema: S, input: unknown): z.output<S> | undefined {
    const parsed = schema.safeParse(input);
    if (parsed.success) return parsed.data;
    this.drop(signal, `does not parse: ${describeIssues(parsed.error)}`);
    return undefined;
  }

  /** The snapshot a signal brought, if it parses and fits the order; otherwise dropped (the order reads Meta itself). */
  private hint(signal: string, input: unknown): OrderSnapshot | undefined {
    if (input === undefined) return undefined;
    const parsed = OrderSnapshotSchema.safeParse(input);
    if (!parsed.success) {
      this.drop(signal, `snapshot does not parse: ${describeIssues(parsed.error)}`);
      return undefined;
    }
    const reason = misfit(this.state, parsed.data, Date.now());
    if (reason) {
      this.drop(signal, `snapshot does not fit the order: ${reason}`);
      return undefined;
    }
    return parsed.data;
  }

  /** Counts and logs a dropped signal (or the snapshot it brought); keeps the newest few in the state. */
  private drop(signal: string, why: string): void {
    const s = this.state;
    const reason = truncate(why, TEXT_LIMITS.refusal);
    const dropped = s.droppedSignals ?? { count: 0, recent: [] };
    s.droppedSignals = {
      count: dropped.count + 1,
      recent: [
        ...dropped.recent.slice(-(COUNT_LIMITS.refusalsKept - 1)),
        { signal, reason, at: new Date().toISOString() },
      ],
    };
    log.warn('signal dropped', { orderId: s.orderId, signal, reason });
  }
}
