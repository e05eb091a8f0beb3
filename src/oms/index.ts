export type * from '../api/oms-port.js';
export type * from './read-model.js';
export { OMS_ORDER_STATUSES } from './read-model.js';
export {
  OmsError,
  OmsIdempotencyConflictError,
  OmsInvalidInputError,
  OmsNotFoundError,
  type OmsErrorCode,
} from '../api/oms-errors.js';
export * from '../api/oms-port-schemas.js';
export * from '../api/oms-port-methods.js';
export { validatedOmsPort } from './validated-oms.js';
export * from './reference/index.js';
export * from './http/index.js';
