/**
 * The examples a newcomer copies work on a fresh `npm start`: the order ids and SKUs in the CLI's
 * help and in the README are those of the demo (sandbox/demo-data.ts; src/main.ts creates the
 * first orders, the first of which gets the sandbox's first id).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandHelp } from '../../../src/cli/args.js';
import { COMMANDS } from '../../../src/cli/commands/index.js';
import { DEMO_CATALOGUE } from '../../../sandbox/demo-data.js';
import { DEFAULT_FIRST_ID } from '../../../sandbox/ids.js';

/** The first demo order of a fresh `npm start`: the sandbox's first id (ids step by 7). */
const FIRST_DEMO_ORDER = String(DEFAULT_FIRST_ID + 7);
const DEMO_SKUS = new Set(DEMO_CATALOGUE.map((product) => product.retailerId));

/** Order ids and SKUs named in `fb-orders <command> <orderId> ... --item SKU:N | SKU=A` examples. */
function examplesIn(text: string): { orderIds: string[]; skus: string[] } {
  const orderIds = [...text.matchAll(/fb-orders [a-z-]+ (\d{6,})/g)].map((m) => m[1]!);
  // `--item SKU:QTY` in a usage line is a placeholder, not an example.
  const skus = [...text.matchAll(/--item ([A-Z0-9-]+)[:=]/g)].map((m) => m[1]!).filter((sku) => sku !== 'SKU');
  return { orderIds, skus };
}

describe('examples', () => {
  const help = COMMANDS.map((command) => commandHelp(command.spec)).join('\n');
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

  for (const [where, text] of [
    ['the CLI help', help],
    ['the README', readme],
  ] as const) {
    it(`in ${where} name the first demo order and demo SKUs`, () => {
      const { orderIds, skus } = examplesIn(text);
      expect(orderIds.length).toBeGreaterThan(0);
      expect(new Set(orderIds)).toEqual(new Set([FIRST_DEMO_ORDER]));
      expect(skus.filter((sku) => !DEMO_SKUS.has(sku))).toEqual([]);
    });
  }
});
