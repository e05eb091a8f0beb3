export { OrderClient, type ListOrdersFilter, type OrderSummary } from './order-client.js';
export { OrderCommandRejectedError, OrderNotFoundError } from './errors.js';
export type { CommandOutcome, OrderWorkflowState } from '../workflows/order-state.js';
export type { CancelCommand, RefundCommand, RetryCommand, ShipCommand, UpdateTrackingCommand } from '../domain/commands.js';
