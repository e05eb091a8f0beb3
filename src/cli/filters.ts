/** The order filters `list` and `export` share: Meta state, workflow phase, attention. */
import { ORDER_STATES } from '../domain/order-states.js';
import { ORDER_PHASES, type MetaOrderState, type OrderPhase } from '../api/order-state.js';
import type { OptionSpec, ParsedArgs } from './args.js';
import type { AccountOrdersFilter } from './account-orders.js';

export const FILTER_OPTIONS: readonly OptionSpec[] = [
  { name: 'state', value: 'STATE', choices: ORDER_STATES, description: "Meta's order state" },
  { name: 'phase', value: 'PHASE', choices: ORDER_PHASES, description: "the workflow's phase" },
  { name: 'attention', description: 'only orders that need an operator (NEEDS_ATTENTION, or stuck in FB_PROCESSING)' },
  { name: 'at-risk', description: 'only orders not fully shipped close to their ship-by date' },
];

export function filterFrom(args: ParsedArgs, cmsId: string): AccountOrdersFilter {
  return {
    cmsId,
    ...(args.value('state') ? { metaState: args.value('state') as MetaOrderState } : {}),
    ...(args.value('phase') ? { phase: args.value('phase') as OrderPhase } : {}),
    ...(args.flag('attention') ? { needsAttention: true } : {}),
    ...(args.flag('at-risk') ? { atRisk: true } : {}),
  };
}
