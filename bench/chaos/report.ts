/** Prints a chaos run's figures, writes its JSON summary to bench/results/ and says whether it passed. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChaosFindings } from './verify.js';

export function reportChaosRun(findings: ChaosFindings, name: string): { file: string; passed: boolean } {
  const f = findings;
  const ms = (v: number | null) => (v === null ? 'not drained' : `${(v / 1000).toFixed(1)} s`);
  const lines = [
    `orders:                                           ${f.orders}`,
    `lost:                                             ${f.lost.count}`,
    `duplicated:                                       ${f.duplicated.count}`,
    `stuck:                                            ${f.stuck.count}`,
    `signals per order:                                ${f.signalsPerOrder} (max ${f.signals.maxPerOrder} for one order)`,
    `schedule-to-start timeouts while a worker alive:  ${f.scheduleToStartTimeouts.whileWorkerAlive} (after a worker kill: ${f.scheduleToStartTimeouts.afterWorkerKill}, around the Temporal restart: ${f.scheduleToStartTimeouts.aroundTemporalRestart})`,
    `worker peak RSS:                                  ${f.workerPeakRssMb} MiB`,
    `time to drain:                                    ${ms(f.timeToDrainMs.fromLastOrderCreated)} after the last order was created (${f.disruptions.length ? `${ms(f.timeToDrainMs.fromLastRecovery)} after the last recovery` : 'no disruption'})`,
    `shipments (sample of ${f.shipping.sample}):                         ${f.shipping.notExactlyOnceAtMeta.count} not exactly once at Meta, ${f.shipping.notExactlyOnceInOms.count} not exactly once in the OMS`,
    `disruptions:                                      ${f.disruptions.map((d) => `${d.kind}@${d.atS}s`).join(', ')}`,
    `invariants:                                       ${f.failed.length === 0 ? 'all hold' : `FAILED: ${f.failed.join(', ')}`}`,
    `targets (issue 15):                               ${Object.entries(f.targets)
      .map(([target, met]) => `${target}: ${met ? 'met' : 'NOT met'}`)
      .join('; ')}`,
  ];
  console.log(lines.join('\n'));
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}${name}-${f.at.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(f, null, 2)}\n`);
  console.log(`summary: ${file}`);
  return { file, passed: f.failed.length === 0 };
}
