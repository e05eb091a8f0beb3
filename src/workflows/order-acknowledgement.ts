/**
 * ACKNOWLEDGING: the OMS gets the order first (pending, with its immutable reference), then Meta
 * gets the acknowledgement, then the OMS order moves to processing. OMS state never moves on
 * without Meta's confirmation. The acknowledgement goes alone (`single`) or through the ack
 * batcher (`bulk`, up to 100 orders per call); an order the batch did not take falls back to single.
 */
import { condition, getExternalWorkflowHandle } from '@temporalio/workflow';
import { ackRequestSignal, ackBatcherWorkflowId } from './ack-batcher-messages.js';
import type { AckResult } from './messages.js';
import type { OrderContext } from './order-context.js';

export type AckMode = 'single' | 'bulk';

export async function acknowledge(ctx: OrderContext, options: { mode: AckMode; results: AckResult[] }): Promise<void> {
  const s = ctx.state;
  const { graphWrite } = ctx.activities;
  const { oms } = ctx;
  if (!s.merchantOrderReference) {
    const { merchantOrderReference } = await ctx.withAttention('create the pending OMS order', () =>
      graphWrite.createPendingOmsOrder({ orderId: s.orderId, channel: s.channel ?? 'facebook' }),
    );
    s.merchantOrderReference = merchantOrderReference;
    ctx.publish();
  }
  const reference = s.merchantOrderReference;
  // An order already IN_PROGRESS was acknowledged before (a lost response, or another tool): no call.
  if (s.metaState === 'CREATED') {
    await ctx.exclusive(async () => {
      const viaBatch = options.mode === 'bulk' && (await acknowledgeInBatch(ctx, reference, options.results));
      if (!viaBatch) {
        await ctx.withAttention('acknowledge', () => graphWrite.acknowledgeOrder({ orderId: s.orderId, merchantOrderReference: reference }));
      }
      s.metaState = 'IN_PROGRESS';
    });
  }
  s.acknowledgedAt = ctx.now();
  s.reservation = { ...s.reservation, status: s.reservation.status === 'reserved' ? 'consumed' : s.reservation.status };
  await oms.markProcessing(s.orderId);
  ctx.setPhase('IN_PROGRESS');
}

/** Hands the acknowledgement to the ack batcher and waits for its answer; false means "do it alone". */
async function acknowledgeInBatch(ctx: OrderContext, merchantOrderReference: string, results: AckResult[]): Promise<boolean> {
  const s = ctx.state;
  try {
    await getExternalWorkflowHandle(ackBatcherWorkflowId(s.cmsId)).signal(ackRequestSignal, { orderId: s.orderId, merchantOrderReference });
  } catch {
    return false; // no batcher running for this account: acknowledge alone
  }
  const answered = await condition(() => results.some((r) => r.orderId === s.orderId), ctx.policy.ackBatchTimeoutMs);
  const result = answered ? results.find((r) => r.orderId === s.orderId) : undefined;
  return result?.acknowledged === true;
}
