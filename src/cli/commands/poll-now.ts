/**
 * `fb-orders poll-now`: make the order poller read Meta's order list now instead of at its next
 * interval. A paused poller or ack batcher (an expired token, say) retries at once instead of
 * waiting out its backoff: run it right after fixing the cause.
 */
import { WorkflowNotFoundError } from '@temporalio/common';
import { pollNowSignal } from '../../api/poller-messages.js';
import type { Command } from '../command.js';
import { EXIT_FAILURE } from '../failures.js';
import { ackBatcherWorkflowId, orderPollerWorkflowId } from '../../api/ids.js';

export const pollNowCommand: Command = {
  spec: {
    name: 'poll-now',
    summary:
      'Ask the order poller of META_CMS_ID to poll Meta now (e.g. right after a release in Commerce Manager, or after fixing the cause of a pause).',
    positionals: [],
    options: [],
  },
  async run(_args, ctx) {
    const cmsId = ctx.config().META_CMS_ID;
    const workflowId = orderPollerWorkflowId(cmsId);
    const { client } = await ctx.temporal();
    try {
      await client.workflow.getHandle(workflowId).signal(pollNowSignal);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      ctx.io.stderr.write(
        `no order poller is running for commerce account ${cmsId} (workflow ${workflowId}): start it with \`npm run starter\`\n`,
      );
      return EXIT_FAILURE;
    }
    ctx.io.stdout.write(`poll requested: ${workflowId} will poll Meta now\n`);
    // A batcher waiting after a failed batch retries now too (none runs in single mode: nothing to do).
    await client.workflow
      .getHandle(ackBatcherWorkflowId(cmsId))
      .signal(pollNowSignal)
      .catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
    return 0;
  },
};
