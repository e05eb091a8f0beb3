/** `fb-orders ship`: ship units (all unshipped ones unless --item says which) with tracking. */
import type { OrderCommandCli } from '../order-command.js';
import { lineArgs, type UnitLineArg } from '../items.js';

export const shipCli: OrderCommandCli<'ship'> = {
  name: 'ship',
  summary: 'Ship units of an order with a carrier and tracking number (every unshipped unit unless --item is given).',
  options: [
    { name: 'carrier', value: 'CODE', required: true, description: "Meta's carrier code, e.g. UPS, FEDEX, USPS, DHL" },
    { name: 'tracking', value: 'NUMBER', required: true, description: 'tracking number' },
    { name: 'item', value: 'SKU:QTY', repeatable: true, description: 'units of one retailer id to ship' },
    {
      name: 'item-id',
      value: 'ITEM_ID:QTY',
      repeatable: true,
      description: "units of one order line, by Meta's item id (for a SKU two lines share; see `show`)",
    },
    { name: 'method', value: 'NAME', description: 'shipping method name shown to the buyer' },
  ],
  notes: [
    'example (the first demo order of a fresh `npm start`): fb-orders ship 310000000000007 --carrier UPS --tracking 1Z999AA10123456784 --item TEE-ORG-M:1',
  ],
  build(args) {
    const items = lineArgs({ items: args.values('item'), itemIds: args.values('item-id') }, false) as UnitLineArg[];
    const method = args.value('method');
    return {
      carrier: args.value('carrier')!,
      trackingNumber: args.value('tracking')!,
      ...(items.length ? { items } : {}),
      ...(method !== undefined ? { shippingMethodName: method } : {}),
    };
  },
};
