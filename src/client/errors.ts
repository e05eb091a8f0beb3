/** Errors the typed order client throws: one class per thing OMS code may want to handle. */

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
