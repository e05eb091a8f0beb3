/**
 * `fb-orders connect`: connect this integration as the commerce account's order-management app
 * (POST /{cms-id}/order_management_apps). From then on, released orders wait in CREATED until the
 * integration acknowledges them, instead of being acknowledged by Commerce Manager.
 */
import { idempotencyKey } from '../../graph/idempotency.js';
import type { Command } from '../command.js';
import { confirm } from '../confirm.js';
import { EXIT_FAILURE, EXIT_USAGE } from '../failures.js';
import { REQUEST_ID_OPTION, requestIdFor } from '../request-id.js';

export const connectCommand: Command = {
  spec: {
    name: 'connect',
    summary: 'Connect this integration to the commerce account META_CMS_ID as its order-management app.',
    positionals: [],
    options: [
      { name: 'yes', description: 'do not ask for confirmation (needed when stdin is not a terminal)' },
      REQUEST_ID_OPTION,
    ],
    notes: ['Retrying a connect that may have gone through? Re-run with the --request-id it printed.'],
  },
  async run(args, ctx) {
    const cmsId = ctx.config().META_CMS_ID;
    if (!args.flag('yes')) {
      const answer = await confirm(
        ctx.io,
        `Connect commerce account ${cmsId} to this integration? Released orders will then wait for it to acknowledge them.`,
      );
      if (answer === 'no-terminal') {
        ctx.io.stderr.write(
          'connect: stdin is not a terminal, so no confirmation can be asked; pass --yes to connect without one\n',
        );
        return EXIT_USAGE;
      }
      if (answer === 'no') {
        ctx.io.stderr.write('not connected\n');
        return EXIT_FAILURE;
      }
    }
    // The key must be the same for a retry of THIS connect and new for any later reconnect: Meta
    // answers a known key from its idempotency store without effect, so a reconnect after a
    // disconnect that reused an old key would "succeed" and leave the account disconnected. A key
    // from the cms id alone, or from a time bucket, would do exactly that. So the key derives from
    // a request id: the operator's --request-id when retrying, else a fresh UUID printed before the
    // call (requestIdFor), which is the "id of this reconnect, persisted before the call" that
    // GraphClient.connectOrderManagementApp asks for, persisted in the operator's terminal.
    const requestId = requestIdFor(args, ctx.io);
    const graph = await ctx.graph();
    await graph.connectOrderManagementApp(cmsId, { idempotencyKey: idempotencyKey(cmsId, 'connectApp', requestId) });
    ctx.io.stdout.write(
      `connected: commerce account ${cmsId}; released orders now wait in CREATED for this integration to acknowledge them\n`,
    );
    return 0;
  },
};
