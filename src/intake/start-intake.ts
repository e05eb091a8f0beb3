/**
 * Starts the long-running intake workflows for one commerce account, idempotently: a poller and
 * (in bulk mode) an ack batcher. Starting twice finds them running and changes nothing.
 * They run on the intake task queue; the order worker registers them too, so runs started on the
 * order queue by an earlier version carry on.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { AckMode } from '../api/ack-modes.js';
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
        } satisfies OrderPollerInput,
      ],
      staticSummary: `Polls Meta for orders of commerce account ${options.cmsId}`,
    }),
  );
  return { poller, batcher };
}
