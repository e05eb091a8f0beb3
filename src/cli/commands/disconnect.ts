/**
 * `fb-orders disconnect`: remove this integration as the account's order-management app
 * (DELETE /{cms-id}/order_management_apps). Meta then acknowledges released orders itself and the
 * seller works from Commerce Manager. Account-wide and immediate, hence the confirmation.
 */
import { idempotencyKey } from '../../graph/idempotency.js';
import type { Command } from '../command.js';
import { confirm } from '../confirm.js';
import { EXIT_FAILURE, EXIT_USAGE } from '../failures.js';
import { REQUEST_ID_OPTION, requestIdFor } from '../request-id.js';

export const disconnectCommand: Command = {
  spec: {
    name: 'disconnect',
    summary:
      'Disconnect this integration from the commerce account META_CMS_ID; orders are then handled in Commerce Manager.',
    positionals: [],
    options: [
      { name: 'yes', description: 'do not ask for confirmation (needed when stdin is not a terminal)' },
      REQUEST_ID_OPTION,
    ],
    notes: ['Retrying a disconnect that may have gone through? Re-run with the --request-id it printed.'],
  },
  async run(args, ctx) {
    const cmsId = ctx.config().META_CMS_ID;
    if (!args.flag('yes')) {
      const answer = await confirm(
        ctx.io,
        `Disconnect commerce account ${cmsId}? Orders will then be handled in Commerce Manager.`,
      );
      if (answer === 'no-terminal') {
        ctx.io.stderr.write(
          'disconnect: stdin is not a terminal, so no confirmation can be asked; pass --yes to disconnect without one\n',
        );
        return EXIT_USAGE;
      }
      if (answer === 'no') {
        ctx.io.stderr.write('not disconnected\n');
        return EXIT_FAILURE;
      }
    }
    // Meta wants a key on every state-changing call, DELETE included; as for connect, it is the
    // same for a retry of THIS disconnect and new for a later one (see connect.ts).
    const requestId = requestIdFor(args, ctx.io);
    const graph = await ctx.graph();
    await graph.disconnectOrderManagementApp(cmsId, {
      idempotencyKey: idempotencyKey(cmsId, 'disconnectApp', requestId),
    });
    ctx.io.stdout.write(
      `disconnected: commerce account ${cmsId}; orders are now handled in Commerce Manager (reconnect with \`fb-orders connect\`)\n`,
    );
    return 0;
  },
};
