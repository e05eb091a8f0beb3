/** `updateTracking`: a new carrier or tracking number for a shipment an earlier `ship` made. */
import { patched } from '@temporalio/workflow';
import { z } from 'zod';
import { defineCommand, reject, rejectedByMeta } from './command.js';
import { carrier, requestId, trackingNumber } from './fields.js';

/** Patch id: updateTracking also tells the OMS (added while workflows that had run it without existed). */
export const OMS_TRACKING_UPDATE_PATCH = 'oms-tracking-update';

export const UpdateTrackingCommandSchema = z
  .object({
    requestId,
    /** The requestId of the `ship` command whose tracking changes. */
    shipmentRequestId: requestId,
    carrier,
    trackingNumber,
  })
  .strict();

export type UpdateTrackingCommand = z.input<typeof UpdateTrackingCommandSchema>;

export const updateTracking = defineCommand({
  kind: 'updateTracking',
  schema: UpdateTrackingCommandSchema,
  signal: true,
  exclusive: true,
  check(s, command) {
    if (s.phase !== 'IN_PROGRESS' && s.phase !== 'RETURN_WINDOW')
      reject(`cannot update tracking: the order is ${s.phase}`);
    if (!s.shipments[command.shipmentRequestId])
      reject(`no shipment was made by a ship command with requestId ${command.shipmentRequestId}`);
  },
  async execute(ctx, command, _plan, { fingerprint }) {
    const s = ctx.state;
    const { orderId } = s;
    const { requestId, shipmentRequestId, carrier, trackingNumber } = command;
    await ctx.attention.step(
      `updateTracking ${requestId}`,
      () =>
        ctx.activities.graphWrite.updateTracking({
          orderId,
          requestId,
          fingerprint,
          shipmentRequestId,
          carrier,
          trackingNumber,
        }),
      rejectedByMeta,
    );
    s.shipments[shipmentRequestId] = { ...s.shipments[shipmentRequestId]!, carrier, trackingNumber };
    // Runs that updated tracking before this call existed replay without it.
    if (patched(OMS_TRACKING_UPDATE_PATCH)) {
      await ctx.oms.recordTrackingUpdate({
        metaOrderId: orderId,
        requestId,
        shipmentRequestId,
        carrier,
        trackingNumber,
      });
    }
    return `tracking of shipment ${shipmentRequestId} is now ${carrier} ${trackingNumber}`;
  },
});
