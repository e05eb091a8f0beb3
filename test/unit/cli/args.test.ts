import { describe, expect, test } from 'vitest';
import {
  commandHelp,
  parseArgs,
  parseWholeNumber,
  UsageError,
  usageLine,
  type CommandSpec,
} from '../../../src/cli/args.js';
import { COMMANDS } from '../../../src/cli/commands/index.js';
import type { CliContext } from '../../../src/cli/context.js';
import type { CliIo } from '../../../src/cli/io.js';
import { runCli } from '../../../src/cli/run.js';
import { captureIo } from './fixtures.js';

const SPEC: CommandSpec = {
  name: 'demo',
  summary: 'a demo command',
  positionals: [{ name: 'orderId', description: 'the order' }],
  options: [
    { name: 'carrier', value: 'CODE', required: true, description: 'carrier' },
    { name: 'item', value: 'SKU:QTY', repeatable: true, description: 'an item' },
    { name: 'reason', value: 'CODE', choices: ['A', 'B'], description: 'why' },
    { name: 'restock', description: 'a flag' },
  ],
};

function usageErrorOf(argv: string[]): string {
  try {
    parseArgs(SPEC, argv);
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error(`no usage error for ${JSON.stringify(argv)}`);
}

describe('parseArgs', () => {
  test('positionals, --name value, --name=value, repeatable options and flags', () => {
    const args = parseArgs(SPEC, ['123', '--carrier', 'UPS', '--item', 'A:1', '--item=B:2', '--restock', '--reason=B']);
    expect(args.positional('orderId')).toBe('123');
    expect(args.value('carrier')).toBe('UPS');
    expect(args.values('item')).toEqual(['A:1', 'B:2']);
    expect(args.flag('restock')).toBe(true);
    expect(args.value('reason')).toBe('B');
    expect(args.help).toBe(false);
  });

  test('options may come before the positional; absent options read as undefined / empty / false', () => {
    const args = parseArgs(SPEC, ['--carrier', 'DHL', '42']);
    expect(args.positional('orderId')).toBe('42');
    expect(args.value('reason')).toBeUndefined();
    expect(args.values('item')).toEqual([]);
    expect(args.flag('restock')).toBe(false);
  });

  test('"--" ends options, so an id that starts with "-" still works; a value may start with a single dash', () => {
    const args = parseArgs(SPEC, ['--carrier', '-X-', '--', '-77']);
    expect(args.positional('orderId')).toBe('-77');
    expect(args.value('carrier')).toBe('-X-');
  });

  test('--help / -h is recognised anywhere and wins over any other mistake, but not after "--"', () => {
    expect(parseArgs(SPEC, ['--help']).help).toBe(true);
    expect(parseArgs(SPEC, ['123', '--bogus', '-h']).help).toBe(true);
    expect(parseArgs(SPEC, ['--carrier', 'UPS', '--', '-h']).positional('orderId')).toBe('-h');
  });

  test.each([
    [['123', '--carrier', 'UPS', '--bogus'], 'unknown flag --bogus'],
    [['123', '--carrier', 'UPS', '-x'], 'unknown flag -x'],
    [['--carrier', 'UPS'], 'missing <orderId>'],
    [['123'], 'missing --carrier CODE'],
    [['123', '--carrier'], '--carrier needs a value (CODE)'],
    [['123', '--carrier', '--restock'], '--carrier needs a value (CODE)'],
    [['123', '--carrier='], '--carrier needs a non-empty value (CODE)'],
    [['123', '--carrier', 'UPS', '--restock=yes'], '--restock takes no value'],
    [['123', '--carrier', 'UPS', '--carrier', 'DHL'], '--carrier given more than once'],
    [['123', '456', '--carrier', 'UPS'], 'unexpected argument "456"'],
    [['123', '--carrier', 'UPS', '--reason', 'C'], '--reason must be one of A, B; got "C"'],
    [['', '--carrier', 'UPS'], '<orderId> must not be empty'],
  ])('%j -> %s', (argv, message) => {
    expect(usageErrorOf(argv)).toBe(message);
  });

  test('reading an option the spec does not declare is a programming error, not a usage error', () => {
    const args = parseArgs(SPEC, ['1', '--carrier', 'UPS']);
    expect(() => args.value('nope')).toThrow(/not a value option/);
    expect(() => args.flag('carrier')).toThrow(/not a flag option/);
  });
});

describe('parseWholeNumber', () => {
  test('accepts whole numbers within bounds', () => {
    expect(parseWholeNumber('20', 'limit', 1, 100)).toBe(20);
  });
  test.each(['abc', '1.5', '-3', '', '1e3', ' 7'])('rejects %j', (text) => {
    expect(() => parseWholeNumber(text, 'limit', 1, 100)).toThrow(/--limit must be a whole number/);
  });
  test('rejects out-of-range numbers with the bounds', () => {
    expect(() => parseWholeNumber('0', 'limit', 1, 100)).toThrow('--limit must be from 1 to 100, got 0');
    expect(() => parseWholeNumber('101', 'limit', 1, 100)).toThrow('--limit must be from 1 to 100, got 101');
  });
});

describe('usage and help text', () => {
  test('the usage line shows required options bare, optional ones bracketed, repeatables with ...', () => {
    expect(usageLine(SPEC)).toBe(
      'fb-orders demo <orderId> --carrier CODE [--item SKU:QTY ...] [--reason CODE] [--restock]',
    );
  });
  test('command help lists every argument, marks required ones and spells out choices', () => {
    const help = commandHelp(SPEC);
    expect(help).toContain('usage: fb-orders demo <orderId>');
    expect(help).toMatch(/--carrier CODE\s+carrier \(required\)/);
    expect(help).toContain('One of: A, B.');
    expect(help).toContain('-h, --help');
  });
  test('every real command has a usage line starting with its name and a help text', () => {
    for (const command of COMMANDS) {
      expect(usageLine(command.spec)).toMatch(new RegExp(`^fb-orders ${command.spec.name}( |$)`));
      expect(commandHelp(command.spec)).toContain(command.spec.summary);
    }
  });
});

/** A context whose every connection attempt fails the test: usage errors must never connect. */
function offlineContext(io: CliIo): CliContext {
  const refuse = () => {
    throw new Error('this test must not connect to anything');
  };
  return {
    io,
    config: refuse,
    temporal: refuse,
    graph: refuse,
    temporalAddress: () => undefined,
    close: async () => undefined,
  };
}

async function run(argv: string[]) {
  const io = captureIo();
  const code = await runCli(argv, io, offlineContext);
  return { code, out: io.out(), err: io.err() };
}

describe('runCli usage errors: one line naming the problem, then the usage, exit 2', () => {
  test('no command prints the general usage', async () => {
    const { code, err } = await run([]);
    expect(code).toBe(2);
    expect(err).toMatch(/^usage: fb-orders <command> \[arguments\]/);
  });

  test('unknown command names it and lists the commands', async () => {
    const { code, err } = await run(['shipp', '1']);
    expect(code).toBe(2);
    expect(err.split('\n')[0]).toBe('fb-orders: unknown command "shipp"');
    expect(err).toContain(
      'commands: ship, cancel, refund, update-tracking, answer-return, retry, show, list, export, poll-now, intake, connect, disconnect',
    );
  });

  test.each([
    [
      ['ship', '1', '--carrier', 'UPS'],
      'fb-orders ship: missing --tracking NUMBER',
      'fb-orders ship <orderId> --carrier CODE --tracking NUMBER',
    ],
    [['ship', '--carrier', 'UPS', '--tracking', '1Z'], 'fb-orders ship: missing <orderId>', 'fb-orders ship <orderId>'],
    [
      ['ship', '1', '--carrier', 'UPS', '--tracking', '1Z', '--item', 'SKU'],
      'fb-orders ship: --item "SKU": expected SKU:QTY',
      'fb-orders ship',
    ],
    [
      ['ship', '1', '--carrier', 'UPS', '--tracking', '1Z', '--item', 'SKU=2.00'],
      'fb-orders ship: --item "SKU=2.00": expected SKU:QTY (amounts are for refunds only)',
      'fb-orders ship',
    ],
    [
      ['ship', '1', '--carrier', 'UPS', '--tracking', '1Z', '--speed', 'fast'],
      'fb-orders ship: unknown flag --speed',
      'fb-orders ship',
    ],
    [
      ['cancel', '1', '--reason', 'BORED'],
      'fb-orders cancel: --reason must be one of CUSTOMER_REQUESTED, OUT_OF_STOCK, INVALID_ADDRESS, SUSPICIOUS_ORDER, CANCEL_REASON_OTHER; got "BORED"',
      'fb-orders cancel <orderId> --reason CODE',
    ],
    [
      ['cancel', '1', '--reason', 'OUT_OF_STOCK', '--item', 'SKU:0'],
      'fb-orders cancel: --item "SKU:0": quantity must be from 1 to 1000000',
      'fb-orders cancel',
    ],
    [
      ['refund', '1', '--reason', 'DAMAGED_GOODS', '--item', 'SKU=abc'],
      'fb-orders refund: --item "SKU=abc": amount must be a decimal like 12.50, got "abc"',
      'fb-orders refund',
    ],
    [
      ['refund', '1', '--reason', 'DAMAGED_GOODS', '--shipping', '4,99'],
      'fb-orders refund: --shipping: amount must be a decimal like 12.50, got "4,99"',
      'fb-orders refund',
    ],
    [['refund', '1'], 'fb-orders refund: missing --reason CODE', 'fb-orders refund'],
    [
      ['update-tracking', '1', '--carrier', 'UPS', '--tracking', '2'],
      'fb-orders update-tracking: missing --shipment SHIP_REQUEST_ID',
      'fb-orders update-tracking',
    ],
    [['retry'], 'fb-orders retry: missing <orderId>', 'fb-orders retry <orderId> [--request-id ID]'],
    [['show', '1', '2'], 'fb-orders show: unexpected argument "2"', 'fb-orders show <orderId> [--json]'],
    [['list', '--limit', 'ten'], 'fb-orders list: --limit must be a whole number, got "ten"', 'fb-orders list'],
    [['list', '--limit', '0'], 'fb-orders list: --limit must be from 1 to 10000, got 0', 'fb-orders list'],
    [
      ['list', '--state', 'SHIPPED'],
      'fb-orders list: --state must be one of FB_PROCESSING, CREATED, IN_PROGRESS, COMPLETED; got "SHIPPED"',
      'fb-orders list',
    ],
    [
      ['list', '--phase', 'DONE'],
      'fb-orders list: --phase must be one of AWAITING_RELEASE, ACKNOWLEDGING, IN_PROGRESS, RETURN_WINDOW, CANCELLED, CLOSED; got "DONE"',
      'fb-orders list',
    ],
    [['export', '--out'], 'fb-orders export: --out needs a value (FILE)', 'fb-orders export'],
    [['poll-now', 'now'], 'fb-orders poll-now: unexpected argument "now"', 'fb-orders poll-now'],
    [['disconnect', '--force'], 'fb-orders disconnect: unknown flag --force', 'fb-orders disconnect [--yes]'],
    [['connect', '--yes=1'], 'fb-orders connect: --yes takes no value', 'fb-orders connect'],
  ])('%j', async (argv, firstLine, usage) => {
    const { code, out, err } = await run(argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    const lines = err.trimEnd().split('\n');
    expect(lines[0]).toBe(firstLine);
    expect(lines[1]).toMatch(/^usage: /);
    expect(lines[1]).toContain(usage);
    expect(lines[2]).toBe(`run "fb-orders ${argv[0]} --help" for details`);
  });
});

describe('runCli help', () => {
  test.each([['--help'], ['-h'], ['help']])('%s prints every command to stdout, exit 0', async (flag) => {
    const { code, out, err } = await run([flag]);
    expect(code).toBe(0);
    expect(err).toBe('');
    for (const command of COMMANDS) expect(out).toContain(usageLine(command.spec));
  });

  test("<cmd> --help and help <cmd> print that command's help, even with otherwise bad arguments", async () => {
    const a = await run(['refund', '--help']);
    const b = await run(['help', 'refund']);
    const c = await run(['refund', '--bogus', '-h']);
    expect(a.code).toBe(0);
    expect(a.out).toContain('usage: fb-orders refund <orderId> --reason CODE');
    expect(a.out).toContain('One of: BUYERS_REMORSE, DAMAGED_GOODS');
    expect(b.out).toBe(a.out);
    expect(c.code).toBe(0);
    expect(c.out).toBe(a.out);
  });
});
