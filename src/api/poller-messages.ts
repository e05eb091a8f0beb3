import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { IntakeAttention } from './intake-attention.js';

/** Poll at once instead of waiting for the next interval (or, while paused, instead of waiting out the backoff). */
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
  /** When a poll last succeeded. */
  lastSucceededAt?: string | undefined;
  /** Set while polls fail for a reason retrying soon cannot fix (an expired token): the poller backs off and retries by itself. */
  attention?: IntakeAttention | undefined;
  /** Since the poller began (carried over continue-as-new). */
  totals?: { workflowsSignalled: number; handedToAckBatcher: number; ownAcknowledgementsSkipped: number } | undefined;
}

export const pollerStatusQuery = defineQuery<PollerStatus>('pollerStatus');
