/**
 * Starts the long-running intake workflows for one commerce account, idempotently: a poller and
 * (in bulk mode) an ack batcher. Starting twice finds them running and changes nothing.
 * They run on the intake task queue; the order worker registers them too, so runs started on the
 * order queue by an earlier version carry on.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { AckMode } from '../api/ack-modes.js';
import type { IntakeBackoff } from '../api/intake-attention.js';
import type { AppConfig } from '../config.js';
import type { AckBatcherInput } from './ack-batcher-workflow.js';
import type { OrderPollerInput } from './poller-workflow.js';
import { intakeTaskQueue } from '../wiring/workers.js';
import { ackBatcherWorkflowId, orderPollerWorkflowId } from '../api/ids.js';

export interface IntakeOptions {
  cmsId: string;
  taskQueue: string;
  graphTaskQueue: string;
  ackMode: AckMode;
  pollIntervalMs: number;
  ackFlushAfterMs?: number;
  orderPolicy?: Record<string, unknown>;
  initialLookbackSeconds?: number;
  overlapSeconds?: number;
  /** How a paused poller or batcher backs off (tests shorten it). */
  attentionBackoff?: IntakeBackoff;
}

async function startOnce(start: () => Promise<unknown>): Promise<'started' | 'already running'> {
  try {
    await start();
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already running';
    throw err;
  }
}

/** The intake options the worker's settings imply (the starter and the demo start intake alike). */
export function intakeOptionsFrom(config: AppConfig): IntakeOptions {
  return {
    cmsId: config.META_CMS_ID,
    taskQueue: config.TASK_QUEUE,
    graphTaskQueue: config.GRAPH_TASK_QUEUE,
    ackMode: config.ACK_MODE,
    pollIntervalMs: config.POLL_INTERVAL_MINUTES * 60_000,
    initialLookbackSeconds: config.POLL_LOOKBACK_DAYS * 24 * 3_600,
    orderPolicy: { returnWindowMs: config.RETURN_WINDOW_DAYS * 24 * 3_600_000 },
  };
}

export async function startIntake(client: Client, options: IntakeOptions) {
  const batcher =
    options.ackMode === 'bulk'
      ? await startOnce(() =>
          client.workflow.start('ackBatcherWorkflow', {
            workflowId: ackBatcherWorkflowId(options.cmsId),
            taskQueue: intakeTaskQueue(options.taskQueue),
            args: [
              {
                cmsId: options.cmsId,
                graphTaskQueue: options.graphTaskQueue,
                flushAfterMs: options.ackFlushAfterMs,
                attentionBackoff: options.attentionBackoff,
              } satisfies AckBatcherInput,
            ],
            staticSummary: `Bulk acknowledgements for commerce account ${options.cmsId}`,
          }),
        )
      : 'not used (single mode)';
  const poller = await startOnce(() =>
    client.workflow.start('orderPollerWorkflow', {
      workflowId: orderPollerWorkflowId(options.cmsId),
      taskQueue: intakeTaskQueue(options.taskQueue),
      args: [
        {
          cmsId: options.cmsId,
          graphTaskQueue: options.graphTaskQueue,
          orderTaskQueue: options.taskQueue,
          ackMode: options.ackMode,
          intervalMs: options.pollIntervalMs,
          orderPolicy: options.orderPolicy,
          initialLookbackSeconds: options.initialLookbackSeconds,
          overlapSeconds: options.overlapSeconds,
          attentionBackoff: options.attentionBackoff,
        } satisfies OrderPollerInput,
      ],
      staticSummary: `Polls Meta for orders of commerce account ${options.cmsId}`,
    }),
  );
  return { poller, batcher };
}
