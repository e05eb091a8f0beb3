/** `answerReturn`: the seller accepts a buyer's return, or closes it without a refund through Meta. */
import { z } from 'zod';
import { RETURN_TRANSITIONS, RETURN_UPDATE_EVENTS } from '../../domain/returns.js';
import { readMetaHistory, reconcileReturns } from '../meta-books.js';
import { defineCommand, reject, rejectedByMeta } from './command.js';
import { itemId, requestId } from './fields.js';

export const AnswerReturnCommandSchema = z
  .object({
    requestId,
    /** Meta's id of the return (see `fb-orders show`). */
    returnId: itemId,
    /** ACCEPT_RETURN (goods may come back) or CLOSE_RETURN (settled without a refund through Meta). */
    event: z.enum(RETURN_UPDATE_EVENTS, { message: `event must be one of ${RETURN_UPDATE_EVENTS.join(', ')}` }),
    /** The merchant's own id for the return (an RMA number), given to Meta. */
    merchantReturnId: z
      .string()
      .regex(/^[\x21-\x7e]{1,100}$/, 'merchantReturnId must be 1-100 printable characters without spaces')
      .optional(),
  })
  .strict();

export type AnswerReturnCommand = z.input<typeof AnswerReturnCommandSchema>;

export const answerReturn = defineCommand({
  kind: 'answerReturn',
  schema: AnswerReturnCommandSchema,
  signal: true,
  exclusive: true,
  check(s, command) {
    const known = s.returns?.find((r) => r.id === command.returnId);
    // Checked against the order's last read of Meta's returns edge: a return Meta has not shown the
    // workflow yet is refused here rather than sent blind (the next refresh brings it).
    if (!known) reject(`the order has no return ${command.returnId} (as last read from Meta; see \`show\`)`);
    const allowed: readonly string[] = RETURN_TRANSITIONS[command.event].from;
    if (!allowed.includes(known.status))
      reject(`cannot ${command.event} return ${command.returnId}: it is ${known.status}`);
    return known;
  },
  async execute(ctx, command, known, { requestId, fingerprint }) {
    const { orderId } = ctx.state;
    await ctx.attention.step(
      `answerReturn ${requestId}`,
      () =>
        ctx.activities.graphWrite.answerReturn({
          orderId,
          requestId,
          fingerprint,
          returnId: command.returnId,
          event: command.event,
          merchantReturnId: command.merchantReturnId,
        }),
      rejectedByMeta,
    );
    // Meta's word is the truth: read the returns edge back (one read) and record what it shows, by
    // Meta's return id and status, exactly as for a change made in Commerce Manager.
    const history = await readMetaHistory(ctx, ['returns']);
    await reconcileReturns(ctx, history.returns);
    ctx.visibility.publish();
    return `return ${known.id} is now ${known.status} on Meta`;
  },
});
