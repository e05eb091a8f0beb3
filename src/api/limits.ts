/**
 * How big what callers send may be, in one place. Commands, internal messages and everything the
 * workflows store or pass on (state, refusals, ops notices) use these caps, so no caller can grow
 * a workflow's state or history with one long string, and no message repeats a long value in
 * full. Pure: workflow code imports it.
 */
export const TEXT_LIMITS = {
  /** A caller's requestId (the Update id and Meta's idempotency key derive from it). */
  requestId: 64,
  /** Meta's ids (orders, items, products, shipments) and the OMS's references. */
  id: 100,
  /** A carrier code (the longest on Meta's list is under 40 characters). */
  carrier: 50,
  /** A tracking number, a shipping method's name, a retailer id. */
  shortText: 100,
  /** A product's name as Meta lists it. */
  name: 500,
  /** Free text a caller gives with a command (a cancel's description, a refund's note). */
  reason: 500,
  /** Why a signal, a command or a call was refused, as stored in the state and sent to the OMS. */
  refusal: 500,
  /** How much of an offending value a message may quote. */
  quote: 40,
} as const;

export const COUNT_LIMITS = {
  /** Lines of one order (Meta's carts are far smaller). */
  items: 1_000,
  /** Units of one line. */
  units: 100_000,
  /** Orders in one `requestAcks` signal (the poller sends one listing page, at most 100). */
  ackRequests: 1_000,
  /** Signals refused or dropped that an order keeps in its state (the newest). */
  refusalsKept: 20,
} as const;

/** `text`, cut to `max` characters with a note of how much was left out. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/**
 * An offending value as a message may quote it: JSON, cut to TEXT_LIMITS.quote characters. Never
 * the whole of a value a caller sent (it may be megabytes, or someone's address).
 */
export function quote(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(typeof value === 'string' ? value.slice(0, TEXT_LIMITS.quote + 1) : value);
  } catch {
    text = undefined;
  }
  text ??= Object.prototype.toString.call(value);
  return truncate(text, TEXT_LIMITS.quote);
}
