/**
 * Workflow ids and Update ids: how every side (worker, client, CLI, logs) names the same workflow.
 * Pure: imported by workflow code.
 */

/** One workflow per Meta order: Temporal refuses a second one with the same id, so no order is taken twice. */
export function orderWorkflowId(orderId: string): string {
  return `fb-order-${orderId}`;
}

export function orderPollerWorkflowId(cmsId: string): string {
  return `fb-order-poller-${cmsId}`;
}

export function ackBatcherWorkflowId(cmsId: string): string {
  return `fb-ack-batcher-${cmsId}`;
}

/**
 * Update ids derive from the caller's requestId and the command's content: Temporal itself answers
 * an exact repeat once, while the same requestId with other content gets its own Update, which the
 * validator refuses (the requestId is taken).
 */
export function commandUpdateId(kind: string, requestId: string, fingerprint: string): string {
  return `${kind}-${requestId}-${fnv1a(fingerprint)}`;
}

/** 32-bit FNV-1a as 8 hex digits: short, stable, dependency-free. Not for security. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
