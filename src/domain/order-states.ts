/**
 * Meta's order states, the one list: the Graph schemas, the listing the poller asks for, the CLI's
 * `--state` choices and the workflow's state type all derive from it.
 *
 * In lifecycle order, and the order matters: an order only ever moves forward through this list
 * (FB_PROCESSING -> CREATED -> IN_PROGRESS -> COMPLETED), so a snapshot whose state comes earlier
 * than the one already known is an older read, never a step back (see `orderStateRank`). Meta has
 * no CANCELLED state: an order whose every unit is cancelled is COMPLETED.
 */
export const ORDER_STATES = ['FB_PROCESSING', 'CREATED', 'IN_PROGRESS', 'COMPLETED'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** The state's place in the lifecycle: a later state has a higher rank. */
export function orderStateRank(state: OrderState): number {
  return ORDER_STATES.indexOf(state);
}
