export type * from './port.js';
export type * from './read-model.js';
export { OMS_ORDER_STATUSES } from './read-model.js';
export { OmsError, OmsIdempotencyConflictError, OmsInvalidInputError, OmsNotFoundError, type OmsErrorCode } from './errors.js';
export * from './port-schemas.js';
export * from './reference/index.js';
export * from './http/index.js';
