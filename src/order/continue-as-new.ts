/** When an order's run should continue as new, and what it carries over. Workflow code. */
import { log, workflowInfo } from '@temporalio/workflow';
import { TEXT_LIMITS, truncate } from '../api/limits.js';
import type { OrderWorkflowState } from '../api/order-state.js';
import type { OrderPolicy } from './policy.js';

/** Continue-as-new is due: the server suggests it or history passed the policy's bound. */
export function historyIsLong(policy: OrderPolicy): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > policy.maxHistoryEvents;
}

/**
 * The carried state's size (JSON characters) above which its bounded lists are trimmed before
 * continue-as-new. Temporal refuses a payload over 2 MB (the server then ends the workflow), and
 * warns from 512 KB; an order's state is a few KB.
 */
export const CARRY_OVER_BUDGET = 256 * 1024;

/** What is kept of the lists that only inform (the OMS has each entry already) when the state is too big. */
const KEPT_WHEN_TRIMMED = { rejectedSignals: 5, droppedSignals: 5, externalChanges: 20, summary: 200 } as const;

const sizeOf = (state: OrderWorkflowState) => JSON.stringify(state).length;

/** What trimming did: sizes in JSON characters, and how many external changes were left out. */
export interface Trimmed {
  sizeBefore: number;
  sizeAfter: number;
  externalChangesDropped: number;
}

/**
 * Over the budget, trims the lists that only inform (refused and dropped signals, external
 * changes: each already reported to the OMS) and shortens command summaries. What keeps the order
 * correct (command outcomes by requestId, Meta's object ids, shipments) is never dropped: the caps
 * on every caller string (limits.ts) keep it small. Returns undefined when nothing was needed. Pure.
 */
export function trimForCarryOver(state: OrderWorkflowState, budget = CARRY_OVER_BUDGET): Trimmed | undefined {
  const sizeBefore = sizeOf(state);
  if (sizeBefore <= budget) return undefined;
  const keep = KEPT_WHEN_TRIMMED;
  const externalChangesDropped = Math.max(0, state.externalChanges.length - keep.externalChanges);
  state.rejectedSignals = state.rejectedSignals.slice(-keep.rejectedSignals);
  if (state.droppedSignals) state.droppedSignals.recent = state.droppedSignals.recent.slice(-keep.droppedSignals);
  state.externalChanges = state.externalChanges.slice(-keep.externalChanges);
  for (const outcome of Object.values(state.commands)) outcome.summary = truncate(outcome.summary, keep.summary);
  if (state.attention) state.attention.reason = truncate(state.attention.reason, TEXT_LIMITS.refusal);
  return { sizeBefore, sizeAfter: sizeOf(state), externalChangesDropped };
}

/** Checks the state's size before it is carried into a new run, trimming (with a log line) when it is too big. */
export function fitForCarryOver(state: OrderWorkflowState, budget = CARRY_OVER_BUDGET): OrderWorkflowState {
  const trimmed = trimForCarryOver(state, budget);
  if (!trimmed) return state;
  const fields = { orderId: state.orderId, ...trimmed };
  if (trimmed.sizeAfter > budget)
    log.error('order state still large after trimming; carrying it over as it is', fields);
  else log.warn('order state trimmed before continue-as-new', fields);
  return state;
}
