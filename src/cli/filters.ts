/** The order filters `list` and `export` share: Meta state, workflow phase, attention. */
import { ORDER_STATES } from '../domain/reason-codes.js';
import type { MetaOrderState, OrderPhase } from '../api/order-state.js';
import type { OptionSpec, ParsedArgs } from './args.js';
import type { AccountOrdersFilter } from './account-orders.js';

/** Every OrderPhase; `satisfies` plus the check below keep it in step with the type. */
export const ORDER_PHASES = ['AWAITING_RELEASE', 'ACKNOWLEDGING', 'IN_PROGRESS', 'RETURN_WINDOW', 'CANCELLED', 'CLOSED'] as const satisfies readonly OrderPhase[];
type MissingPhase = Exclude<OrderPhase, (typeof ORDER_PHASES)[number]>;
const _everyPhaseListed: MissingPhase extends never ? true : false = true;

export const FILTER_OPTIONS: readonly OptionSpec[] = [
  { name: 'state', value: 'STATE', choices: ORDER_STATES, description: "Meta's order state" },
  { name: 'phase', value: 'PHASE', choices: ORDER_PHASES, description: "the workflow's phase" },
  { name: 'attention', description: 'only orders that need an operator (NEEDS_ATTENTION, or stuck in FB_PROCESSING)' },
];

export function filterFrom(args: ParsedArgs, cmsId: string): AccountOrdersFilter {
  return {
    cmsId,
    ...(args.value('state') ? { metaState: args.value('state') as MetaOrderState } : {}),
    ...(args.value('phase') ? { phase: args.value('phase') as OrderPhase } : {}),
    ...(args.flag('attention') ? { needsAttention: true } : {}),
  };
}
