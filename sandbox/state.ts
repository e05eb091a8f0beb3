/** Everything one running sandbox holds, in one place, so the Graph and admin routes share it. */
import { SandboxClock } from './clock.js';
import { FaultInjector } from './faults.js';
import { IdGenerator } from './ids.js';
import { IdempotencyStore } from './idempotency.js';
import { Ledger } from './ledger.js';
import type { SandboxOptions } from './options.js';
import type { RuleContext } from './order-rules.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import { RuntimeSettings } from './settings.js';
import { OrderStore } from './store.js';

export class SandboxState {
  readonly clock = new SandboxClock();
  readonly ids: IdGenerator;
  readonly ledger = new Ledger();
  readonly idempotency = new IdempotencyStore();
  readonly settings: RuntimeSettings;
  readonly store: OrderStore;
  readonly limiter: SlidingWindowLimiter;
  readonly faults: FaultInjector;
  /** Set once listening: http://host:port */
  url = '';
  /** Told after anything that may have changed the state (a request, a demo order); set when persisting. */
  onChange: (() => void) | undefined;

  constructor(readonly options: SandboxOptions) {
    this.ids = new IdGenerator(options.firstId);
    this.settings = new RuntimeSettings(options);
    this.store = new OrderStore(this.ids, this.ledger, this.settings);
    this.limiter = new SlidingWindowLimiter(() => this.settings.rateLimit);
    this.faults = new FaultInjector(options.faults);
  }

  noteChange(): void {
    this.onChange?.();
  }

  /** Applies due releases and returns the context order rules run in. */
  ruleContext(): RuleContext {
    const now = this.clock.now();
    this.store.releaseDue(now);
    return { store: this.store, ids: this.ids, now, connected: this.settings.connected };
  }

  /** Back to an empty account with the start options (ids keep counting up). */
  reset(): void {
    this.store.reset();
    this.ledger.reset();
    this.idempotency.reset();
    this.limiter.reset();
    this.faults.replace(this.options.faults);
    this.settings.reset();
    this.clock.setOffset(0);
  }
}
