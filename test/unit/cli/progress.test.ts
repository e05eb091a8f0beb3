import { expect, test } from 'vitest';
import { Progress } from '../../../src/cli/progress.js';

function recorder(isTTY: boolean) {
  const written: string[] = [];
  return { written, stderr: { write: (text: string) => written.push(text), isTTY } };
}

test('at most one progress line per interval, then the summary; plain lines when not a terminal', () => {
  let now = 0;
  const { written, stderr } = recorder(false);
  const progress = new Progress(stderr, 450, 'orders', 1_000, () => now);
  progress.update(8); // too soon after the start
  now = 1_000;
  progress.update(120);
  now = 1_500;
  progress.update(128); // too soon after the last line
  now = 2_100;
  progress.update(450);
  progress.finish('exported 450/450 orders (600 rows)');
  expect(written).toEqual([
    'exported 120/450 orders\n',
    'exported 450/450 orders\n',
    'exported 450/450 orders (600 rows)\n',
  ]);
});

test('on a terminal the line is rewritten in place and cleared before the summary', () => {
  let now = 0;
  const { written, stderr } = recorder(true);
  const progress = new Progress(stderr, 10, 'orders', 1_000, () => now);
  now = 1_000;
  progress.update(5);
  progress.finish('exported 10/10 orders (10 rows)');
  expect(written).toEqual(['\rexported 5/10 orders', '\r\x1b[Kexported 10/10 orders (10 rows)\n']);
});
