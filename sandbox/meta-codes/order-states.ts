/**
 * `order_status.state` as Meta's Order API reference defines it: FB_PROCESSING (Meta's checks and
 * the buyer's remorse window), CREATED (released, waiting for acknowledgement), IN_PROGRESS
 * (acknowledged, units left to ship), COMPLETED (every unit shipped or cancelled).
 */
export const ORDER_STATES = ['FB_PROCESSING', 'CREATED', 'IN_PROGRESS', 'COMPLETED'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export function isOrderState(value: string): value is OrderState {
  return (ORDER_STATES as readonly string[]).includes(value);
}
