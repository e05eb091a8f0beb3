/**
 * A chaos run's settings, from the environment (CHAOS_*), validated with zod: a wrong value stops
 * the run with one line naming the variable. `npm run chaos -- 100` sets the order count.
 */
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const rate = z.coerce.number().min(0).max(1);

const ChaosEnvSchema = z.object({
  CHAOS_ORDERS: int(1, 100_000).default(1_000),
  /** Worker SIGKILLs while orders flow (the shipping phase adds one more). */
  CHAOS_WORKER_KILLS: int(0, 50).default(3),
  /** Temporal server SIGKILLs while orders flow. */
  CHAOS_TEMPORAL_KILLS: int(0, 5).default(1),
  CHAOS_WORKERS: int(1, 8).default(1),
  /** How fast "Meta" takes new orders. */
  CHAOS_ORDERS_PER_SECOND: z.coerce.number().positive().max(1_000).default(10),
  /** Orders shipped after the drain, with a worker kill in the middle; default a tenth, at most 50. */
  CHAOS_SHIP_SAMPLE: int(0, 10_000).optional(),
  /** Graph calls answered 500/503 (transient). */
  CHAOS_SERVER_ERROR_RATE: rate.default(0.1),
  /** Graph calls whose effect is applied and whose response is then lost (connection reset). */
  CHAOS_LOST_RESPONSE_RATE: rate.default(0.05),
  /** Every Graph call is throttled (80001) for this long, once, halfway through. */
  CHAOS_THROTTLE_BURST_MS: int(0, 600_000).default(5_000),
  /** Seed of the sandbox's fault dice. */
  CHAOS_SEED: int(0, 2 ** 31 - 1).default(15),
  /** How long after the last order was created every order must be acknowledged. */
  CHAOS_DRAIN_TIMEOUT_MS: int(10_000, 24 * 3_600_000).default(20 * 60_000),
  CHAOS_POLL_INTERVAL_MS: int(500, 600_000).default(3_000),
  /**
   * One attempt of a Graph or OMS activity (production: 60 s): an activity cut off by a kill is
   * retried after this. The worker's HTTP timeout to Meta is set to a quarter of it.
   */
  CHAOS_ATTEMPT_TIMEOUT_MS: int(2_000, 600_000).default(20_000),
  /** How long a killed worker stays down before its replacement starts. */
  CHAOS_RESTART_AFTER_MS: int(0, 600_000).default(2_000),
  /** How long the Temporal server stays down. */
  CHAOS_TEMPORAL_DOWN_MS: int(0, 600_000).default(3_000),
  /** Keep the run's folder (server database, OMS, worker logs) instead of deleting it. */
  CHAOS_KEEP: z.enum(['true', 'false']).default('false'),
});

export interface ChaosConfig {
  orders: number;
  workerKills: number;
  temporalKills: number;
  workers: number;
  ordersPerSecond: number;
  shipSample: number;
  serverErrorRate: number;
  lostResponseRate: number;
  throttleBurstMs: number;
  seed: number;
  drainTimeoutMs: number;
  pollIntervalMs: number;
  attemptTimeoutMs: number;
  restartAfterMs: number;
  temporalDownMs: number;
  keepDir: boolean;
}

export function chaosConfigFrom(env: NodeJS.ProcessEnv, argv: string[] = []): ChaosConfig {
  const parsed = ChaosEnvSchema.safeParse({ ...env, ...(argv[0] ? { CHAOS_ORDERS: argv[0] } : {}) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new Error(`Invalid setting ${name}=${JSON.stringify(env[name] ?? argv[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    orders: e.CHAOS_ORDERS,
    workerKills: e.CHAOS_WORKER_KILLS,
    temporalKills: e.CHAOS_TEMPORAL_KILLS,
    workers: e.CHAOS_WORKERS,
    ordersPerSecond: e.CHAOS_ORDERS_PER_SECOND,
    shipSample: Math.min(e.CHAOS_SHIP_SAMPLE ?? Math.min(50, Math.ceil(e.CHAOS_ORDERS / 10)), e.CHAOS_ORDERS),
    serverErrorRate: e.CHAOS_SERVER_ERROR_RATE,
    lostResponseRate: e.CHAOS_LOST_RESPONSE_RATE,
    throttleBurstMs: e.CHAOS_THROTTLE_BURST_MS,
    seed: e.CHAOS_SEED,
    drainTimeoutMs: e.CHAOS_DRAIN_TIMEOUT_MS,
    pollIntervalMs: e.CHAOS_POLL_INTERVAL_MS,
    attemptTimeoutMs: e.CHAOS_ATTEMPT_TIMEOUT_MS,
    restartAfterMs: e.CHAOS_RESTART_AFTER_MS,
    temporalDownMs: e.CHAOS_TEMPORAL_DOWN_MS,
    keepDir: e.CHAOS_KEEP === 'true',
  };
}
