/** Reason codes Meta accepts (docs/meta-api.md, "Money, reason codes, carriers"). */

export const CANCEL_REASON_CODES = [
  'CUSTOMER_REQUESTED',
  'OUT_OF_STOCK',
  'INVALID_ADDRESS',
  'SUSPICIOUS_ORDER',
  'CANCEL_REASON_OTHER',
] as const;
export type CancelReasonCode = (typeof CANCEL_REASON_CODES)[number];

/** Codes a seller may use on a refund. */
export const SELLER_REFUND_REASON_CODES = [
  'BUYERS_REMORSE',
  'DAMAGED_GOODS',
  'NOT_AS_DESCRIBED',
  'QUALITY_ISSUE',
  'WRONG_ITEM',
  'REFUND_REASON_OTHER',
] as const;
export type SellerRefundReasonCode = (typeof SELLER_REFUND_REASON_CODES)[number];

/** Codes that appear on refunds Meta itself issued; never sent by a seller. */
export const PLATFORM_REFUND_REASON_CODES = [
  'REFUND_FOR_RETURN',
  'FACEBOOK_INITIATED',
  'REFUND_COMPROMISED',
  'REFUND_SFI_FAKE',
  'REFUND_SFI_REAL',
] as const;
