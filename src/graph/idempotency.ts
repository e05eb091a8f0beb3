/**
 * Idempotency keys for Meta's POSTs. The client never invents one: a key must be derived from
 * what the request *is*, so that a retry (same activity, new attempt, new worker) sends the same
 * key and Meta answers it without a second effect, while a different request never shares a key.
 * UUID v5 (SHA-1 over a fixed namespace and a canonical name) gives exactly that, deterministically,
 * in 36 characters: within Meta's rule (up to 100 characters; a UUID is what Meta recommends).
 */
import { v5 as uuidv5 } from 'uuid';

/**
 * This project's UUID namespace. Changing it changes every derived key, so a request retried
 * across a deploy that changed it would be applied twice: never change it.
 */
export const IDEMPOTENCY_NAMESPACE = '6f1c9a52-3d0e-5b8a-9c47-2e6b1f0d8a31';

/** The state-changing calls a key can be derived for. */
export type IdempotentOperation =
  | 'acknowledge'
  | 'ship'
  | 'updateShipment'
  | 'cancel'
  | 'refund'
  | 'answerReturn'
  /** Pass the cms id as `orderId`, and a new requestId per connection (see connectOrderManagementApp). */
  | 'connectApp'
  /** Likewise, a new requestId per disconnection. */
  | 'disconnectApp';

/**
 * Key for one operation on one order. `requestId` tells apart operations of the same kind on the
 * same order (a second partial shipment, a second refund): pass something stable per request,
 * e.g. the OMS shipment id or the workflow's signal id, never a timestamp taken on retry.
 */
export function idempotencyKey(orderId: string, operation: IdempotentOperation, requestId?: string): string {
  if (!orderId) throw new TypeError('idempotencyKey: orderId is required');
  if (requestId === '') throw new TypeError('idempotencyKey: requestId, when given, must not be empty');
  // JSON of an array is an unambiguous encoding: no separator can be smuggled inside a part.
  return uuidv5(JSON.stringify(['order-operation', orderId, operation, requestId ?? null]), IDEMPOTENCY_NAMESPACE);
}

/**
 * Key for one OMS command carried out on Meta: from the command's requestId AND its content
 * (`fingerprint`, the command's canonical text). A retry sends the identical request under the
 * identical key; a corrected command re-sent with the same requestId (after Meta refused the first)
 * gets a key of its own, since Meta refuses a key it has seen with another body.
 */
export function commandIdempotencyKey(
  orderId: string,
  operation: IdempotentOperation,
  requestId: string,
  fingerprint: string,
): string {
  if (!orderId || !requestId || !fingerprint)
    throw new TypeError('commandIdempotencyKey: orderId, requestId and fingerprint are required');
  return uuidv5(JSON.stringify(['order-command', orderId, operation, requestId, fingerprint]), IDEMPOTENCY_NAMESPACE);
}

export type BatchEntry = string | { id: string; merchantOrderReference?: string | undefined };

/**
 * Key for a bulk acknowledgement, from the batch's contents: the same orders (and merchant
 * references) in any order give the same key; any other batch gives another one.
 */
export function batchIdempotencyKey(orders: readonly BatchEntry[]): string {
  if (orders.length === 0) throw new TypeError('batchIdempotencyKey: the batch is empty');
  const canonical = orders
    .map((entry) => (typeof entry === 'string' ? { id: entry } : entry))
    .map((entry) => {
      if (!entry.id) throw new TypeError('batchIdempotencyKey: an order id is empty');
      return JSON.stringify([entry.id, entry.merchantOrderReference ?? null]);
    })
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return uuidv5(JSON.stringify(['acknowledge-batch', canonical]), IDEMPOTENCY_NAMESPACE);
}
