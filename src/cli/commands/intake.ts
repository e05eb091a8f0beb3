/** `fb-orders intake`: what the order poller and the ack batcher of META_CMS_ID are doing. */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError, type QueryDefinition } from '@temporalio/common';
import { ackBatcherStatusQuery, type AckBatcherStatus } from '../../api/ack-batcher-messages.js';
import { pollerStatusQuery, type PollerStatus } from '../../api/poller-messages.js';
import type { Command } from '../command.js';
import { ackBatcherWorkflowId, orderPollerWorkflowId } from '../../api/ids.js';

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

function describePoller(workflowId: string, status: PollerStatus | undefined): string {
  if (!status) return `order poller  ${workflowId}: not running (start it with \`npm run starter\`)\n`;
  const mark = new Date(status.highWaterMark * 1000).toISOString();
  const lines = [`order poller  ${workflowId}: ${status.rounds} rounds this run; high-water mark ${mark}`];
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
  return `ack batcher   ${workflowId}: ${status.waiting} orders waiting; this run ${run.batches} batches, ${run.acknowledged} acknowledged, ${run.leftToAcknowledgeAlone} left to acknowledge alone${last}\n`;
}

export const intakeCommand: Command = {
  spec: {
    name: 'intake',
    summary: 'Show what the order poller and the ack batcher of META_CMS_ID are doing.',
    positionals: [],
    options: [{ name: 'json', description: 'print both statuses as JSON (null for one that is not running)' }],
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
    return 0;
  },
};
