/**
 * Decides, per Graph call, whether to misbehave: throttle bursts first, then deterministic rules
 * (in the order given, each used up after `times` hits), then the random rates. Latency adds up
 * with any other fault. Random draws come from a seeded generator when `seed` is set.
 */
import {
  FaultConfigSchema,
  WRITE_ENDPOINTS,
  type FaultConfig,
  type FaultPatch,
  type FaultRule,
  type FaultState,
  type GraphEndpoint,
} from './fault-schemas.js';

export interface CallDescriptor {
  endpoint: GraphEndpoint | 'unknown';
  method: string;
  objectId: string | undefined;
}

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'server_error'; status: 500 | 503 }
  | { kind: 'timeout'; afterEffect: boolean }
  | { kind: 'lost_response' }
  | { kind: 'throttle' };

export interface FaultPlan {
  decision: FaultDecision;
  latencyMs: number;
  /** Rule or burst that produced the decision, for the ledger. */
  source: 'burst' | 'rule' | 'random' | 'none';
}

/** mulberry32: small, fast, good enough for fault dice. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

function ruleMatches(rule: FaultRule, call: CallDescriptor): boolean {
  if (rule.endpoint !== '*' && rule.endpoint !== call.endpoint) return false;
  if (rule.objectId !== undefined && rule.objectId !== call.objectId) return false;
  const method =
    rule.method ??
    (rule.endpoint !== '*' && WRITE_ENDPOINTS.has(rule.endpoint) ? 'WRITE' : rule.endpoint === '*' ? 'ANY' : 'GET');
  if (method === 'ANY') return true;
  if (method === 'WRITE') return call.method !== 'GET';
  return method === call.method;
}

export class FaultInjector {
  private config: FaultConfig;
  private rules: ActiveRule[] = [];
  private throttleCalls = 0;
  private throttleUntil = 0;
  private random: () => number = Math.random;

  constructor(
    initial: FaultConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.config = initial;
    this.replace(initial);
  }

  replace(config: FaultConfig): void {
    this.config = { ...config, rules: [] };
    this.rules = [];
    this.throttleCalls = 0;
    this.throttleUntil = 0;
    this.random = Math.random;
    this.apply({ ...config, rules: config.rules, seed: config.seed });
  }

  apply(patch: FaultPatch): void {
    const { rules, throttleNextCalls, throttleForMs, seed, ...rest } = patch;
    this.config = { ...this.config, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
    if (seed !== undefined) {
      this.config.seed = seed;
      this.random = seededRandom(seed);
    }
    for (const rule of rules ?? []) {
      const parsed = FaultConfigSchema.shape.rules.parse([rule])[0]!;
      this.rules.push({ rule: parsed, remaining: parsed.times });
    }
    if (throttleNextCalls !== undefined) this.throttleCalls = throttleNextCalls;
    if (throttleForMs !== undefined) this.throttleUntil = throttleForMs > 0 ? this.now() + throttleForMs : 0;
  }

  clear(): void {
    this.replace(FaultConfigSchema.parse({}));
  }

  get timeoutMs(): number {
    return this.config.timeoutMs;
  }

  /** Remaining duration of a throttle burst (0 when none). */
  throttleRemainingMs(): number {
    return Math.max(0, this.throttleUntil - this.now());
  }

  state(): FaultState {
    return {
      serverErrorRate: this.config.serverErrorRate,
      timeoutRate: this.config.timeoutRate,
      lostResponseRate: this.config.lostResponseRate,
      latencyMs: this.config.latencyMs,
      latencyJitterMs: this.config.latencyJitterMs,
      timeoutMs: this.config.timeoutMs,
      seed: this.config.seed,
      rules: this.rules.map(({ rule, remaining }) => ({ ...rule, remaining })),
      throttleNextCalls: this.throttleCalls,
      throttleRemainingMs: this.throttleRemainingMs(),
    };
  }

  decide(call: CallDescriptor): FaultPlan {
    let latencyMs =
      this.config.latencyMs +
      (this.config.latencyJitterMs > 0 ? Math.floor(this.random() * (this.config.latencyJitterMs + 1)) : 0);

    if (this.throttleCalls > 0) {
      this.throttleCalls -= 1;
      return { decision: { kind: 'throttle' }, latencyMs, source: 'burst' };
    }
    if (this.throttleRemainingMs() > 0) return { decision: { kind: 'throttle' }, latencyMs, source: 'burst' };

    for (let i = 0; i < this.rules.length; i += 1) {
      const active = this.rules[i]!;
      if (!ruleMatches(active.rule, call)) continue;
      active.remaining -= 1;
      if (active.remaining === 0) {
        this.rules.splice(i, 1);
        i -= 1;
      }
      const { rule } = active;
      if (rule.fault === 'latency') {
        latencyMs += rule.latencyMs ?? 1_000;
        continue;
      }
      return { decision: this.ruleDecision(rule), latencyMs, source: 'rule' };
    }

    const { serverErrorRate, timeoutRate, lostResponseRate } = this.config;
    if (serverErrorRate + timeoutRate + lostResponseRate > 0) {
      const roll = this.random();
      if (roll < serverErrorRate) {
        return {
          decision: { kind: 'server_error', status: this.random() < 0.5 ? 500 : 503 },
          latencyMs,
          source: 'random',
        };
      }
      if (roll < serverErrorRate + timeoutRate)
        return { decision: { kind: 'timeout', afterEffect: false }, latencyMs, source: 'random' };
      if (roll < serverErrorRate + timeoutRate + lostResponseRate)
        return { decision: { kind: 'lost_response' }, latencyMs, source: 'random' };
    }
    return { decision: { kind: 'none' }, latencyMs, source: 'none' };
  }

  private ruleDecision(rule: FaultRule): FaultDecision {
    switch (rule.fault) {
      case 'server_error':
        return { kind: 'server_error', status: rule.status ?? 500 };
      case 'timeout':
        return { kind: 'timeout', afterEffect: rule.afterEffect ?? false };
      case 'lost_response':
        return { kind: 'lost_response' };
      case 'throttle':
        return { kind: 'throttle' };
      default:
        return { kind: 'none' };
    }
  }
}
