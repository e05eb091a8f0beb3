/**
 * Graph ids for everything the sandbox creates (orders, items, products, shipments, ...). One
 * counter for all kinds, as in Graph where every object shares one id space. The counter survives
 * `reset`, so an id held by a test from before a reset can never name a different object after it.
 * Ids are numeric strings; clients must treat them as opaque strings.
 */
/** Below 2^53 so the ids stay exact even in a client that wrongly parses them as numbers. */
export const DEFAULT_FIRST_ID = 310_000_000_000_000;

export class IdGenerator {
  private next: number;

  /** `first`: where this sandbox's ids start; sandboxes sharing one Temporal server need disjoint ranges. */
  constructor(
    first = DEFAULT_FIRST_ID,
    private readonly step = 7,
  ) {
    this.next = first;
  }

  /** The highest value handed out so far (the start value before any); a saved sandbox records it. */
  get lastIssued(): number {
    return this.next;
  }

  /** Never hand out `value` or anything below it (restoring saved state: new ids must not collide). */
  skipPast(value: number): void {
    if (value > this.next) this.next = value;
  }

  nextId(): string {
    this.next += this.step;
    return String(this.next);
  }
}
