/**
 * The HTTP OMS contract as schemas: for each event type HttpOms sends, the port method it stands
 * for, the schema of its `data`, and the schema of the reply it expects (only two events expect
 * one; for the others any 2xx answer will do and its body is ignored). docs/oms-schemas/ holds
 * these as JSON Schemas (`npm run oms-schemas`), and a test fails when they drift apart.
 */
import { z } from 'zod';
import type { OmsPortMethod } from '../../api/oms-port-methods.js';
import {
  cancellationRecordSchema,
  externalChangeSchema,
  metaOrderIdSchema,
  opsNotificationSchema,
  pendingOrderInputSchema,
  refundRecordSchema,
  reservationLinesSchema,
  returnRecordSchema,
  shipmentRecordSchema,
  trackingUpdateRecordSchema,
} from '../../api/oms-port-schemas.js';
import { OMS_EVENT_TYPES, omsEventEnvelopeSchema, type OmsEventType } from './events.js';
import { createPendingOrderResponseSchema, reserveInventoryResponseSchema } from './http-oms.js';

export interface OmsEventContract {
  /** The OmsPort method whose call the event carries. */
  method: OmsPortMethod;
  /** One sentence for the docs: what the OMS should do with the event. */
  summary: string;
  data: z.ZodType;
  /** The 2xx body the OMS must answer with; absent when any 2xx will do. */
  reply?: z.ZodType;
}

const orderOnly = z.object({ metaOrderId: metaOrderIdSchema });

export const OMS_EVENT_CONTRACTS = {
  'inventory.reserve': {
    method: 'reserveInventory',
    summary: 'Hold stock for a new order: hold what exists, report the rest as shortages.',
    data: z.object({ metaOrderId: metaOrderIdSchema, lines: reservationLinesSchema }),
    reply: reserveInventoryResponseSchema,
  },
  'inventory.release': {
    method: 'releaseInventory',
    summary: "Give back what the order's reservation still holds (the order will not go ahead).",
    data: orderOnly,
  },
  'order.create_pending': {
    method: 'createPendingOrder',
    summary: 'Create the order (buyer, address, lines, totals) and answer with your reference for it.',
    data: pendingOrderInputSchema,
    reply: createPendingOrderResponseSchema,
  },
  'order.mark_processing': {
    method: 'markProcessing',
    summary: 'Meta has the order acknowledged: it may be fulfilled now.',
    data: orderOnly,
  },
  'order.record_shipment': {
    method: 'recordShipment',
    summary: 'Record a shipment (ours or, with origin "external", one made in Commerce Manager).',
    // HttpOms always names the origin ("merchant" when the call left it out).
    data: shipmentRecordSchema.extend({ origin: shipmentRecordSchema.shape.origin.unwrap() }),
  },
  'order.record_tracking_update': {
    method: 'recordTrackingUpdate',
    summary: "Change an earlier shipment's carrier and tracking number.",
    data: trackingUpdateRecordSchema,
  },
  'order.record_cancellation': {
    method: 'recordCancellation',
    summary: 'Record a cancellation of units (restock or write off as `restock` says).',
    data: cancellationRecordSchema,
  },
  'order.record_refund': {
    method: 'recordRefund',
    summary: 'Record a refund with the amounts as Meta computed them.',
    data: refundRecordSchema,
  },
  'order.record_return': {
    method: 'recordReturn',
    summary:
      "A step of a buyer's return (REQUESTED, APPROVED, DISAPPROVED, REFUNDED, MERCHANT_MARKED_COMPLETED): record it.",
    data: returnRecordSchema,
  },
  'order.mark_completed': {
    method: 'markCompleted',
    summary: 'The order is done (fully shipped or cancelled, return window over).',
    data: orderOnly,
  },
  'order.external_change': {
    method: 'notifyExternalChange',
    summary: 'Free-text notice of a change made outside the integration that no record above covers.',
    data: externalChangeSchema,
  },
  'ops.notify': {
    method: 'notifyOps',
    summary: 'An order needs a person: show it to your operations team.',
    data: opsNotificationSchema,
  },
} as const satisfies Record<OmsEventType, OmsEventContract>;

/** The JSON Schemas of one event's data and reply, as committed under docs/oms-schemas/. */
export function omsEventJsonSchemas(type: OmsEventType): { data: object; reply?: object } {
  const contract: OmsEventContract = OMS_EVENT_CONTRACTS[type];
  // `io: 'input'`: what a valid value may look like on the wire (optional fields may be absent).
  const data = z.toJSONSchema(contract.data, { io: 'input', unrepresentable: 'any' });
  return contract.reply
    ? { data, reply: z.toJSONSchema(contract.reply, { io: 'input', unrepresentable: 'any' }) }
    : { data };
}

/**
 * Every file of docs/oms-schemas/, by name: the envelope, then per event type its data and (for the
 * two that expect one) its reply. Written by `npm run oms-schemas`; a unit test compares.
 */
export function omsSchemaFiles(): Record<string, string> {
  const file = (schema: object) => `${JSON.stringify(schema, null, 2)}\n`;
  const files: Record<string, string> = {
    'envelope.schema.json': file(z.toJSONSchema(omsEventEnvelopeSchema, { io: 'input' })),
  };
  for (const type of OMS_EVENT_TYPES) {
    const { data, reply } = omsEventJsonSchemas(type);
    files[`${type}.data.schema.json`] = file(data);
    if (reply) files[`${type}.reply.schema.json`] = file(reply);
  }
  return files;
}
