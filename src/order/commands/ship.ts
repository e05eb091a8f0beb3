/** `ship`: units (all that are left unless `items` says which) with a carrier and tracking number. */
import { patched } from '@temporalio/workflow';
import { z } from 'zod';
import type { UnitLine } from '../../api/ledger.js';
import { TEXT_LIMITS } from '../../api/limits.js';
import { applyShipment, checkShipment, isFulfilled } from '../item-ledger.js';
import { defineCommand, describeLines, reject, rejectedByMeta } from './command.js';
import { carrier, requestId, trackingNumber, unitLines } from './fields.js';

export const ShipCommandSchema = z
  .object({
    requestId,
    /** Omitted: every unit not yet shipped or cancelled. */
    items: unitLines.optional(),
    carrier,
    trackingNumber,
    shippingMethodName: z.string().max(TEXT_LIMITS.shortText).optional(),
    /** If given, must equal the reference the order was acknowledged with (Meta rejects another). */
    merchantOrderReference: z.string().min(1).max(TEXT_LIMITS.id).optional(),
  })
  .strict();

export type ShipCommand = z.input<typeof ShipCommandSchema>;

export const ship = defineCommand({
  kind: 'ship',
  schema: ShipCommandSchema,
  signal: true,
  exclusive: true,
  waitsForAcknowledgement: true,
  check(s, command, early) {
    if ((!early && s.phase !== 'IN_PROGRESS') || !s.ledger) {
      reject(
        `cannot ship: the order is ${s.phase} (Meta ${s.metaState}); shipping needs an acknowledged order with units left`,
      );
    }
    // Before the acknowledgement lands the reference may not be known yet: checked again then.
    const referenceKnown = !early || s.merchantOrderReference !== undefined;
    if (
      referenceKnown &&
      command.merchantOrderReference &&
      command.merchantOrderReference !== s.merchantOrderReference
    ) {
      reject(
        `merchantOrderReference ${command.merchantOrderReference} differs from ${s.merchantOrderReference ?? '(none)'}, the one acknowledged to Meta`,
      );
    }
    const lines = checkShipment(s.ledger, command.items);
    if (!lines.ok) reject(lines.reason);
    return lines.value;
  },
  async execute(ctx, command, lines, { requestId, fingerprint }) {
    const s = ctx.state;
    const { orderId } = s;
    // The ship activity records the shipment in the OMS itself (and completes the OMS order when this
    // fulfils it) in runs that took the patch; older ones record it in an activity of its own.
    const inOneActivity = patched(SHIP_RECORDS_IN_OMS_PATCH);
    const completesOrder = isFulfilled(applyShipment(s.ledger!, lines));
    const sent = await ctx.attention.step(
      `ship ${requestId}`,
      () =>
        ctx.activities.graphWrite.shipItems({
          orderId,
          requestId,
          fingerprint,
          items: lines,
          carrier: command.carrier,
          trackingNumber: command.trackingNumber,
          shippingMethodName: command.shippingMethodName,
          ...(inOneActivity ? { oms: { completesOrder } } : {}),
        }),
      rejectedByMeta,
    );
    s.ledger = applyShipment(s.ledger!, lines);
    // The id Meta keeps on the shipment: how Meta's history edge shows it as ours.
    s.shipments[requestId] = {
      carrier: command.carrier,
      trackingNumber: command.trackingNumber,
      lines,
      ...(sent ? { externalShipmentId: sent.externalShipmentId } : {}),
    };
    if (isFulfilled(s.ledger)) s.metaState = 'COMPLETED';
    if (inOneActivity) {
      if (completesOrder) s.omsCompleted = true;
      return shippedSummary(lines, command);
    }
    await ctx.oms.recordShipment({
      metaOrderId: orderId,
      requestId,
      items: lines,
      carrier: command.carrier,
      trackingNumber: command.trackingNumber,
    });
    return shippedSummary(lines, command);
  },
});

/** Patch id: the ship activity also records the shipment in the OMS (and completes the OMS order). */
export const SHIP_RECORDS_IN_OMS_PATCH = 'ship-records-in-oms';

const shippedSummary = (lines: UnitLine[], command: { carrier: string; trackingNumber: string }) =>
  `shipped ${describeLines(lines)} with ${command.carrier} ${command.trackingNumber}`;
