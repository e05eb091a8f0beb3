/**
 * `fb-orders export`: order history as CSV, one row per order line (see export-rows.ts), for this
 * commerce account. The list comes from visibility, each order's lines from its `state` query.
 * With --out the file appears only once complete (written aside, then renamed), so a failed or
 * interrupted export never leaves a truncated file that looks whole.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { listAccountOrders } from '../account-orders.js';
import type { Command } from '../command.js';
import { EXPORT_HEADER, exportHeader, exportRows } from '../export-rows.js';
import { describeFailure, EXIT_FAILURE, redactSecrets } from '../failures.js';
import { FILTER_OPTIONS, filterFrom } from '../filters.js';
import { Progress } from '../progress.js';

/** Queries in flight at once: fast enough for thousands of orders, gentle on the workers. */
const CONCURRENCY = 8;

export const exportCommand: Command = {
  spec: {
    name: 'export',
    summary: 'Export the order history of META_CMS_ID as CSV, one row per order line (to stdout, or to --out).',
    positionals: [],
    options: [
      ...FILTER_OPTIONS,
      { name: 'out', value: 'FILE', description: 'write the CSV to FILE (replaced only when the export is complete)' },
    ],
    notes: [
      `Columns: ${EXPORT_HEADER.join(', ')} (UTF-8, RFC 4180).`,
      'Carrier and Tracking Number: every shipment that carried units of the line ("; " between several).',
      'Shipping Refunded is per order: on its first row only.',
      'Returns: each buyer return holding units of the line, as "<Meta return id> <status> x<units>" ("; " between several).',
    ],
  },
  async run(args, ctx) {
    const cmsId = ctx.config().META_CMS_ID;
    const out = args.value('out');
    const session = await ctx.temporal();
    const orders = await listAccountOrders(session.client, filterFrom(args, cmsId));
    const progress = new Progress(ctx.io.stderr, orders.length, 'orders');
    const chunks = [exportHeader()];
    let rows = 0;
    let unreadable = 0;

    for (let start = 0; start < orders.length; start += CONCURRENCY) {
      const batch = orders.slice(start, start + CONCURRENCY);
      const states = await Promise.allSettled(
        batch.map((o) => session.withQueryDeadline(() => session.orders.getState(o.orderId))),
      );
      states.forEach((result, i) => {
        if (result.status === 'fulfilled') {
          const lines = exportRows(result.value);
          chunks.push(...lines);
          rows += lines.length;
        } else {
          unreadable += 1;
          const { line } = describeFailure(result.reason, session.address);
          ctx.io.stderr.write(
            `order ${batch[i]!.orderId}: left out, its state could not be read: ${redactSecrets(line, ctx.io.env)}\n`,
          );
        }
      });
      progress.update(start + batch.length);
    }

    const csv = chunks.join('');
    if (out === undefined) {
      ctx.io.stdout.write(csv);
    } else {
      const partial = `${out}.partial-${process.pid}`;
      try {
        writeFileSync(partial, csv, 'utf8');
        renameSync(partial, out);
      } finally {
        rmSync(partial, { force: true });
      }
    }
    const exported = orders.length - unreadable;
    progress.finish(
      `exported ${exported}/${orders.length} orders (${rows} rows)${out === undefined ? '' : ` to ${out}`}`,
    );
    if (unreadable > 0) {
      ctx.io.stderr.write(
        `export incomplete: ${unreadable} of ${orders.length} orders could not be read (see above)\n`,
      );
      return EXIT_FAILURE;
    }
    return 0;
  },
};
