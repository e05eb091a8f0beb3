// Every workflow the worker registers.
export { orderWorkflow } from '../order/workflow.js';
export { orderPollerWorkflow } from '../intake/poller-workflow.js';
export { ackBatcherWorkflow } from '../intake/ack-batcher-workflow.js';
