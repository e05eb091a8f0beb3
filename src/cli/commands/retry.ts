/** `fb-orders retry`: resume an order parked in NEEDS_ATTENTION once its cause is fixed. */
import type { OrderCommandCli } from '../order-command.js';

export const retryCli: OrderCommandCli<'retry'> = {
  name: 'retry',
  summary: 'Resume an order that waits in NEEDS_ATTENTION, after the cause (token, permission, OMS) is fixed.',
  options: [],
  build: () => ({}),
};
