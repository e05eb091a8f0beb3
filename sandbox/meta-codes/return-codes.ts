/**
 * A return's life on Meta: the buyer asks (REQUESTED); the seller approves or declines it through
 * the API (`update_return`) or Commerce Manager (APPROVED / DISAPPROVED); it ends when a refund
 * names it (REFUNDED) or the seller closes it without one (MERCHANT_MARKED_COMPLETED).
 */
export const RETURN_STATUSES = [
  'REQUESTED',
  'APPROVED',
  'DISAPPROVED',
  'REFUNDED',
  'MERCHANT_MARKED_COMPLETED',
] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

/** `update_event` on POST /{return-id}/update_return. */
export const RETURN_UPDATE_EVENTS = ['ACCEPT_RETURN', 'CLOSE_RETURN'] as const;
export type ReturnUpdateEvent = (typeof RETURN_UPDATE_EVENTS)[number];

/**
 * The reason a buyer picks when asking for a return. Meta's pages show the choice to buyers but do
 * not list the codes; the sandbox uses these (see README, "Choices where Meta says nothing").
 */
export const RETURN_REASONS = [
  'DAMAGED_GOODS',
  'NOT_AS_DESCRIBED',
  'WRONG_ITEM',
  'QUALITY_ISSUE',
  'BUYERS_REMORSE',
  'OTHER',
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];
