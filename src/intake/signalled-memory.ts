/**
 * The poller's memory of what it has already told each order's workflow, so that a poll re-reading
 * its overlap signals only orders that changed. It lives in the poller workflow's state (carried
 * over continue-as-new) and goes to each poll activity as input, which returns what it delivered:
 * a worker restart forgets nothing. Compact (an order id and two small values) and bounded: an
 * order leaves it once the poll window has moved past its `last_updated`, since a later poll lists
 * it only when it changed, except an order still waiting for its release or its acknowledgement,
 * whose stage decides how its next change is delivered. Pure: imported by workflow code.
 */
import type { DeliveredMark, DeliveredStage, SignalledMemory } from '../api/poller-messages.js';

export const SIGNALLED_MEMORY_LIMITS = {
  /** About 30 bytes each in JSON: 10,000 stay near 300 KB, under Temporal's payload warning (512 KB). */
  maxOrders: 10_000,
  /** An order waiting for its release or acknowledgement is remembered this long (Meta flags FB_PROCESSING past 24 h). */
  waitingKeptSeconds: 7 * 24 * 3_600,
};

export function stageOf(state: string): DeliveredStage {
  return state === 'FB_PROCESSING' ? 'P' : state === 'CREATED' ? 'C' : 'L';
}

/** One poll's view: the memory it was given, and what it delivered since (returned as `remembered`). */
export class SignalledOrders {
  private readonly changed: SignalledMemory;

  constructor(
    private readonly given: Readonly<SignalledMemory>,
    /** Deliveries of an earlier attempt of the same poll (from its heartbeat). */
    earlier: Readonly<SignalledMemory> = {},
  ) {
    this.changed = { ...earlier };
  }

  private mark(orderId: string): DeliveredMark | undefined {
    return this.changed[orderId] ?? this.given[orderId];
  }

  alreadySignalled(orderId: string, lastUpdatedSeconds: number): boolean {
    return this.mark(orderId)?.[0] === lastUpdatedSeconds;
  }

  /** The stage last delivered; undefined when the order was never delivered (or forgotten). */
  lastStage(orderId: string): DeliveredStage | undefined {
    return this.mark(orderId)?.[1];
  }

  remember(orderId: string, lastUpdatedSeconds: number, state: string): void {
    this.changed[orderId] = [lastUpdatedSeconds, stageOf(state)];
  }

  /** What this poll delivered. */
  changes(): SignalledMemory {
    return { ...this.changed };
  }
}

/**
 * The memory after a poll: its deliveries merged in, then pruned. `windowStart` is the poll's
 * `updated_after` (every later poll starts at or after it), `now` unix seconds (workflow time).
 */
export function mergeSignalled(
  memory: Readonly<SignalledMemory>,
  delivered: Readonly<SignalledMemory>,
  at: { windowStart: number; now: number },
  limits = SIGNALLED_MEMORY_LIMITS,
): SignalledMemory {
  const waitingSince = at.now - limits.waitingKeptSeconds;
  const kept = Object.entries({ ...memory, ...delivered }).filter(
    ([, [lastUpdated, stage]]) => lastUpdated >= at.windowStart || (stage !== 'L' && lastUpdated >= waitingSince),
  );
  if (kept.length > limits.maxOrders) {
    // Newest first; ties by id, so the cut is the same on every replay.
    kept.sort(([idA, [a]], [idB, [b]]) => b - a || (idA < idB ? -1 : idA > idB ? 1 : 0));
    kept.length = limits.maxOrders;
  }
  return Object.fromEntries(kept);
}
