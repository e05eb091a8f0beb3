/** `fb-orders intake`: what the order poller and the ack batcher of META_CMS_ID are doing. */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError, type QueryDefinition } from '@temporalio/common';
import { ackBatcherStatusQuery, type AckBatcherStatus } from '../../api/ack-batcher-messages.js';
import { pollerStatusQuery, type PollerStatus } from '../../api/poller-messages.js';
import type { IntakeAttention } from '../../api/intake-attention.js';
import type { Command } from '../command.js';
import { ackBatcherWorkflowId, orderPollerWorkflowId } from '../../api/ids.js';
import { EXIT_FAILURE } from '../failures.js';

/** The query's answer, or undefined when no such workflow runs (a poller that ended, bulk mode off). */
async function queryIfRunning<T>(
  client: Client,
  workflowId: string,
  query: QueryDefinition<T>,
): Promise<T | undefined> {
  try {
    const handle = client.workflow.getHandle(workflowId);
    if ((await handle.describe()).status.name !== 'RUNNING') return undefined;
    return await handle.query(query);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** The lines that say an intake workflow is paused, why, and what to do; none when it is not. */
export function describeAttention(attention: IntakeAttention | undefined): string[] {
  if (!attention) return [];
  return [
    `  PAUSED since ${attention.since}: ${attention.reason} (${attention.errorType}; ${attention.failures} failed attempts)`,
    `  next attempt ${attention.nextAttemptAt}; it resumes by itself once Meta accepts its calls again ` +
      '(check META_ACCESS_TOKEN and its permissions); `fb-orders poll-now` retries at once',
  ];
}

function describePoller(workflowId: string, status: PollerStatus | undefined): string {
  if (!status) return `order poller  ${workflowId}: not running (start it with \`npm run starter\`)\n`;
  const mark = new Date(status.highWaterMark * 1000).toISOString();
  const lines = [`order poller  ${workflowId}: ${status.rounds} rounds this run; high-water mark ${mark}`];
  lines.push(...describeAttention(status.attention));
  if (status.lastSucceededAt) lines.push(`  last success ${status.lastSucceededAt}`);
  const last = status.lastRound;
  if (last) {
    lines.push(
      `  last round   ${last.at}: ${last.ordersSeen} orders seen on ${last.pages} pages; ${last.workflowsSignalled} signalled, ` +
        `${last.handedToAckBatcher} handed to the ack batcher, ${last.unchangedSkipped} unchanged, ${last.ownAcknowledgementsSkipped} own acknowledgements`,
    );
  }
  if (status.totals) {
    lines.push(
      `  in total     ${status.totals.workflowsSignalled} signalled, ${status.totals.handedToAckBatcher} handed to the ack batcher, ${status.totals.ownAcknowledgementsSkipped} own acknowledgements not signalled`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function describeBatcher(workflowId: string, status: AckBatcherStatus | undefined): string {
  if (!status)
    return `ack batcher   ${workflowId}: not running (ACK_MODE=single, or start it with \`npm run starter\`)\n`;
  const run = status.thisRun;
  const last = run.lastBatchAt ? `; last batch at ${run.lastBatchAt}` : '';
  const dropped = status.droppedRequests ? `; ${status.droppedRequests} invalid or excess requests dropped` : '';
  const lines = [
    `ack batcher   ${workflowId}: ${status.waiting} orders waiting; this run ${run.batches} batches, ${run.acknowledged} acknowledged, ${run.leftToAcknowledgeAlone} left to acknowledge alone${last}${dropped}`,
    ...describeAttention(status.attention),
  ];
  return `${lines.join('\n')}\n`;
}

export const intakeCommand: Command = {
  spec: {
    name: 'intake',
    summary: 'Show what the order poller and the ack batcher of META_CMS_ID are doing, and why if paused.',
    positionals: [],
    options: [{ name: 'json', description: 'print both statuses as JSON (null for one that is not running)' }],
    notes: ['Exit code 1 when either is paused (Meta refuses its calls) or the poller is not running.'],
  },
  async run(args, ctx) {
    const cmsId = ctx.config().META_CMS_ID;
    const { client } = await ctx.temporal();
    const [pollerId, batcherId] = [orderPollerWorkflowId(cmsId), ackBatcherWorkflowId(cmsId)];
    const [poller, batcher] = await Promise.all([
      queryIfRunning(client, pollerId, pollerStatusQuery),
      queryIfRunning(client, batcherId, ackBatcherStatusQuery),
    ]);
    if (args.flag('json')) {
      ctx.io.stdout.write(`${JSON.stringify({ poller: poller ?? null, ackBatcher: batcher ?? null }, null, 2)}\n`);
    } else {
      ctx.io.stdout.write(describePoller(pollerId, poller) + describeBatcher(batcherId, batcher));
    }
    // Scripts and health checks can rely on the exit code: intake that is paused or not running is a failure.
    return !poller || poller.attention || batcher?.attention ? EXIT_FAILURE : 0;
  },
};
