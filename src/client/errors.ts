/** Errors the typed order client throws: one class per thing OMS code may want to handle. */
import type { Attention } from '../api/order-state.js';

/** The command was refused: by our checks (before history), by Meta, or because the order is not in a state for it. */
export class OrderCommandRejectedError extends Error {
  override readonly name = 'OrderCommandRejectedError';
  constructor(
    readonly orderId: string,
    readonly command: string,
    readonly reason: string,
    /** Where the refusal came from: `validation` (nothing reached history) or `meta` (Meta said no). */
    readonly source: 'validation' | 'meta',
  ) {
    super(`${command} on order ${orderId} rejected: ${reason}`);
  }
}

export class OrderNotFoundError extends Error {
  override readonly name = 'OrderNotFoundError';
  constructor(readonly orderId: string) {
    super(`no workflow for Meta order ${orderId}`);
  }
}

/**
 * The order stopped to wait for an operator (NEEDS_ATTENTION) while the command was pending: Meta
 * or the OMS refused a step for a reason retrying cannot fix. The command is not withdrawn: it
 * resumes once the cause is fixed and `retry` is sent, and re-sending it with the same requestId
 * returns its outcome.
 */
export class OrderNeedsAttentionError extends Error {
  override readonly name = 'OrderNeedsAttentionError';
  constructor(
    readonly orderId: string,
    readonly command: string,
    readonly requestId: string,
    /** From the order's state: the step that waits, why, and since when. */
    readonly attention: Attention,
  ) {
    super(
      `order ${orderId} needs attention at "${attention.step}": ${attention.reason} (${attention.errorType}, since ${attention.since})`,
    );
  }
}
