/**
 * `npm run setup`: makes sure a Temporal CLI is available (building it from the Go module proxy if
 * needed). Idempotent: a second run prints where the CLI is and does nothing else.
 */
import { describeCli, HOW_TO_INSTALL_CLI, resolveTemporalCli } from '../src/dev-tools/temporal-cli.js';

const cli = await resolveTemporalCli();
if (cli.source === 'sdk download') {
  console.error(`${HOW_TO_INSTALL_CLI}\n(On a machine with internet the SDK's own download will be tried at start.)`);
  process.exitCode = 0;
} else {
  console.log(`Temporal CLI ready: ${describeCli(cli)}`);
}
