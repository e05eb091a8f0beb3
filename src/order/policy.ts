/**
 * Every duration and retry budget the order workflow uses, in one object with production
 * defaults. Tests and benchmarks pass a partial override through the workflow input: the code
 * paths stay the same, only the clock gets shorter. Pure: imported by workflow code.
 */
import type { RetryPolicy } from '@temporalio/common';
import { NON_RETRYABLE_GRAPH_FAILURE_TYPES } from '../api/graph-failures.js';
import { OMS_REJECTED_FAILURE_TYPE } from '../api/oms-errors.js';

export interface OrderPolicy {
  /** FB_PROCESSING: first refresh after this, then backing off by `factor` up to `maxMs`. */
  releaseRefresh: { initialMs: number; factor: number; maxMs: number };
  /** Meta lets a seller cancel an order stuck in FB_PROCESSING for longer than this. */
  processingOverdueAfterMs: number;
  /**
   * An order still in FB_PROCESSING this long after it was placed gives its reserved stock back
   * (and ops are told): Meta may never release it. It reserves again if Meta releases it later.
   */
  releaseStockAfterMs: number;
  /** IN_PROGRESS and the return window: refresh from Meta at least this often (the poller usually signals first). */
  refreshIntervalMs: number;
  /** How long a fulfilled order stays open for refunds. */
  returnWindowMs: number;
  /**
   * The return window's own reads of Meta, a safety net: Meta's changes reach the order through the
   * poller's signal, and the order reads Meta once more before it closes.
   */
  returnWindowRefreshMs: number;
  /** An order not fully shipped this long before its ship-by date is flagged at risk (once). */
  atRiskBeforeShipByMs: number;
  /** Meta's rule when it gives no ship-by date: ship within this long of the order being processed. */
  shipWithinMs: number;
  /** Bulk mode: how long to wait for the ack batcher before acknowledging this order alone. */
  ackBatchTimeoutMs: number;
  /**
   * Bulk mode, an order the poller handed to the ack batcher when it started the workflow: how long
   * to wait for the batcher's answer before asking it again itself (and then `ackBatchTimeoutMs`).
   */
  ackHandOverGraceMs: number;
  /** Continue-as-new past this many history events (or when the server suggests it). */
  maxHistoryEvents: number;
  /** Reads from Meta: retried until they succeed or a non-retryable error (auth, permission) stops them. */
  graphReadRetry: RetryPolicy;
  /** Writes to Meta: a bounded budget, then the order asks for attention instead of failing. */
  graphWriteRetry: RetryPolicy;
  /** Calls to the merchant's OMS. */
  omsRetry: RetryPolicy;
  /** One attempt of one Graph call (the HTTP client has its own, shorter timeout). */
  graphAttemptTimeoutMs: number;
  omsAttemptTimeoutMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Failure types that retrying cannot fix: an operator or a corrected command must. The activities
 * already mark these failures non-retryable; listing them in the policy too makes the policy say so.
 */
export const NON_RETRYABLE_GRAPH_ERRORS: string[] = [...NON_RETRYABLE_GRAPH_FAILURE_TYPES];

export const DEFAULT_ORDER_POLICY: OrderPolicy = {
  releaseRefresh: { initialMs: 2 * MINUTE, factor: 2, maxMs: 30 * MINUTE },
  processingOverdueAfterMs: DAY,
  releaseStockAfterMs: 2 * DAY,
  refreshIntervalMs: 6 * HOUR,
  returnWindowMs: 30 * DAY,
  returnWindowRefreshMs: 7 * DAY,
  atRiskBeforeShipByMs: DAY,
  shipWithinMs: 7 * DAY,
  ackBatchTimeoutMs: 10 * MINUTE,
  ackHandOverGraceMs: MINUTE,
  maxHistoryEvents: 5_000,
  graphReadRetry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: NON_RETRYABLE_GRAPH_ERRORS,
  },
  graphWriteRetry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 12,
    nonRetryableErrorTypes: NON_RETRYABLE_GRAPH_ERRORS,
  },
  omsRetry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    nonRetryableErrorTypes: [OMS_REJECTED_FAILURE_TYPE],
  },
  graphAttemptTimeoutMs: 60_000,
  omsAttemptTimeoutMs: 60_000,
};

export type OrderPolicyOverrides = Partial<OrderPolicy>;

export function resolvePolicy(overrides: OrderPolicyOverrides | undefined): OrderPolicy {
  return { ...DEFAULT_ORDER_POLICY, ...overrides };
}
