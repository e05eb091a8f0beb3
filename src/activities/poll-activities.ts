/**
 * pollOrders: pages through commerce_orders updated since a mark and signal-with-starts each
 * order's workflow. Heartbeats carry the page cursor, so a retried attempt (worker crash, timeout)
 * resumes at the page where the last one stopped instead of starting over.
 *
 * Each poll re-reads from the mark minus an overlap (Meta's `updated_after` has whole-second
 * granularity, and an update can race a poll), so it sees orders it has already delivered. Those
 * whose `last_updated` has not moved are not signalled again: a burst of orders in the mark's
 * second would otherwise wake every one of their workflows on every round. The memory is this
 * worker's own and bounded; when it is lost (restart, another worker) an order is signalled once
 * more, which its workflow ignores.
 */
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { GraphClient } from '../graph/client.js';
import type { GraphOrderWith } from '../graph/schemas.js';
import { orderUpdatedSignal, orderWorkflowId, type OrderUpdatedNotice } from '../workflows/messages.js';
import type { OrderWorkflowInput } from '../workflows/order.js';
import type { PollActivities, PollOrdersResult } from './contracts.js';
import { callGraph } from './failures.js';
import { SNAPSHOT_FIELDS } from './graph-activities.js';
import { toOrderSnapshot } from './order-mapping.js';

/** The states an integration must watch (Meta's default listing is CREATED only). */
const WATCHED_STATES = ['FB_PROCESSING', 'CREATED', 'IN_PROGRESS', 'COMPLETED'] as const;

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

interface PollProgress {
  after?: string | undefined;
  result: PollOrdersResult;
}

/** Orders remembered per worker: about 100 bytes each, so 50,000 stay under 5 MB. */
const SIGNALLED_MEMORY = 50_000;

/** orderId -> the `last_updated` last signalled to its workflow, oldest first. */
export class SignalledOrders {
  private readonly lastUpdatedByOrder = new Map<string, string>();
  constructor(private readonly capacity: number) {}

  alreadySignalled(orderId: string, lastUpdated: string): boolean {
    return this.lastUpdatedByOrder.get(orderId) === lastUpdated;
  }

  remember(orderId: string, lastUpdated: string): void {
    this.lastUpdatedByOrder.delete(orderId); // re-inserted as the newest
    this.lastUpdatedByOrder.set(orderId, lastUpdated);
    if (this.lastUpdatedByOrder.size > this.capacity) {
      this.lastUpdatedByOrder.delete(this.lastUpdatedByOrder.keys().next().value!);
    }
  }
}

export function createPollActivities(deps: { graph: GraphClient; pageSize?: number; signalledMemory?: number }): PollActivities {
  const signalled = new SignalledOrders(deps.signalledMemory ?? SIGNALLED_MEMORY);
  return {
    async pollOrders(input): Promise<PollOrdersResult> {
      const ctx = Context.current();
      const resumed = ctx.info.heartbeatDetails as PollProgress | undefined;
      const result: PollOrdersResult = { maxLastUpdated: input.updatedAfter, ordersSeen: 0, workflowsSignalled: 0, unchangedSkipped: 0, pages: 0, ...resumed?.result };
      const pages = deps.graph.listOrders(input.cmsId, {
        states: WATCHED_STATES,
        updatedAfter: new Date(input.updatedAfter * 1000),
        // Everything the workflow keeps (never buyer fields): the signal carries it, saving a read per order.
        fields: SNAPSHOT_FIELDS,
        itemFields: ['status', 'productName'],
        limit: deps.pageSize ?? 100,
        after: resumed?.after,
      });
      /** What became of one listed order. */
      async function deliver(order: GraphOrderWith<(typeof SNAPSHOT_FIELDS)[number]>): Promise<'signalled' | 'unchanged' | 'ended'> {
        const lastUpdated = toDate(order.lastUpdated).toISOString();
        const key = `${input.cmsId}:${order.id}`;
        if (signalled.alreadySignalled(key, lastUpdated)) return 'unchanged';
        const delivered = await signalOrder(order, lastUpdated);
        if (delivered) signalled.remember(key, lastUpdated);
        return delivered ? 'signalled' : 'ended';
      }

      /** True when the order's workflow was started or signalled; false when it already ended. */
      async function signalOrder(order: GraphOrderWith<(typeof SNAPSHOT_FIELDS)[number]>, lastUpdated: string): Promise<boolean> {
        // A nested item list with more pages is incomplete: then the workflow reads the order itself.
        const snapshot = order.items && !order.items.paging?.next ? toOrderSnapshot(order, order.items.data) : undefined;
        const workflowInput: OrderWorkflowInput = {
          orderId: order.id,
          cmsId: input.cmsId,
          graphTaskQueue: input.graphTaskQueue,
          ackMode: input.ackMode,
          ...(input.orderPolicy ? { policy: input.orderPolicy } : {}),
        };
        try {
          await ctx.client.workflow.signalWithStart('orderWorkflow', {
            workflowId: orderWorkflowId(order.id),
            taskQueue: input.orderTaskQueue,
            args: [workflowInput],
            signal: orderUpdatedSignal,
            signalArgs: [{ state: order.orderStatus.state as OrderUpdatedNotice['state'], lastUpdated, snapshot }],
            // An order whose workflow already ended (return window over) is not started again.
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            staticSummary: `Meta order ${order.id}`,
          });
          return true;
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
          throw err;
        }
      }

      for (;;) {
        const next = await callGraph(() => pages.next());
        if (next.done) break;
        const page = next.value;
        // One page at a time, its orders in parallel: signal-with-start is a round trip each.
        const outcomes = await Promise.all(page.orders.map((order) => deliver(order)));
        for (const [index, order] of page.orders.entries()) {
          if (outcomes[index] === 'signalled') result.workflowsSignalled += 1;
          if (outcomes[index] === 'unchanged') result.unchangedSkipped += 1;
          result.ordersSeen += 1;
          result.maxLastUpdated = Math.max(result.maxLastUpdated, Math.floor(toDate(order.lastUpdated).getTime() / 1000));
        }
        result.pages += 1;
        ctx.heartbeat({ after: page.after, result } satisfies PollProgress);
      }
      return result;
    },
  };
}
