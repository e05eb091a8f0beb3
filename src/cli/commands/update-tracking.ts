/** `fb-orders update-tracking`: change the carrier / tracking number of an earlier shipment. */
import type { OrderCommandCli } from '../order-command.js';

export const updateTrackingCli: OrderCommandCli<'updateTracking'> = {
  name: 'update-tracking',
  summary: "Change the tracking of a shipment made by an earlier `ship` (named by that command's request id).",
  options: [
    {
      name: 'shipment',
      value: 'SHIP_REQUEST_ID',
      required: true,
      description: 'the request id of the ship command (see `fb-orders show`)',
    },
    { name: 'carrier', value: 'CODE', required: true, description: "Meta's carrier code" },
    { name: 'tracking', value: 'NUMBER', required: true, description: 'the new tracking number' },
  ],
  build(args) {
    return {
      shipmentRequestId: args.value('shipment')!,
      carrier: args.value('carrier')!,
      trackingNumber: args.value('tracking')!,
    };
  },
};
