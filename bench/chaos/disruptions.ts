/**
 * The disruptions of a chaos run, and which schedule-to-start timeouts they explain. A workflow
 * task waits on the sticky queue of the worker that ran the workflow last; when that worker was
 * killed (or the server was down), the task times out and goes to another worker: expected. A
 * timeout while its worker was alive means the worker could not keep up: that is what the run counts.
 */
import type { ScheduleToStartTimeout } from './history-scan.js';
import type { WorkerLife } from './worker-fleet.js';

export type DisruptionKind = 'worker' | 'temporal';

export interface Disruption {
  kind: DisruptionKind;
  /** When it struck and when the killed part was back (running again). */
  at: number;
  recoveredAt: number;
  /** worker: the slot and the killed process. */
  slot?: number;
  pid?: number;
}

/**
 * The order of the disruptions: the worker kills, with the Temporal kills among them (after the
 * first half of the worker kills), so each lands while orders flow.
 */
export function disruptionPlan(workerKills: number, temporalKills: number): DisruptionKind[] {
  const plan: DisruptionKind[] = Array.from({ length: workerKills }, () => 'worker');
  plan.splice(Math.ceil(workerKills / 2), 0, ...Array.from({ length: temporalKills }, () => 'temporal' as const));
  return plan;
}

/** After a Temporal restart, workers take a while to reconnect and poll again. */
const TEMPORAL_RECONNECT_GRACE_MS = 15_000;
/** Clocks of the server's history and of this process may differ slightly. */
const CLOCK_SLACK_MS = 1_000;

export type TimeoutCause = 'worker killed' | 'worker stopped' | 'temporal restart' | 'worker alive';

export function causeOf(
  timeout: ScheduleToStartTimeout,
  lives: readonly WorkerLife[],
  disruptions: readonly Disruption[],
): TimeoutCause {
  const duringTemporalOutage = disruptions.some(
    (d) =>
      d.kind === 'temporal' &&
      timeout.timedOutAt >= d.at - CLOCK_SLACK_MS &&
      timeout.scheduledAt <= d.recoveredAt + TEMPORAL_RECONNECT_GRACE_MS,
  );
  if (duringTemporalOutage) return 'temporal restart';
  // The identity is `orders@<pid>` (src/wiring/workers.ts): the worker whose sticky queue it was.
  const pid = Number(/@(\d+)$/.exec(timeout.lastWorkerIdentity ?? '')?.[1]);
  const life = lives.find((l) => l.pid === pid);
  if (life?.endedAt !== undefined && life.endedAt <= timeout.timedOutAt + CLOCK_SLACK_MS)
    return life.killed ? 'worker killed' : 'worker stopped';
  return 'worker alive';
}
