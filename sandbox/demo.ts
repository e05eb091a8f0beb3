/**
 * The demo trickle: a new order every interval, alternating Facebook and Instagram, with buyers
 * from many scripts. Orders follow the sandbox's release delay like any other.
 */
import type { DemoOptions } from './options.js';
import { createOrders } from './order-factory.js';
import type { SandboxState } from './state.js';
import { CreateOrdersRequestSchema } from './admin-schemas.js';

export function startDemoTrickle(state: SandboxState, options: DemoOptions): () => void {
  const timer = setInterval(() => {
    createOrders(
      state,
      CreateOrdersRequestSchema.parse({ count: 1, itemsPerOrder: Math.min(options.itemsPerOrder, 8) }),
    );
    state.noteChange();
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
