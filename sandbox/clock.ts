/**
 * The sandbox's notion of "now" for order time (created, last_updated, releases, the 24-hour
 * rule). Tests move it forward instead of waiting 30 minutes. Rate limits and fault bursts use
 * real time instead, so moving the order clock never resets a throttling window.
 */
export class SandboxClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  get offset(): number {
    return this.offsetMs;
  }

  setOffset(offsetMs: number): void {
    this.offsetMs = offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

const timestampCache = new Map<number, string>();

/** Meta's timestamp format: ISO 8601, whole seconds, explicit +00:00 offset. Cached per second: listings format thousands. */
export function metaTimestamp(ms: number): string {
  const second = Math.floor(ms / 1000);
  let text = timestampCache.get(second);
  if (text === undefined) {
    if (timestampCache.size >= 50_000) timestampCache.clear();
    text = `${new Date(second * 1000).toISOString().slice(0, 19)}+00:00`;
    timestampCache.set(second, text);
  }
  return text;
}

/** 'Y-m-d' as in ship_by_date. */
export function metaDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
