/** `refund`: shipped units, by quantity or by amount, and/or shipping; never more than was paid. */
import { z } from 'zod';
import { COUNT_LIMITS } from '../../api/limits.js';
import { SELLER_REFUND_REASON_CODES } from '../../domain/reason-codes.js';
import { isOpenReturn } from '../../domain/returns.js';
import { applyRefund, checkRefund } from '../item-ledger.js';
import type { MetaRefund } from '../../api/order-history.js';
import { readBackOwn, readsMetaHistory, refundedUnits, refundPlanOf, refundRecord } from '../meta-books.js';
import { defineCommand, reject, rejectedByMeta } from './command.js';
import { freeText, itemId, money, ONE_ITEM_REF, oneItemRef, quantity, requestId, retailerId } from './fields.js';

const refundLine = z
  .object({
    itemId: itemId.optional(),
    retailerId: retailerId.optional(),
    quantity: quantity.optional(),
    amount: money.optional(),
  })
  .strict()
  .refine(oneItemRef, ONE_ITEM_REF)
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
    reasonText: freeText.optional(),
    /** Shipped units by quantity, or amounts of them. */
    items: z.array(refundLine).min(1, 'items must not be empty').max(COUNT_LIMITS.items).optional(),
    /** Every shipped unit not yet refunded (what is left of each item's money). Never implied. */
    full: z.literal(true, { message: 'full must be true, or left out' }).optional(),
    shippingRefund: money.optional(),
    /** Taken off the refund: Meta knows RETURN_SHIPPING (the buyer pays the way back). */
    deductions: z
      .array(z.object({ type: z.literal('RETURN_SHIPPING'), amount: money }).strict())
      .min(1)
      .max(10)
      .optional(),
    /** Added to the refund beyond items and shipping (goodwill). */
    adjustment: money.optional(),
    /** Meta's id of the buyer's return this refund settles. */
    returnId: itemId.optional(),
  })
  .strict()
  .refine((c) => !(c.full && c.items), {
    message: 'a full refund refunds every shipped unit left: leave items out',
    path: ['full'],
  })
  .refine((c) => c.full || c.items || c.shippingRefund || c.adjustment, {
    message: 'say what to refund: items, shippingRefund, adjustment, or full: true',
  });

export type RefundCommand = z.input<typeof RefundCommandSchema>;

export const refund = defineCommand({
  kind: 'refund',
  schema: RefundCommandSchema,
  signal: true,
  exclusive: true,
  // Before EXPLICIT_COMMANDS_PATCH a refund without items meant "everything shipped and not yet refunded".
  upgradeAccepted: (input) =>
    input.items === undefined && input.full === undefined ? { ...input, full: true } : input,
  check(s, command) {
    if ((s.phase !== 'IN_PROGRESS' && s.phase !== 'RETURN_WINDOW') || !s.ledger) {
      reject(`cannot refund: the order is ${s.phase}; refunds apply to shipped units of an acknowledged order`);
    }
    // Meta refunds a return once, while it is open; one the workflow has not read yet is Meta's to judge.
    const settles = command.returnId === undefined ? undefined : s.returns?.find((r) => r.id === command.returnId);
    if (settles && !isOpenReturn(settles.status))
      reject(`cannot refund against return ${settles.id}: it is ${settles.status}`);
    const plan = checkRefund(
      s.ledger,
      {
        items: command.items,
        full: command.full,
        shipping: command.shippingRefund,
        deductions: command.deductions,
        adjustment: command.adjustment,
        returnId: command.returnId,
      },
      s.shippingPaid,
    );
    if (!plan.ok) reject(plan.reason);
    return plan.value;
  },
  async execute(ctx, command, plan, { requestId, fingerprint }) {
    const s = ctx.state;
    const { orderId } = s;
    await ctx.attention.step(
      `refund ${requestId}`,
      () =>
        ctx.activities.graphWrite.refundItems({
          orderId,
          requestId,
          fingerprint,
          reasonCode: command.reasonCode,
          reasonText: command.reasonText,
          plan,
        }),
      rejectedByMeta,
    );
    // Meta's refund object, read back: the amounts Meta computed are what the ledger and the OMS record.
    const meta = readsMetaHistory()
      ? ((await readBackOwn(ctx, { kind: 'refunds', requestId, lines: refundedUnits(plan), total: plan.total })) as
          MetaRefund | undefined)
      : undefined;
    const booked = meta ? refundPlanOf(s.ledger!, meta) : plan;
    s.ledger = applyRefund(s.ledger!, booked);
    await ctx.oms.recordRefund(refundRecord(orderId, requestId, meta, booked, 'merchant', command.reasonCode));
    const amounts = plan.lines.map((l) => `${l.amount.amount} ${l.amount.currency} for ${l.retailerId}`);
    if (plan.shipping) amounts.push(`${plan.shipping.amount} ${plan.shipping.currency} shipping`);
    if (plan.adjustment) amounts.push(`${plan.adjustment.amount} ${plan.adjustment.currency} adjustment`);
    for (const d of plan.deductions ?? []) amounts.push(`less ${d.amount.amount} ${d.amount.currency} ${d.type}`);
    return `refunded ${amounts.join(', ')} (${command.reasonCode})`;
  },
});
