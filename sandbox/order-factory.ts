/**
 * Turns an admin "create orders" request (or a demo tick) into stored orders, filling what the
 * caller left out with realistic demo content.
 */
import type { z } from 'zod';
import { parseAmount } from './money.js';
import type { CreateOrdersRequestSchema } from './admin-schemas.js';
import { DEMO_CATALOGUE, demoBuyer, demoChannel } from './demo-data.js';
import type { StoredOrder } from './model.js';
import type { NewItemSpec, NewOrderSpec } from './store.js';
import type { SandboxState } from './state.js';

export type CreateOrdersInput = z.output<typeof CreateOrdersRequestSchema>;

function demoItems(seed: number, lines: number): NewItemSpec[] {
  return Array.from({ length: lines }, (_, i) => {
    const entry = DEMO_CATALOGUE[(seed * 3 + i) % DEMO_CATALOGUE.length]!;
    return {
      retailerId: entry.retailerId,
      quantity: 1 + ((seed + i) % 3),
      unitPriceMinor: parseAmount(entry.price),
      productName: entry.name,
    };
  });
}

export function createOrders(state: SandboxState, input: CreateOrdersInput): StoredOrder[] {
  const now = state.clock.now();
  state.store.releaseDue(now);
  const created: StoredOrder[] = [];
  for (let n = 0; n < input.count; n += 1) {
    const index = state.store.all().length;
    const demo = demoBuyer(index);
    const items = input.items
      ? input.items.map((line) => ({
          retailerId: line.retailerId,
          quantity: line.quantity,
          unitPriceMinor: parseAmount(line.pricePerUnit),
          productName: line.productName ?? `Product ${line.retailerId}`,
          customization: line.customization,
        }))
      : demoItems(index, input.itemsPerOrder);
    const buyerName = input.buyer?.name ?? demo.buyer.name;
    const spec: NewOrderSpec = {
      channel: input.channel ?? demoChannel(index),
      currency: input.currency,
      items,
      buyer: {
        name: buyerName,
        email: input.buyer?.email,
        emailRemarketingOption: input.buyer?.emailRemarketingOption ?? demo.buyer.emailRemarketingOption,
      },
      shippingAddress: input.shippingAddress
        ? { ...input.shippingAddress, name: input.shippingAddress.name ?? buyerName }
        : { ...demo.address, name: buyerName },
      shipping: {
        name: input.shipping?.name ?? 'Standard',
        priceMinor: parseAmount(input.shipping?.price ?? '5.00'),
        minDays: input.shipping?.minDays ?? 3,
        maxDays: input.shipping?.maxDays ?? 7,
      },
      taxRateBp: Math.round(input.taxRate * 10_000),
      taxRemitted: input.taxRemitted,
      facebookPaidMinor: parseAmount(input.facebookPaid),
      releaseDelayMs: input.releaseDelayMs,
      holdForReview: input.holdForReview,
    };
    created.push(state.store.create(spec, now));
  }
  return created;
}
