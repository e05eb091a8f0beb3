/**
 * Meta's page-level rate limit as a sliding window: a call is allowed when fewer than
 * `callsPerWindow` calls were allowed in the last `windowMs`. Only allowed calls enter the window
 * (the ledger still counts the throttled ones), so a client that keeps calling while throttled
 * regains access when the estimate says. Real time, not the order clock: moving the sandbox
 * clock forward must not reset a throttling window.
 */
import type { RateLimit } from './options.js';

export interface Usage {
  /** Percent of the allowance used in the current window (Meta's call_count). */
  callCountPct: number;
  /** Milliseconds until a call would be allowed again; 0 when one is allowed now. */
  regainMs: number;
}

export interface UsageHeaders {
  'x-business-use-case-usage': string;
  'x-app-usage': string;
}

export class SlidingWindowLimiter {
  private stamps: number[] = [];
  private head = 0;

  constructor(
    private readonly limit: () => RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records the call if allowed. */
  tryAcquire(): { allowed: boolean; usage: Usage } {
    const now = this.now();
    this.expire(now);
    const { callsPerWindow } = this.limit();
    if (this.count() >= callsPerWindow) return { allowed: false, usage: this.usageAt(now) };
    this.stamps.push(now);
    return { allowed: true, usage: this.usageAt(now) };
  }

  usage(): Usage {
    const now = this.now();
    this.expire(now);
    return this.usageAt(now);
  }

  reset(): void {
    this.stamps = [];
    this.head = 0;
  }

  private count(): number {
    return this.stamps.length - this.head;
  }

  private usageAt(now: number): Usage {
    const { callsPerWindow, windowMs } = this.limit();
    const count = this.count();
    let regainMs = 0;
    if (count >= callsPerWindow) {
      // The call that has to age out before one more fits.
      const blocking = this.stamps[this.head + (count - callsPerWindow)]!;
      regainMs = Math.max(0, blocking + windowMs - now);
    }
    return { callCountPct: Math.round((count * 100) / callsPerWindow), regainMs };
  }

  private expire(now: number): void {
    const horizon = now - this.limit().windowMs;
    while (this.head < this.stamps.length && this.stamps[this.head]! <= horizon) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.stamps.length) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * Meta reports the wait in whole minutes. Rounded DOWN: a wait under a minute reports 0, as Meta's
 * counters do once access is about to come back; a client must still back off after an 80001.
 */
export function regainMinutes(ms: number): number {
  return Math.floor(ms / 60_000);
}

let lastUsageKey = '';
let lastUsageHeaders: UsageHeaders | undefined;

/** Both usage headers. total_cputime/total_time follow call_count: the sandbox's cost is per call. */
export function usageHeaders(businessId: string, usage: Usage): UsageHeaders {
  const pct = usage.callCountPct;
  const key = `${businessId}|${pct}|${regainMinutes(usage.regainMs)}`;
  if (key === lastUsageKey && lastUsageHeaders) return lastUsageHeaders;
  lastUsageKey = key;
  return (lastUsageHeaders = {
    'x-business-use-case-usage': JSON.stringify({
      [businessId]: [
        {
          type: 'pages',
          call_count: pct,
          total_cputime: pct,
          total_time: pct,
          estimated_time_to_regain_access: regainMinutes(usage.regainMs),
        },
      ],
    }),
    'x-app-usage': JSON.stringify({ call_count: pct, total_cputime: pct, total_time: pct }),
  });
}
