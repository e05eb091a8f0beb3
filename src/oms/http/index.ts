export {
  HttpOms,
  createPendingOrderResponseSchema,
  reserveInventoryResponseSchema,
  type HttpOmsOptions,
} from './http-oms.js';
export { OmsHttpError, isRetryableStatus, type OmsHttpFailure } from './http-error.js';
export {
  DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  OMS_EVENT_ID_HEADER,
  OMS_KEY_ID_PATTERN,
  OMS_SIGNATURE_HEADER,
  checkOmsSignature,
  parseOmsWebhookKeys,
  signOmsBody,
  verifyOmsSignature,
  type OmsSignatureCheck,
  type OmsSignatureRejection,
  type OmsSignatureVerifierOptions,
  type OmsSigningKey,
} from './signature.js';
export {
  OMS_EVENT_TYPES,
  omsEventEnvelopeSchema,
  omsEventId,
  type OmsEventEnvelope,
  type OmsEventType,
} from './events.js';
export { OMS_EVENT_CONTRACTS, omsEventJsonSchemas, omsSchemaFiles, type OmsEventContract } from './event-schemas.js';
// For a receiver: the raw bytes to verify the signature on, bounded.
export { readRawBody } from '../../util/raw-body.js';
