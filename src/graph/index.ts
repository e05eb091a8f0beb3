/** Public API of the Graph client: the only module that speaks HTTP to Meta. */
export {
  GraphClient,
  type BulkAckResult,
  type GraphClientOptions,
  type GraphEndpoint,
  type ListItemsOptions,
  type ListOrdersOptions,
  type OrderFilter,
  type OrdersPage,
} from './client.js';
export {
  COMMERCE_ERROR_REASONS,
  GraphError,
  GraphInputError,
  GraphResponseError,
  type CommerceErrorReason,
  type GraphErrorInit,
  type GraphErrorKind,
} from './errors.js';
export {
  batchIdempotencyKey,
  idempotencyKey,
  IDEMPOTENCY_NAMESPACE,
  type BatchEntry,
  type IdempotentOperation,
} from './idempotency.js';
export {
  MAX_BULK_ACK_ORDERS,
  type AcknowledgeOrderOptions,
  type AcknowledgeOrdersOptions,
  type CancelOrderOptions,
  type CreateShipmentOptions,
  type RefundOrderOptions,
  type UpdateShipmentOptions,
} from './requests.js';
export type {
  DefaultOrderField,
  GraphBuyerDetails,
  GraphCancellation,
  GraphChannel,
  GraphEstimatedPaymentDetails,
  GraphItemStatus,
  GraphItemsEdge,
  GraphOrder,
  GraphOrderItem,
  GraphOrderWith,
  GraphPaging,
  GraphProduct,
  GraphRefund,
  GraphReturn,
  GraphSelectedShippingOption,
  GraphShipment,
  GraphShippingAddress,
  GraphTrackingInfo,
  GraphUnitLine,
  ItemExtraField,
  Money,
  OrderField,
  ProductExtraField,
} from './schemas.js';
export type { BusinessUseCaseUsage, UsageFigures, UsageSnapshot } from './usage.js';
