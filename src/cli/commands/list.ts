/** `fb-orders list`: this commerce account's orders from Temporal visibility, as a table or JSON. */
import { parseWholeNumber } from '../args.js';
import { listAccountOrders } from '../account-orders.js';
import type { Command } from '../command.js';
import { FILTER_OPTIONS, filterFrom } from '../filters.js';
import { renderTable } from '../table.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 10_000;

export const listCommand: Command = {
  spec: {
    name: 'list',
    summary: `List orders of the commerce account META_CMS_ID (newest first by Temporal's ordering; at most ${DEFAULT_LIMIT} unless --limit).`,
    positionals: [],
    options: [
      ...FILTER_OPTIONS,
      { name: 'limit', value: 'N', description: `at most N orders, 1-${MAX_LIMIT} (default ${DEFAULT_LIMIT})` },
      { name: 'json', description: 'print the orders as a JSON array' },
    ],
    notes: ['Visibility is eventually consistent: a change made a second ago may not show yet.'],
  },
  async run(args, ctx) {
    const limitText = args.value('limit');
    const limit = limitText === undefined ? DEFAULT_LIMIT : parseWholeNumber(limitText, 'limit', 1, MAX_LIMIT);
    const cmsId = ctx.config().META_CMS_ID;
    const { client } = await ctx.temporal();
    const orders = await listAccountOrders(client, { ...filterFrom(args, cmsId), limit });
    if (args.flag('json')) {
      ctx.io.stdout.write(`${JSON.stringify(orders, null, 2)}\n`);
    } else if (orders.length === 0) {
      ctx.io.stderr.write(`no orders of commerce account ${cmsId} match\n`);
    } else {
      const rows = orders.map((o) => [
        o.orderId,
        o.metaState,
        o.phase,
        o.channel,
        o.merchantOrderReference,
        o.needsAttention ? 'YES' : '',
        o.status,
      ]);
      ctx.io.stdout.write(
        renderTable(['ORDER ID', 'META STATE', 'PHASE', 'CHANNEL', 'OMS REFERENCE', 'ATTENTION', 'WORKFLOW'], rows),
      );
    }
    // On stderr, so `--json` output stays parseable.
    if (orders.length === limit) ctx.io.stderr.write(`showing the first ${limit}; there may be more (raise --limit)\n`);
    return 0;
  },
};
