/**
 * Yes/no confirmation for account-level changes. Asked on stderr (stdout stays for results), and
 * only on a terminal: a script without --yes is refused instead of hanging on a prompt or
 * reading an answer from piped data.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { CliIo } from './io.js';

export type Confirmation = 'yes' | 'no' | 'no-terminal';

export function confirm(io: CliIo, question: string): Promise<Confirmation> {
  if (io.stdin.isTTY !== true) return Promise.resolve('no-terminal');
  return new Promise((resolve) => {
    // readline needs a stream to echo into; this one forwards to whatever stderr the CLI was given.
    const output = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        io.stderr.write(chunk.toString());
        done();
      },
    });
    const rl = createInterface({ input: io.stdin, output, terminal: true });
    let answered = false;
    rl.question(`${question} [y/N] `, (answer) => {
      answered = true;
      rl.close();
      resolve(/^\s*y(es)?\s*$/i.test(answer) ? 'yes' : 'no');
    });
    // Ctrl-D or Ctrl-C at the prompt: the answer is no.
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => {
      if (!answered) {
        io.stderr.write('\n');
        resolve('no');
      }
    });
  });
}
