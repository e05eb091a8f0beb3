/** What the typed client and the CLI use of the command registry: schemas, types, messages, the parser. */
export {
  COMMANDS,
  SIGNAL_COMMAND_KINDS,
  commandFingerprint,
  commandSignals,
  commandUpdates,
  parseCommand,
  type CommandInput,
  type ParsedCommand,
  type SignalCommandKind,
} from './registry.js';
export { AnswerReturnCommandSchema, type AnswerReturnCommand } from './answer-return.js';
export { CancelCommandSchema, type CancelCommand } from './cancel.js';
export { RefundCommandSchema, type RefundCommand } from './refund.js';
export { RetryCommandSchema, type RetryCommand } from './retry.js';
export { ShipCommandSchema, type ShipCommand } from './ship.js';
export {
  UpdateTrackingCommandSchema,
  type UpdateTrackingCommand,
  OMS_TRACKING_UPDATE_PATCH,
} from './update-tracking.js';
export { COMMAND_KINDS, type CommandKind } from '../../api/command-kinds.js';
