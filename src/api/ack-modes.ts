/**
 * How released orders are acknowledged to Meta, the one list: ACK_MODE's setting, the intake's
 * options, the poller's input and the order workflow's input derive from it.
 *   bulk:   the ack batcher acknowledges up to 100 orders in one acknowledge_orders call (the default);
 *   single: each order workflow acknowledges its own order with acknowledge_order.
 * Pure: workflow code imports it.
 */
export const ACK_MODES = ['bulk', 'single'] as const;
export type AckMode = (typeof ACK_MODES)[number];
