/** When an order's run should continue as new. Workflow code. */
import { workflowInfo } from '@temporalio/workflow';
import type { OrderPolicy } from './policy.js';

/** Continue-as-new is due: the server suggests it or history passed the policy's bound. */
export function historyIsLong(policy: OrderPolicy): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > policy.maxHistoryEvents;
}
