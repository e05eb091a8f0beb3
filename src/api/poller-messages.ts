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
  /** Orders in the poller's memory of what it already delivered (absent until it keeps one). */
  rememberedOrders?: number | undefined;
  /** Since the poller began (carried over continue-as-new). */
  totals?: { workflowsSignalled: number; handedToAckBatcher: number; ownAcknowledgementsSkipped: number } | undefined;
}

/**
 * What the next delivery of an order decides on: delivered in FB_PROCESSING (`P`: its release goes
 * to the ack batcher), in CREATED (`C`: turning IN_PROGRESS is its own acknowledgement), or later (`L`).
 */
export type DeliveredStage = 'P' | 'C' | 'L';

/** Meta's `last_updated` as delivered (unix seconds, Meta's granularity) and the stage. */
export type DeliveredMark = [lastUpdatedSeconds: number, stage: DeliveredStage];

/**
 * What the poller already told each order's workflow, by Meta order id (a poller serves one
 * commerce account): kept in the poller's state, given to each poll (src/intake/signalled-memory.ts).
 */
export type SignalledMemory = Record<string, DeliveredMark>;

export const pollerStatusQuery = defineQuery<PollerStatus>('pollerStatus');
