// Every workflow the worker registers.
export { orderWorkflow } from './order.js';
export { orderPollerWorkflow } from './order-poller.js';
export { ackBatcherWorkflow } from './ack-batcher.js';
