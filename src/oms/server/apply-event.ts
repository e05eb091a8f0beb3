/**
 * The receiving half of the HTTP contract for an OmsPort: turns one verified event back into the
 * port call HttpOms made from it, runs it, and says what to answer. The inverse of
 * src/oms/http/http-oms.ts, derived from the same table (OMS_EVENT_CONTRACTS), so a new event type
 * that this file does not follow fails the type check.
 */
import { OmsError, OmsIdempotencyConflictError, OmsInvalidInputError, OmsNotFoundError } from '../../api/oms-errors.js';
import type { OmsPort } from '../../api/oms-port.js';
import { OMS_EVENT_CONTRACTS, type OmsEventContract } from '../http/event-schemas.js';
import type { OmsEventType } from '../http/events.js';

export interface EventAnswer {
  status: number;
  /** JSON body; absent for 204. */
  body?: unknown;
}

/** The port call's arguments from an event's parsed data: the exact inverse of HttpOms.send's `data`. */
const ARGUMENTS_OF: { [T in OmsEventType]: (data: Record<string, unknown>) => unknown[] } = {
  'inventory.reserve': (data) => [data.metaOrderId, data.lines],
  'inventory.release': (data) => [data.metaOrderId],
  'order.create_pending': (data) => [data],
  'order.mark_processing': (data) => [data.metaOrderId],
  'order.record_shipment': (data) => [data],
  'order.record_tracking_update': (data) => [data],
  'order.record_cancellation': (data) => [data],
  'order.record_refund': (data) => [data],
  'order.record_return': (data) => [data],
  'order.mark_completed': (data) => [data.metaOrderId],
  'order.external_change': (data) => [data],
  'ops.notify': (data) => [data],
};

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * Applies one event whose signature and envelope were checked. `data` is parsed with the event's
 * schema first (422 when it breaks it: such an event never becomes valid, so the sender must not
 * retry). The OMS's own refusals become the 4xx the adapter treats as final; anything else is a
 * failure of ours, 503, which the adapter retries with the same event id.
 */
export async function applyOmsEvent(port: OmsPort, type: OmsEventType, data: unknown): Promise<EventAnswer> {
  const contract: OmsEventContract = OMS_EVENT_CONTRACTS[type];
  const parsed = contract.data.safeParse(data);
  if (!parsed.success) {
    // Paths only: the values may be buyer data, and the adapter copies the answer into history.
    const paths = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)');
    return { status: 422, body: { error: `invalid ${type} data at ${[...new Set(paths)].join(', ')}` } };
  }
  try {
    const args = ARGUMENTS_OF[type](parsed.data as Record<string, unknown>);
    const result = await (port[contract.method] as AnyMethod).apply(port, args);
    return contract.reply ? { status: 200, body: result } : { status: 204 };
  } catch (error) {
    return refusal(error);
  }
}

/** The status an OMS error maps to; the message is the OMS's own (it names paths and ids, never values). */
function refusal(error: unknown): EventAnswer {
  if (error instanceof OmsError && !error.retryable) {
    const status =
      error instanceof OmsIdempotencyConflictError
        ? 409
        : error instanceof OmsNotFoundError
          ? 404
          : error instanceof OmsInvalidInputError
            ? 422
            : 400;
    return { status, body: { error: error.message, code: error.code } };
  }
  return { status: 503, body: { error: 'the OMS could not apply the event now; send it again' } };
}
