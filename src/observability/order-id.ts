import { orderWorkflowId } from '../api/ids.js';
/**
 * Which Meta order a log line belongs to, read from the Temporal workflow id that the SDK attaches
 * to every workflow and activity log entry. The id scheme lives in src/api/ids.ts; the
 * prefix is taken from there so the two cannot drift apart.
 */

const ORDER_WORKFLOW_PREFIX = orderWorkflowId('');
/** Graph ids are letters, digits and "_": this keeps `fb-order-poller-<cms>` and similar ids out. */
const GRAPH_ID = /^[A-Za-z0-9_]+$/;

/** The order id of an order workflow's id (`fb-order-<orderId>`), else undefined. */
export function orderIdFromWorkflowId(workflowId: unknown): string | undefined {
  if (typeof workflowId !== 'string' || !workflowId.startsWith(ORDER_WORKFLOW_PREFIX)) return undefined;
  const orderId = workflowId.slice(ORDER_WORKFLOW_PREFIX.length);
  return GRAPH_ID.test(orderId) ? orderId : undefined;
}
