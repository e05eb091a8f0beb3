/**
 * `cancel`: a seller cancel of units not yet shipped (all of them unless `items` says which). Meta
 * also lets a seller cancel, whole, an order stuck in FB_PROCESSING for over 24 hours.
 */
import { patched } from '@temporalio/workflow';
import { z } from 'zod';
import { CANCEL_REASON_CODES } from '../../domain/reason-codes.js';
import { applyCancellation, checkCancellation, isFulfilled, totalUnits } from '../item-ledger.js';
import { readBackOwn, readsMetaHistory } from '../meta-books.js';
import { defineCommand, describeLines, reject, rejectedByMeta } from './command.js';
import { freeText, requestId, unitLines } from './fields.js';

export const CancelCommandSchema = z
  .object({
    requestId,
    reasonCode: z.enum(CANCEL_REASON_CODES, { message: `reasonCode must be one of ${CANCEL_REASON_CODES.join(', ')}` }),
    reasonDescription: freeText.optional(),
    /** Put the cancelled units back into sellable stock: always said, since writing stock off is not a default. */
    restock: z.boolean({
      message: 'restock is required: true puts the units back into sellable stock, false writes them off',
    }),
    /** Omitted: every unit not yet shipped (a partial cancel names its items). */
    items: unitLines.optional(),
  })
  .strict();

export type CancelCommand = z.input<typeof CancelCommandSchema>;

/**
 * Meta cancels an order as a whole only while nothing of it has shipped ("shipped orders have to be
 * refunded instead"): the rest of a partly shipped order is cancelled by naming its unshipped units.
 * Before this patch such a cancel was sent whole, which Meta refuses.
 */
export const CANCEL_REST_BY_ITEMS_PATCH = 'cancel-rest-by-items';

export const cancel = defineCommand({
  kind: 'cancel',
  schema: CancelCommandSchema,
  signal: true,
  exclusive: true,
  // Before EXPLICIT_COMMANDS_PATCH a cancel without restock meant no restock.
  upgradeAccepted: (input) => (input.restock === undefined ? { ...input, restock: false } : input),
  check(s, command) {
    const overdue = s.phase === 'AWAITING_RELEASE' && s.processingOverdue;
    if ((s.phase !== 'IN_PROGRESS' && !overdue) || !s.ledger) {
      reject(
        `cannot cancel: the order is ${s.phase} (Meta ${s.metaState}); a seller cancel needs an acknowledged order, or one stuck in FB_PROCESSING for over 24 hours`,
      );
    }
    if (overdue && command.items) reject('an order still in FB_PROCESSING can only be cancelled whole (omit items)');
    const lines = checkCancellation(s.ledger, command.items);
    if (!lines.ok) reject(lines.reason);
    return { lines: lines.value, wholeOrder: !command.items };
  },
  async execute(ctx, command, { lines, wholeOrder }, { requestId, fingerprint }) {
    const s = ctx.state;
    const { orderId } = s;
    const asWholeOrder = wholeOrder && !(totalUnits(s.ledger!, 'shipped') > 0 && patched(CANCEL_REST_BY_ITEMS_PATCH));
    await ctx.attention.step(
      `cancel ${requestId}`,
      () =>
        ctx.activities.graphWrite.cancelItems({
          orderId,
          requestId,
          fingerprint,
          reasonCode: command.reasonCode,
          reasonDescription: command.reasonDescription,
          restock: command.restock,
          items: asWholeOrder ? undefined : lines,
        }),
      rejectedByMeta,
    );
    s.ledger = applyCancellation(s.ledger!, lines);
    if (isFulfilled(s.ledger)) s.metaState = 'COMPLETED';
    // Meta's cancellation object, read back: its id marks it as ours on every later read.
    const meta = readsMetaHistory() ? await readBackOwn(ctx, { kind: 'cancellations', requestId, lines }) : undefined;
    await ctx.oms.recordCancellation({
      metaOrderId: orderId,
      requestId,
      items: lines,
      reasonCode: command.reasonCode,
      restock: command.restock,
      origin: 'merchant',
      ...(meta ? { metaCancellationId: meta.id } : {}),
    });
    return `cancelled ${describeLines(lines)} (${command.reasonCode}${command.restock ? ', restocked' : ''})`;
  },
});
