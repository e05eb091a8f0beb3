/**
 * What the Temporal histories of a chaos run say: the signals each order workflow received, the
 * schedule-to-start timeouts (a workflow task that waited on a worker's sticky queue and was handed
 * to another worker) with the worker whose queue it was, and workflow task failures.
 */
import type { Client } from '@temporalio/client';
// A CommonJS module: under plain Node ESM only its default export is there.
import proto from '@temporalio/proto';
import { ackResultSignal, orderUpdatedSignal } from '../../src/api/order-messages.js';
import { mapConcurrently } from '../../src/util/concurrency.js';

const { EventType, TimeoutType, TaskQueueKind } = proto.temporal.api.enums.v1;
type Timestamp = proto.temporal.api.history.v1.IHistoryEvent['eventTime'];

export interface ScheduleToStartTimeout {
  workflowId: string;
  kind: 'workflow task' | 'activity task';
  sticky: boolean;
  scheduledAt: number;
  timedOutAt: number;
  /** The worker that completed the workflow's previous task: whose sticky queue the task waited on. */
  lastWorkerIdentity: string | undefined;
}

export interface SignalCounts {
  /** The poller's signals (signal-with-start included). */
  orderUpdated: number;
  /** The ack batcher's answers. */
  ackResult: number;
  other: number;
}

export interface HistoryScan {
  executions: number;
  events: number;
  /** Per order workflow id: signals received before `signalsUntil`. */
  orderSignals: Map<string, SignalCounts>;
  scheduleToStartTimeouts: ScheduleToStartTimeout[];
  workflowTaskFailures: { workflowId: string; cause: string }[];
}

function millis(ts: Timestamp): number {
  if (!ts) return NaN;
  return Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

export async function scanHistories(
  client: Client,
  options: { query: string; signalsUntil: number; concurrency?: number },
): Promise<HistoryScan> {
  const executions: { workflowId: string; runId: string; type: string }[] = [];
  for await (const wf of client.workflow.list(options.query ? { query: options.query } : {}))
    executions.push({ workflowId: wf.workflowId, runId: wf.runId, type: wf.type });
  const scan: HistoryScan = {
    executions: executions.length,
    events: 0,
    orderSignals: new Map(),
    scheduleToStartTimeouts: [],
    workflowTaskFailures: [],
  };
  await mapConcurrently(executions, options.concurrency ?? 8, async ({ workflowId, runId, type }) => {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    scan.events += events.length;
    const scheduled = new Map<number, { at: number; sticky: boolean; lastIdentity: string | undefined }>();
    let lastIdentity: string | undefined;
    const signals = scan.orderSignals.get(workflowId) ?? { orderUpdated: 0, ackResult: 0, other: 0 };
    for (const event of events) {
      const id = Number(event.eventId);
      const at = millis(event.eventTime);
      switch (event.eventType) {
        case EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
          scheduled.set(id, {
            at,
            sticky:
              event.workflowTaskScheduledEventAttributes?.taskQueue?.kind === TaskQueueKind.TASK_QUEUE_KIND_STICKY,
            lastIdentity,
          });
          break;
        case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
          scheduled.set(id, { at, sticky: false, lastIdentity: undefined });
          break;
        case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
          lastIdentity = event.workflowTaskCompletedEventAttributes?.identity ?? lastIdentity;
          break;
        case EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT: {
          const attrs = event.workflowTaskTimedOutEventAttributes;
          if (attrs?.timeoutType !== TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) break;
          const task = scheduled.get(Number(attrs.scheduledEventId));
          scan.scheduleToStartTimeouts.push({
            workflowId,
            kind: 'workflow task',
            sticky: task?.sticky ?? false,
            scheduledAt: task?.at ?? at,
            timedOutAt: at,
            lastWorkerIdentity: task?.lastIdentity,
          });
          break;
        }
        case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
          const attrs = event.activityTaskTimedOutEventAttributes;
          if (attrs?.failure?.timeoutFailureInfo?.timeoutType !== TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) break;
          scan.scheduleToStartTimeouts.push({
            workflowId,
            kind: 'activity task',
            sticky: false,
            scheduledAt: scheduled.get(Number(attrs.scheduledEventId))?.at ?? at,
            timedOutAt: at,
            lastWorkerIdentity: undefined,
          });
          break;
        }
        case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
          scan.workflowTaskFailures.push({
            workflowId,
            cause: String(event.workflowTaskFailedEventAttributes?.cause ?? 'unknown'),
          });
          break;
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
          if (type !== 'orderWorkflow' || at > options.signalsUntil) break;
          const name = event.workflowExecutionSignaledEventAttributes?.signalName;
          if (name === orderUpdatedSignal.name) signals.orderUpdated += 1;
          else if (name === ackResultSignal.name) signals.ackResult += 1;
          else signals.other += 1;
          break;
        }
      }
    }
    if (type === 'orderWorkflow') scan.orderSignals.set(workflowId, signals);
  });
  return scan;
}
