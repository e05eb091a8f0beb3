/**
 * The sandbox's record of what happened: every effect applied to an order, with the idempotency
 * key and canonical request that caused it, and counters of calls, replays, refused duplicates,
 * throttling and injected faults. Only committed effects are recorded, so "one ack effect" here
 * means Meta would have acknowledged the order exactly once.
 */
import type { FaultKind } from './fault-schemas.js';
import type { EffectKind, LedgerCounter, LedgerEffect, LedgerSnapshot } from './ledger-schemas.js';
import type { Origin } from './model.js';

export interface EffectInput {
  atMs: number;
  orderId: string | null;
  kind: EffectKind;
  origin: Origin;
  endpoint?: string | null;
  idempotencyKey?: string | null;
  request?: unknown;
  objectId?: string | null;
}

/** The ledger's counters by name, each as counts by key (the totals are their sums). */
export const LEDGER_COUNTERS = [
  'calls',
  'replays',
  'rejectedDuplicates',
  'throttled',
  'faults',
  'faultKinds',
  'errors',
] as const;
export type LedgerCounterName = (typeof LEDGER_COUNTERS)[number];

/** Everything the ledger holds, as plain data (saved to and restored from a state file). */
export interface LedgerContents {
  effects: LedgerEffect[];
  counters: Record<LedgerCounterName, Record<string, number>>;
}

class CounterMap {
  total = 0;
  private readonly byKey = new Map<string, number>();

  static from(counts: Record<string, number>): CounterMap {
    const map = new CounterMap();
    for (const [key, count] of Object.entries(counts)) {
      map.byKey.set(key, count);
      map.total += count;
    }
    return map;
  }

  add(key: string): void {
    this.total += 1;
    this.byKey.set(key, (this.byKey.get(key) ?? 0) + 1);
  }

  snapshot(): LedgerCounter {
    return { total: this.total, byEndpoint: Object.fromEntries(this.byKey) };
  }
}

export class Ledger {
  private effects: LedgerEffect[] = [];
  private calls = new CounterMap();
  private replays = new CounterMap();
  private rejectedDuplicates = new CounterMap();
  private throttled = new CounterMap();
  private faults = new CounterMap();
  private faultKinds = new CounterMap();
  private errors = new CounterMap();

  recordEffect(input: EffectInput): LedgerEffect {
    const effect: LedgerEffect = {
      seq: this.effects.length + 1,
      at: new Date(input.atMs).toISOString(),
      orderId: input.orderId,
      kind: input.kind,
      origin: input.origin,
      external: input.origin !== 'api',
      endpoint: input.endpoint ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      request: input.request ?? null,
      objectId: input.objectId ?? null,
    };
    this.effects.push(effect);
    return effect;
  }

  countCall(endpointKey: string): void {
    this.calls.add(endpointKey);
  }

  countReplay(endpointKey: string): void {
    this.replays.add(endpointKey);
  }

  countRejectedDuplicate(endpointKey: string): void {
    this.rejectedDuplicates.add(endpointKey);
  }

  countThrottled(endpointKey: string): void {
    this.throttled.add(endpointKey);
  }

  countFault(kind: FaultKind, endpointKey: string): void {
    this.faults.add(endpointKey);
    this.faultKinds.add(kind);
  }

  countError(code: number): void {
    this.errors.add(String(code));
  }

  snapshot(orderId?: string): LedgerSnapshot {
    const effects = orderId === undefined ? this.effects : this.effects.filter((e) => e.orderId === orderId);
    const orders: Record<string, LedgerEffect[]> = {};
    for (const effect of effects) {
      if (effect.orderId === null) continue;
      (orders[effect.orderId] ??= []).push(effect);
    }
    const faults = this.faults.snapshot();
    const errors = this.errors.snapshot();
    return {
      effects: [...effects],
      orders,
      calls: this.calls.snapshot(),
      replays: this.replays.snapshot(),
      rejectedDuplicates: this.rejectedDuplicates.snapshot(),
      throttled: this.throttled.snapshot(),
      faultsInjected: { ...faults, byKind: this.faultKinds.snapshot().byEndpoint },
      errors: { total: errors.total, byCode: errors.byEndpoint },
    };
  }

  contents(): LedgerContents {
    return {
      effects: [...this.effects],
      counters: {
        calls: this.calls.snapshot().byEndpoint,
        replays: this.replays.snapshot().byEndpoint,
        rejectedDuplicates: this.rejectedDuplicates.snapshot().byEndpoint,
        throttled: this.throttled.snapshot().byEndpoint,
        faults: this.faults.snapshot().byEndpoint,
        faultKinds: this.faultKinds.snapshot().byEndpoint,
        errors: this.errors.snapshot().byEndpoint,
      },
    };
  }

  /** Replaces everything (restoring saved state). Effects must be numbered 1..n in order. */
  restore(contents: LedgerContents): void {
    this.effects = [...contents.effects];
    this.calls = CounterMap.from(contents.counters.calls);
    this.replays = CounterMap.from(contents.counters.replays);
    this.rejectedDuplicates = CounterMap.from(contents.counters.rejectedDuplicates);
    this.throttled = CounterMap.from(contents.counters.throttled);
    this.faults = CounterMap.from(contents.counters.faults);
    this.faultKinds = CounterMap.from(contents.counters.faultKinds);
    this.errors = CounterMap.from(contents.counters.errors);
  }

  reset(): void {
    this.effects = [];
    this.calls = new CounterMap();
    this.replays = new CounterMap();
    this.rejectedDuplicates = new CounterMap();
    this.throttled = new CounterMap();
    this.faults = new CounterMap();
    this.faultKinds = new CounterMap();
    this.errors = new CounterMap();
  }
}
