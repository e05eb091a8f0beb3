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
 *
 * The same memory saves work in bulk mode: released orders go to the ack batcher in one signal per
 * page (the batch's answer tells each workflow; an order it had not seen before is started with a
 * signal that says so), and an order whose only change is its own acknowledgement is not signalled.
 */
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/common';
import type { GraphClient } from '../graph/client.js';
import type { GraphOrderWith } from '../graph/schemas.js';
import { ackRequestsSignal, type AckRequest } from '../api/ack-batcher-messages.js';
import { orderUpdatedSignal, type OrderUpdatedNotice } from '../api/order-messages.js';
import type { orderWorkflow, OrderWorkflowInput, ReopenedFrom } from '../order/workflow.js';
import { METRIC } from '../observability/metric-names.js';
import type { IntakeActivities, PollOrdersResult } from '../api/activities.js';
import { callGraph } from '../activities/failures.js';
import { channelOf, SNAPSHOT_FIELDS, toOrderSnapshot } from '../activities/order-mapping.js';
import { ackBatcherWorkflowId, orderWorkflowId } from '../api/ids.js';
import { ORDER_STATES } from '../domain/order-states.js';

/** An integration must watch every state: Meta's default listing is CREATED only. */
const WATCHED_STATES = ORDER_STATES;

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

interface PollProgress {
  after?: string | undefined;
  result: PollOrdersResult;
}

/** Orders remembered per worker: about 100 bytes each, so 50,000 stay under 5 MB. */
const SIGNALLED_MEMORY = 50_000;

/** What the poller last told an order's workflow. */
export interface LastDelivery {
  lastUpdated: string;
  state: string;
}

/** orderId -> the `last_updated` and state last delivered to its workflow, oldest first. */
export class SignalledOrders {
  private readonly byOrder = new Map<string, LastDelivery>();
  constructor(private readonly capacity: number) {}

  alreadySignalled(orderId: string, lastUpdated: string): boolean {
    return this.byOrder.get(orderId)?.lastUpdated === lastUpdated;
  }

  lastDelivery(orderId: string): LastDelivery | undefined {
    return this.byOrder.get(orderId);
  }

  remember(orderId: string, lastUpdated: string, state: string): void {
    this.byOrder.delete(orderId); // re-inserted as the newest
    this.byOrder.set(orderId, { lastUpdated, state });
    if (this.byOrder.size > this.capacity) {
      this.byOrder.delete(this.byOrder.keys().next().value!);
    }
  }
}

export function createPollActivities(deps: {
  graph: GraphClient;
  pageSize?: number;
  signalledMemory?: number;
}): Pick<IntakeActivities, 'pollOrders'> {
  const signalled = new SignalledOrders(deps.signalledMemory ?? SIGNALLED_MEMORY);
  let reopenedCounter: { add(value: number): void } = { add: () => undefined };
  return {
    async pollOrders(input): Promise<PollOrdersResult> {
      const ctx = Context.current();
      reopenedCounter = ctx.metricMeter.createCounter(
        METRIC.ordersReopened,
        undefined,
        'closed order workflows reopened',
      );
      const resumed = ctx.info.heartbeatDetails as PollProgress | undefined;
      const result: PollOrdersResult = {
        maxLastUpdated: input.updatedAfter,
        ordersSeen: 0,
        workflowsSignalled: 0,
        handedToAckBatcher: 0,
        unchangedSkipped: 0,
        ownAcknowledgementsSkipped: 0,
        pages: 0,
        ...resumed?.result,
      };
      const pages = deps.graph.listOrders(input.cmsId, {
        states: WATCHED_STATES,
        updatedAfter: new Date(input.updatedAfter * 1000),
        // Everything the workflow keeps (never buyer fields): the signal carries it, saving a read per order.
        fields: SNAPSHOT_FIELDS,
        itemFields: ['status', 'productName'],
        limit: deps.pageSize ?? 100,
        after: resumed?.after,
      });
      type ListedOrder = GraphOrderWith<(typeof SNAPSHOT_FIELDS)[number]>;
      type Delivery = 'signalled' | 'handed' | 'unchanged' | 'acknowledged' | 'reopened' | 'ended';
      const keyOf = (order: ListedOrder) => `${input.cmsId}:${order.id}`;
      const lastUpdatedOf = (order: ListedOrder) => toDate(order.lastUpdated).toISOString();

      /**
       * CREATED (as last delivered) to IN_PROGRESS with nothing shipped or cancelled: the change is the
       * acknowledgement that the order's workflow made itself (through the batcher or alone), which it
       * already knows. Signalling it would cost the workflow a task to learn nothing.
       */
      function isOwnAcknowledgement(order: ListedOrder): boolean {
        const items = order.items;
        return (
          order.orderStatus.state === 'IN_PROGRESS' &&
          signalled.lastDelivery(keyOf(order))?.state === 'CREATED' &&
          items !== undefined &&
          !items.paging?.next &&
          items.data.every(
            (item) => item.status !== undefined && item.status.fulfilled === 0 && item.status.cancelled === 0,
          )
        );
      }

      /** What became of each order of one page. */
      async function deliverPage(orders: ListedOrder[]): Promise<Delivery[]> {
        const outcomes = new Map<ListedOrder, Delivery>();
        const changed = orders.filter((order) => {
          if (signalled.alreadySignalled(keyOf(order), lastUpdatedOf(order))) return false;
          if (!isOwnAcknowledgement(order)) return true;
          signalled.remember(keyOf(order), lastUpdatedOf(order), order.orderStatus.state);
          outcomes.set(order, 'acknowledged');
          return false;
        });
        const bulk = input.ackMode === 'bulk';
        const created = (order: ListedOrder) => order.orderStatus.state === 'CREATED';
        // Bulk mode: an order that this worker last delivered in FB_PROCESSING and that is now CREATED
        // has a workflow waiting for its release. The ack batcher takes the page's such orders in one
        // signal and its answer tells each workflow, sparing every order a signal of its own.
        const released = bulk
          ? changed.filter((order) => created(order) && signalled.lastDelivery(keyOf(order))?.state === 'FB_PROCESSING')
          : [];
        // One first seen as CREATED gets the signal that starts its workflow, saying it is handed over
        // too; it goes to the batcher after that signal, so the answer cannot arrive before the workflow.
        const fresh = bulk
          ? changed.filter((order) => created(order) && signalled.lastDelivery(keyOf(order)) === undefined)
          : [];
        const handedOnStart = new Set(fresh);
        const releasedSet = new Set(released);
        const started = new Set<ListedOrder>();
        const signalEach = (toSignal: ListedOrder[]) =>
          Promise.all(
            toSignal.map(async (order) => {
              const delivery = await signalOrder(order, lastUpdatedOf(order), handedOnStart.has(order));
              if (delivery === 'delivered') started.add(order);
              outcomes.set(order, delivery === 'delivered' ? 'signalled' : delivery);
            }),
          );
        await signalEach(changed.filter((order) => !releasedSet.has(order)));
        const toBatcher = [...released, ...fresh.filter((order) => started.has(order))];
        if (toBatcher.length && (await handToAckBatcher(toBatcher, handedOnStart))) {
          for (const order of toBatcher) outcomes.set(order, 'handed');
        } else {
          // No batcher: released orders get their own signal. Fresh ones were told they were handed
          // over; after a grace period they ask the batcher themselves, find none, and go alone.
          await signalEach(released);
        }
        // An ended order is remembered too: its run is not looked up again until Meta changes it again.
        const delivered: ReadonlySet<Delivery | undefined> = new Set(['handed', 'reopened', 'ended']);
        for (const order of changed)
          if (started.has(order) || delivered.has(outcomes.get(order)))
            signalled.remember(keyOf(order), lastUpdatedOf(order), order.orderStatus.state);
        return orders.map((order) => outcomes.get(order) ?? 'unchanged');
      }

      /** False when there is no ack batcher for this account (its orders then get their own signal). */
      async function handToAckBatcher(
        orders: ListedOrder[],
        firstSeenCreated: ReadonlySet<ListedOrder>,
      ): Promise<boolean> {
        const requests: AckRequest[] = orders.map((order) => ({
          orderId: order.id,
          channel: channelOf(order.channel) ?? 'facebook',
          // First seen already CREATED: its workflow never reserved it, the batch's OMS order does.
          ...(firstSeenCreated.has(order) ? { reserveStock: true } : {}),
        }));
        try {
          await ctx.client.workflow.getHandle(ackBatcherWorkflowId(input.cmsId)).signal(ackRequestsSignal, requests);
          return true;
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return false;
          throw err;
        }
      }

      /**
       * `delivered` when the order's workflow was started or signalled; `reopened` when it had ended
       * and Meta shows a change it never saw, so a new run of it started; `ended` otherwise.
       */
      async function signalOrder(
        order: ListedOrder,
        lastUpdated: string,
        handedToAckBatcher: boolean,
      ): Promise<'delivered' | 'reopened' | 'ended'> {
        // A nested item list with more pages is incomplete: then the workflow reads the order itself.
        const snapshot =
          order.items && !order.items.paging?.next ? toOrderSnapshot(order, order.items.data) : undefined;
        const workflowInput: OrderWorkflowInput = {
          orderId: order.id,
          cmsId: input.cmsId,
          graphTaskQueue: input.graphTaskQueue,
          ackMode: input.ackMode,
          ...(input.orderPolicy ? { policy: input.orderPolicy } : {}),
        };
        const notice: OrderUpdatedNotice = {
          state: order.orderStatus.state as OrderUpdatedNotice['state'],
          lastUpdated,
          snapshot,
          ...(handedToAckBatcher ? { handedToAckBatcher } : {}),
        };
        const start = {
          workflowId: orderWorkflowId(order.id),
          taskQueue: input.orderTaskQueue,
          signal: orderUpdatedSignal,
          signalArgs: [notice] as [OrderUpdatedNotice],
          staticSummary: `Meta order ${order.id}`,
        };
        try {
          await ctx.client.workflow.signalWithStart('orderWorkflow', {
            ...start,
            args: [workflowInput],
            // An order whose workflow already ended is started again only by reopenIfChanged.
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          });
          return 'delivered';
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
        return reopenIfChanged(order.id, lastUpdated, (previous) =>
          ctx.client.workflow.signalWithStart('orderWorkflow', {
            ...start,
            args: [{ ...workflowInput, reopened: previous }],
            workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
          }),
        );
      }

      /**
       * The order's workflow has ended (its return window closed, or every unit was cancelled), yet
       * Meta lists the order again. When Meta's `last_updated` is later than anything the ended run
       * saw (a refund by support, a late return), a new run of the same workflow id starts from the
       * ended run's books and records the change through the ledger and the OMS, then closes again.
       * Nothing Meta reports is dropped.
       */
      async function reopenIfChanged(
        orderId: string,
        lastUpdated: string,
        startAgain: (previous: ReopenedFrom) => Promise<unknown>,
      ): Promise<'reopened' | 'ended'> {
        const handle = ctx.client.workflow.getHandle<typeof orderWorkflow>(orderWorkflowId(orderId));
        const description = await handle.describe();
        if (description.status.name !== 'COMPLETED') {
          // Terminated or failed by hand: an operator's decision, not ours to undo.
          ctx.log.warn('order changed on Meta after its workflow ended without completing; not reopened', {
            orderId,
            status: description.status.name,
          });
          return 'ended';
        }
        const ended = await handle.result();
        // As instants: a run that ended before this mapping wrote Meta's own form (`+00:00`).
        if (ended.metaLastUpdated !== undefined && Date.parse(lastUpdated) <= Date.parse(ended.metaLastUpdated))
          return 'ended';
        await startAgain({ runId: description.runId, state: ended });
        reopenedCounter.add(1);
        ctx.log.info('order changed on Meta after its workflow ended: reopened', {
          orderId,
          endedAs: ended.phase,
          lastSeen: ended.metaLastUpdated,
          lastUpdated,
        });
        return 'reopened';
      }

      for (;;) {
        const next = await callGraph(() => pages.next());
        if (next.done) break;
        const page = next.value;
        // One page at a time, its orders in parallel: signal-with-start is a round trip each.
        const outcomes = await deliverPage(page.orders);
        for (const [index, order] of page.orders.entries()) {
          if (outcomes[index] === 'signalled') result.workflowsSignalled += 1;
          if (outcomes[index] === 'handed') result.handedToAckBatcher += 1;
          if (outcomes[index] === 'unchanged') result.unchangedSkipped += 1;
          if (outcomes[index] === 'acknowledged') result.ownAcknowledgementsSkipped += 1;
          if (outcomes[index] === 'reopened') result.reopened = (result.reopened ?? 0) + 1;
          result.ordersSeen += 1;
          result.maxLastUpdated = Math.max(
            result.maxLastUpdated,
            Math.floor(toDate(order.lastUpdated).getTime() / 1000),
          );
        }
        result.pages += 1;
        ctx.heartbeat({ after: page.after, result } satisfies PollProgress);
      }
      return result;
    },
  };
}
