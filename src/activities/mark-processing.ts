/**
 * Marks the OMS order processing once Meta has confirmed the acknowledgement, best effort: where
 * an acknowledgement is made (the batch, or a single order's acknowledge activity) this saves the
 * order workflow an activity. If the OMS refuses now, the order workflow marks it itself, with its
 * retries and NEEDS_ATTENTION, and the acknowledgement's answer stands. Activity code.
 */
import { Context } from '@temporalio/activity';
import type { OmsPort } from '../api/oms-port.js';

/** Whether the OMS order is now processing; `who` names the caller in the log line when it is not. */
export async function markProcessingBestEffort(
  oms: Pick<OmsPort, 'markProcessing'>,
  orderId: string,
  who: string,
): Promise<boolean> {
  try {
    await oms.markProcessing(orderId);
    return true;
  } catch (err) {
    Context.current().log.warn(`${who} could not mark the OMS order processing; the order workflow will`, {
      orderId,
      error: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}
