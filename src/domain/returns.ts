/**
 * A buyer's return as Meta reports it on the order's `returns` edge (docs/meta-api.md, "Returns").
 * Pure: workflow code imports it.
 */

/** `return_status`, in the order a return lives through them. */
export const RETURN_STATUSES = [
  'REQUESTED',
  'APPROVED',
  'DISAPPROVED',
  'REFUNDED',
  'MERCHANT_MARKED_COMPLETED',
] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

/** A return still waiting for the seller: goods may be on their way back, a refund may follow. */
export const OPEN_RETURN_STATUSES = ['REQUESTED', 'APPROVED'] as const satisfies readonly ReturnStatus[];
export const isOpenReturn = (status: ReturnStatus): boolean =>
  (OPEN_RETURN_STATUSES as readonly ReturnStatus[]).includes(status);

/** `update_event` of POST /{return-id}/update_return: what the seller may do to a return. */
export const RETURN_UPDATE_EVENTS = ['ACCEPT_RETURN', 'CLOSE_RETURN'] as const;
export type ReturnUpdateEvent = (typeof RETURN_UPDATE_EVENTS)[number];

/** The statuses from which each event is allowed, and where it leads. */
export const RETURN_TRANSITIONS = {
  ACCEPT_RETURN: { from: ['REQUESTED'], to: 'APPROVED' },
  CLOSE_RETURN: { from: ['REQUESTED', 'APPROVED'], to: 'MERCHANT_MARKED_COMPLETED' },
} as const satisfies Record<ReturnUpdateEvent, { from: readonly ReturnStatus[]; to: ReturnStatus }>;
