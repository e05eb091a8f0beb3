/**
 * pollOrders: pages through commerce_orders updated since a mark and signal-with-starts each
 * order's workflow. Heartbeats carry the page cursor, so a retried attempt (worker crash, timeout)
 * resumes at the page where the last one stopped instead of starting over.
 *
 * Each poll re-reads from the mark minus an overlap (Meta's `updated_after` has whole-second
 * granularity, and an update can race a poll), so it sees orders it has already delivered. Those
 * whose `last_updated` has not moved are not signalled again: a burst of orders in the mark's
 * second would otherwise wake every one of their workflows on every round. The memory of what was
 * delivered comes from the poller workflow (input `signalled`) and what this poll delivered goes
 * back to it (`remembered`, also in each heartbeat for a retried attempt): see signalled-memory.ts.
 * So a worker restart forgets nothing; a poll scheduled before the poller kept a memory starts from
 * none and signals its window once more, which the workflows ignore.
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
import { startingOrderSearchAttributes } from '../api/search-attributes.js';
import { ORDER_STATES } from '../domain/order-states.js';
import { SignalledOrders } from './signalled-memory.js';

/** An integration must watch every state: Meta's default listing is CREATED only. */
const WATCHED_STATES = ORDER_STATES;

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

interface PollProgress {
  after?: string | undefined;
  /** Carries `remembered`: what the attempt delivered so far. */
  result: PollOrdersResult;
}

export function createPollActivities(deps: {
  graph: GraphClient;
  pageSize?: number;
}): Pick<IntakeActivities, 'pollOrders'> {
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
      const signalled = new SignalledOrders(input.signalled ?? {}, resumed?.result.remembered);
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
      const lastUpdatedOf = (order: ListedOrder) => toDate(order.lastUpdated).toISOString();
      const secondsOf = (order: ListedOrder) => Math.floor(toDate(order.lastUpdated).getTime() / 1000);
      const remember = (order: ListedOrder) => signalled.remember(order.id, secondsOf(order), order.orderStatus.state);

      /**
       * CREATED (as last delivered) to IN_PROGRESS with nothing shipped or cancelled: the change is the
       * acknowledgement that the order's workflow made itself (through the batcher or alone), which it
       * already knows. Signalling it would cost the workflow a task to learn nothing.
       */
      function isOwnAcknowledgement(order: ListedOrder): boolean {
        const items = order.items;
        return (
          order.orderStatus.state === 'IN_PROGRESS' &&
          signalled.lastStage(order.id) === 'C' &&
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
          if (signalled.alreadySignalled(order.id, secondsOf(order))) return false;
          if (!isOwnAcknowledgement(order)) return true;
          remember(order);
          outcomes.set(order, 'acknowledged');
          return false;
        });
        const bulk = input.ackMode === 'bulk';
        const created = (order: ListedOrder) => order.orderStatus.state === 'CREATED';
        // Bulk mode: an order last delivered in FB_PROCESSING and now CREATED
        // has a workflow waiting for its release. The ack batcher takes the page's such orders in one
        // signal and its answer tells each workflow, sparing every order a signal of its own.
        const released = bulk ? changed.filter((order) => created(order) && signalled.lastStage(order.id) === 'P') : [];
        // One first seen as CREATED gets the signal that starts its workflow, saying it is handed over
        // too; it goes to the batcher after that signal, so the answer cannot arrive before the workflow.
        const fresh = bulk
          ? changed.filter((order) => created(order) && signalled.lastStage(order.id) === undefined)
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
        for (const order of changed) if (started.has(order) || delivered.has(outcomes.get(order))) remember(order);
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
            // Shown from the start (no upsert, no billed action): the order's first task finds them set.
            typedSearchAttributes: startingOrderSearchAttributes({
              cmsId: input.cmsId,
              state: order.orderStatus.state,
              channel: channelOf(order.channel),
            }),
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
        result.remembered = signalled.changes();
        ctx.heartbeat({ after: page.after, result } satisfies PollProgress);
      }
      result.remembered = signalled.changes();
      return result;
    },
  };
}
