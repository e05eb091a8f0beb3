export {
  OrderClient,
  type CommandOptions,
  type ListOrdersFilter,
  type OrderCommandMethods,
  type OrderSummary,
} from './order-client.js';
export { OrderCommandRejectedError, OrderNeedsAttentionError, OrderNotFoundError } from './errors.js';
// Payload encryption: the Client an OrderClient wraps must use the workers' keys.
export {
  encryptionKeys,
  payloadDataConverter,
  payloadEncryption,
  PayloadDecryptionError,
  type EncryptionKeys,
  type PayloadEncryption,
} from '../codec/index.js';
export type { CommandOutcome, OrderWorkflowState } from '../api/order-state.js';
export type {
  CancelCommand,
  RefundCommand,
  RetryCommand,
  ShipCommand,
  UpdateTrackingCommand,
} from '../order/commands/index.js';
