import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import { canonicalJson } from '../canonical-json.js';

/**
 * One event type per OmsPort method; `data` is the method's argument as the port defines it (see
 * src/oms/README.md for each type's fields). Shipments, cancellations and refunds made outside the
 * integration come as order.record_shipment / order.record_cancellation / order.record_refund with
 * `origin: "external"` and Meta's object id, not as order.external_change.
 */
export const OMS_EVENT_TYPES = [
  'inventory.reserve',
  'inventory.release',
  'order.create_pending',
  'order.mark_processing',
  'order.record_shipment',
  'order.record_tracking_update',
  'order.record_cancellation',
  'order.record_refund',
  'order.record_return',
  'order.mark_completed',
  'order.external_change',
  'ops.notify',
] as const;
export type OmsEventType = (typeof OMS_EVENT_TYPES)[number];

/** The JSON body POSTed to the merchant's endpoint. */
export interface OmsEventEnvelope<TData = unknown> {
  /** Same for every retry of the same call: the merchant dedupes on it. */
  id: string;
  type: OmsEventType;
  /** When this attempt was sent (differs between retries; the id does not). */
  occurredAt: string;
  data: TData;
}

/** For the merchant's receiving side, after verifyOmsSignature: parses the envelope (not `data`). */
export const omsEventEnvelopeSchema = z.object({
  id: z.uuid(),
  type: z.enum(OMS_EVENT_TYPES),
  occurredAt: z.iso.datetime({ offset: true }),
  data: z.unknown(),
});

// Fixed forever: changing it changes every event id and defeats the merchant's dedupe across a deploy.
const EVENT_ID_NAMESPACE = '6781785c-d20e-4eeb-88d5-f71f81e10fb9';

/**
 * A UUID (v5) derived from the event type and the call's idempotency identity: the order id for
 * per-order calls, order id + request id for shipments, tracking updates, cancellations and refunds, the whole
 * payload for notifications. A retried activity therefore sends the same id.
 */
export function omsEventId(type: OmsEventType, identity: unknown): string {
  const key =
    Array.isArray(identity) && identity.every((part) => typeof part === 'string')
      ? identity.join('\u0000')
      : canonicalJson(identity);
  return uuidv5(`${type}\u0000${key}`, EVENT_ID_NAMESPACE);
}
