/**
 * How every Graph activity calls Meta: paced by the usage Meta reports, with the client's errors
 * turned into Temporal failures (failures.ts). Shared by the order's and the intake's activities.
 */
import { Context } from '@temporalio/activity';
import type { GraphClient } from '../graph/client.js';
import type { GraphOrderItem, ItemExtraField } from '../graph/schemas.js';
import { callGraph } from './failures.js';

export interface GraphCallOptions {
  /** Minimum wait after a throttle that came without a regain time. */
  throttleFloorMs?: number | undefined;
  /** Above this usage percentage, calls slow down before Meta throttles them. */
  slowDownAbovePercent?: number | undefined;
  /** The longest pause before one call, reached at 100 % usage (throttling itself waits via the retry policy). */
  maxPaceMs?: number | undefined;
}

export interface GraphCalls {
  /** Runs one Graph call, first pausing as usage nears Meta's limit. */
  paced<T>(call: () => Promise<T>): Promise<T>;
  /**
   * An order's items: the embedded list when it is complete, else read from the items edge with their
   * status and `extraFields` (by default the product name): pass the item fields the embedded list asked for.
   */
  allItems(
    orderId: string,
    embedded: { data: GraphOrderItem[]; paging?: { next?: string | undefined } | undefined } | undefined,
    extraFields?: readonly ItemExtraField[],
  ): Promise<GraphOrderItem[]>;
}

export function createGraphCalls(graph: GraphClient, options: GraphCallOptions = {}): GraphCalls {
  const floor = options.throttleFloorMs;
  const slowDownAbove = options.slowDownAbovePercent ?? 80;
  const maxPaceMs = options.maxPaceMs ?? 2_000;

  /**
   * Adaptive pacing: the closer Meta's reported usage gets to 100 %, the longer each call pauses
   * first (linear from 0 at `slowDownAbove` to `maxPaceMs`), so many workers ease off together
   * before Meta throttles them. Kept short: a throttled call waits through `nextRetryDelay` instead.
   */
  async function paced<T>(call: () => Promise<T>): Promise<T> {
    const usage = Math.min(100, graph.maxUsagePercent());
    if (usage > slowDownAbove) {
      await Context.current().sleep(Math.round(((usage - slowDownAbove) / (100 - slowDownAbove)) * maxPaceMs));
    }
    return callGraph(call, floor);
  }

  async function allItems(
    orderId: string,
    embedded: Parameters<GraphCalls['allItems']>[1],
    extraFields: readonly ItemExtraField[] = ['productName'],
  ): Promise<GraphOrderItem[]> {
    if (embedded && !embedded.paging?.next) return embedded.data;
    return paced(() => graph.listItems(orderId, { includeStatus: true, extraFields }));
  }

  return { paced, allItems };
}
