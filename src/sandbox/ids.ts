/**
 * Graph ids for everything the sandbox creates (orders, items, products, shipments, ...). One
 * counter for all kinds, as in Graph where every object shares one id space. The counter survives
 * `reset`, so an id held by a test from before a reset can never name a different object after it.
 * Ids are numeric strings; clients must treat them as opaque strings.
 */
export class IdGenerator {
  // Below 2^53 so the ids stay exact even in a client that wrongly parses them as numbers.
  private next = 310_000_000_000_000;

  constructor(private readonly step = 7) {}

  nextId(): string {
    this.next += this.step;
    return String(this.next);
  }
}
