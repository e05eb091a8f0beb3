/**
 * Entry point of `fb-orders` (bin/fb-orders.js loads it, through tsx in a checkout). Sets the exit
 * code rather than calling process.exit, so a large CSV on a pipe is fully flushed before the
 * process ends. Ctrl-C while a command runs prints its generated request id first: the command may
 * have gone through, and only a re-run with the same id is safe.
 */
import { processIo } from './io.js';
import { requestIdNote } from './request-id.js';
import { runCli } from './run.js';

const io = processIo();
process.once('SIGINT', () => {
  const note = requestIdNote(io);
  if (note) io.stderr.write(`interrupted; ${note}`);
  process.exit(130);
});
process.exitCode = await runCli(process.argv.slice(2), io);
