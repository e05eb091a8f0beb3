/**
 * Entry point of `fb-orders` (bin/fb-orders.js loads it, through tsx in a checkout). Sets the exit code rather than
 * calling process.exit, so a large CSV on a pipe is fully flushed before the process ends.
 */
import { processIo } from './io.js';
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
