/**
 * A reopened order: Meta changed an order whose workflow had ended (a refund by support, a late
 * return), so the poller started a new run of the same workflow id from the ended run's final
 * state. The run reads Meta once, records what changed through the ledger and the OMS (by Meta's
 * object ids, so nothing the ended run recorded is recorded twice), and ends again, unless a
 * return is now open: then it stays in RETURN_WINDOW until the return is settled. Workflow code.
 */
import { log, patched, sleep } from '@temporalio/workflow';
import type { OrderWorkflowState } from '../api/order-state.js';
import type { OrderContext } from './context.js';
import { hasOpenReturn } from './meta-books.js';
import { refresh, refreshHoldingLock, SETTLED_AFTER_MS } from './refresh.js';
import type { ReopenedFrom } from './workflow.js';

/** The ended run's books, carried into the new run: its phase stays until the late change is read. */
export function reopenedState(from: ReopenedFrom): OrderWorkflowState {
  const { state } = from;
  return {
    ...state,
    // Whatever waited in the ended run is over: no command is in flight in a new run.
    pendingCommand: undefined,
    reopened: { count: (state.reopened?.count ?? 0) + 1, previousRunId: from.runId },
  };
}

/**
 * Reads a change Meta made after the order ended (this run was started for it, or its notice came
 * in as the run was ending) and records it; keeps the order open while a return is.
 */
export async function recordLateChange(ctx: OrderContext, why: 'reopened' | 'noticed while ending'): Promise<void> {
  const s = ctx.state;
  log.info(`order ${why}: Meta reported a change after the order ended`, {
    orderId: s.orderId,
    endedAs: s.phase,
    previousRunId: s.reopened?.previousRunId,
  });
  await refresh(ctx);
  // About to end again: the same last read as any run's, once Meta's second is over, so a change
  // made in the same second as this one (a return right after a refund) is not taken for it.
  if (!hasOpenReturn(s)) await readMetaBeforeEnding(ctx);
  if (s.phase === 'CLOSED' && hasOpenReturn(s)) ctx.setPhase('RETURN_WINDOW');
  ctx.visibility.publish();
}

/** Patch id: a run reads Meta once more before it ends. */
export const FINAL_READ_PATCH = 'final-read-before-end';

/**
 * Before a run ends: one read of Meta (the order, and its history edges if they moved). The ended
 * run then knows Meta's `last_updated` after its own last change, so the poller reopens it only for
 * a change made later, not for its own; and a change made just before the end is recorded now.
 */
export async function readMetaBeforeEnding(ctx: OrderContext): Promise<void> {
  if (!patched(FINAL_READ_PATCH)) return;
  // Meta's last_updated has whole seconds: a change later in the second the read saw would not move
  // it, and the poller would take the order as unchanged. So the last read is one made once that
  // second is over (a couple of tries: each read shows the newest second).
  for (let reads = 0; reads < FINAL_READS; reads++) {
    const settlesIn = ctx.state.metaLastUpdated
      ? Date.parse(ctx.state.metaLastUpdated) + SETTLED_AFTER_MS - Date.now()
      : 0;
    if (reads > 0 && settlesIn <= 0) return;
    if (settlesIn > 0) await sleep(settlesIn, { summary: "Meta's last change to settle before the final read" });
    await ctx.lock.exclusive(() => refreshHoldingLock(ctx, { fromMeta: true }));
  }
}

const FINAL_READS = 3;
