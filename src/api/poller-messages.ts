import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Poll at once instead of waiting for the next interval. */
export const pollNowSignal = defineSignal('pollNow');

export interface PollerStatus {
  cmsId: string;
  highWaterMark: number;
  rounds: number;
  lastRound?:
    | {
        at: string;
        ordersSeen: number;
        workflowsSignalled: number;
        handedToAckBatcher: number;
        unchangedSkipped: number;
        ownAcknowledgementsSkipped: number;
        pages: number;
      }
    | undefined;
  /** Since the poller began (carried over continue-as-new). */
  totals?: { workflowsSignalled: number; handedToAckBatcher: number; ownAcknowledgementsSkipped: number } | undefined;
}

export const pollerStatusQuery = defineQuery<PollerStatus>('pollerStatus');
