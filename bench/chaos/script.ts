/** What `npm run chaos` and `npm run chaos:cluster` share: the run's folder, its log, the run, the report, the exit code. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { ChaosConfig } from './config.js';
import type { ChaosOms } from './oms.js';
import { reportChaosRun } from './report.js';
import { runChaos } from './run.js';
import type { ChaosTemporal } from './temporal.js';

export const chaosLog = (line: string) =>
  process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

export async function chaosScript(
  name: string,
  config: ChaosConfig,
  parts: (dir: string) => Promise<{ temporal: ChaosTemporal; oms: ChaosOms }>,
): Promise<void> {
  // The SDK runtime (the dev server, the run's client): quiet. Ctrl-C reaches every process of the
  // run (one process group) and each stops in its own way.
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  const dir = mkdtempSync(join(tmpdir(), `fb-${name}-`));
  chaosLog(`run folder ${dir}; ${JSON.stringify(config)}`);
  try {
    const findings = await runChaos({ config, dir, ...(await parts(dir)), log: chaosLog });
    const { passed } = reportChaosRun(findings, name);
    process.exitCode = passed ? 0 : 1;
  } finally {
    if (config.keepDir) chaosLog(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
