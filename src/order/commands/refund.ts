/** `refund`: shipped units, by quantity or by amount, and/or shipping; never more than was paid. */
import { z } from 'zod';
import { SELLER_REFUND_REASON_CODES } from '../../domain/reason-codes.js';
import { applyRefund, checkRefund } from '../item-ledger.js';
import { defineCommand, reject, rejectedByMeta } from './command.js';
import { money, quantity, requestId, retailerId } from './fields.js';

const refundLine = z
  .object({ retailerId, quantity: quantity.optional(), amount: money.optional() })
  .strict()
  .refine(
    (line) => (line.quantity === undefined) !== (line.amount === undefined),
    'each refund item needs either quantity or amount, not both',
  );

export const RefundCommandSchema = z
  .object({
    requestId,
    reasonCode: z.enum(SELLER_REFUND_REASON_CODES, {
      message: `reasonCode must be one of ${SELLER_REFUND_REASON_CODES.join(', ')}`,
    }),
    reasonText: z.string().max(500).optional(),
    /** Omitted: every shipped unit not yet refunded. */
    items: z.array(refundLine).min(1, 'items must not be empty').optional(),
    shippingRefund: money.optional(),
  })
  .strict();

export type RefundCommand = z.input<typeof RefundCommandSchema>;

export const refund = defineCommand({
  kind: 'refund',
  schema: RefundCommandSchema,
  signal: true,
  exclusive: true,
  check(s, command) {
    if ((s.phase !== 'IN_PROGRESS' && s.phase !== 'RETURN_WINDOW') || !s.ledger) {
      reject(`cannot refund: the order is ${s.phase}; refunds apply to shipped units of an acknowledged order`);
    }
    const plan = checkRefund(s.ledger, command.items, command.shippingRefund, s.shippingPaid);
    if (!plan.ok) reject(plan.reason);
    return plan.value;
  },
  async execute(ctx, command, plan) {
    const s = ctx.state;
    const { orderId } = s;
    const { requestId } = command;
    await ctx.attention.step(
      `refund ${requestId}`,
      () =>
        ctx.activities.graphWrite.refundItems({
          orderId,
          requestId,
          reasonCode: command.reasonCode,
          reasonText: command.reasonText,
          plan,
        }),
      rejectedByMeta,
    );
    s.ledger = applyRefund(s.ledger!, plan);
    await ctx.oms.recordRefund({
      metaOrderId: orderId,
      requestId,
      items: plan.lines,
      shipping: plan.shipping,
      reasonCode: command.reasonCode,
      origin: 'merchant',
    });
    const amounts = plan.lines.map((l) => `${l.amount.amount} ${l.amount.currency} for ${l.retailerId}`);
    if (plan.shipping) amounts.push(`${plan.shipping.amount} ${plan.shipping.currency} shipping`);
    return `refunded ${amounts.join(', ')} (${command.reasonCode})`;
  },
});
