/**
 * The reason codes Meta's cancellation and refund calls take, as Meta's Commerce Platform
 * documentation and business SDKs list them.
 */

/** `cancel_reason.reason_code` on POST /{order-id}/cancellations. */
export const CANCEL_REASONS = [
  'CUSTOMER_REQUESTED',
  'OUT_OF_STOCK',
  'INVALID_ADDRESS',
  'SUSPICIOUS_ORDER',
  'CANCEL_REASON_OTHER',
] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

/** `reason_code` a seller may send on POST /{order-id}/refunds. */
export const SELLER_REFUND_REASONS = [
  'BUYERS_REMORSE',
  'DAMAGED_GOODS',
  'NOT_AS_DESCRIBED',
  'QUALITY_ISSUE',
  'WRONG_ITEM',
  'REFUND_REASON_OTHER',
] as const;

/**
 * Codes that appear on refunds Meta issues itself. A seller sending one is told the code is
 * reserved rather than unknown: the code exists, it is just not the seller's to use.
 */
export const PLATFORM_REFUND_REASONS = [
  'REFUND_FOR_RETURN',
  'FACEBOOK_INITIATED',
  'REFUND_COMPROMISED',
  'REFUND_SFI_FAKE',
  'REFUND_SFI_REAL',
] as const;
