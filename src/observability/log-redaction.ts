/**
 * Makes a log entry's metadata safe to print. Two layers, because secrets reach logs two ways:
 *   - by field name: an object that carries `accessToken`, `authorization`, `appsecret_proof`,
 *     `taskToken`, ... loses the value whatever it looks like;
 *   - by content: every string (message, error text, stack, nested values) goes through the Graph
 *     client's Redactor, which removes the configured secrets verbatim and credential-shaped
 *     fragments (`access_token=...`, `Bearer ...`) even when the secret itself is unknown here.
 * The result is plain JSON-safe data: Errors become {name, message, stack}, bigints strings,
 * cycles and very deep nesting are cut.
 */
import { Redactor } from '../graph/redact.js';

export const REDACTED = '[REDACTED]';

/** Field names whose values are never logged. `idempotencyKey` and similar stay visible on purpose. */
const SECRET_FIELD = /token|secret|password|passwd|authorization|proof|api[-_]?key|cookie|credential|signature/i;

const MAX_DEPTH = 6;
const MAX_STRING = 8_000;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export class LogRedactor {
  private readonly redactor: Redactor;

  /** `secrets`: the values that must never appear (access token, app secret, webhook secret, API key). */
  constructor(secrets: readonly (string | undefined)[]) {
    this.redactor = new Redactor(secrets);
  }

  text(value: string): string {
    const redacted = this.redactor.redact(value);
    return redacted.length > MAX_STRING ? `${redacted.slice(0, MAX_STRING)}…(truncated)` : redacted;
  }

  /** A JSON-safe, redacted copy of any value. */
  value(value: unknown): JsonValue {
    return this.clean(value, 0, new WeakSet());
  }

  isSecretField(name: string): boolean {
    return SECRET_FIELD.test(name);
  }

  private clean(value: unknown, depth: number, seen: WeakSet<object>): JsonValue {
    if (value === null || value === undefined) return null;
    switch (typeof value) {
      case 'string':
        return this.text(value);
      case 'number':
        return Number.isFinite(value) ? value : String(value);
      case 'boolean':
        return value;
      case 'bigint':
        return value.toString();
      case 'symbol':
      case 'function':
        return null;
    }
    const object = value as object;
    if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
    if (seen.has(object)) return '[Circular]';
    if (depth >= MAX_DEPTH) return '[Truncated]';
    seen.add(object);
    try {
      if (object instanceof Error) return this.cleanError(object, depth, seen);
      if (Array.isArray(object)) return object.map((item) => this.clean(item, depth + 1, seen));
      if (object instanceof Map)
        return this.cleanEntries(
          [...object.entries()].map(([k, v]) => [String(k), v]),
          depth,
          seen,
        );
      if (ArrayBuffer.isView(object)) return `[${object.constructor.name} ${object.byteLength} bytes]`;
      return this.cleanEntries(Object.entries(object), depth, seen);
    } finally {
      seen.delete(object);
    }
  }

  private cleanEntries(
    entries: [string, unknown][],
    depth: number,
    seen: WeakSet<object>,
  ): { [key: string]: JsonValue } {
    const out: { [key: string]: JsonValue } = {};
    for (const [key, item] of entries) {
      if (item === undefined) continue;
      out[key] = this.isSecretField(key) && item !== null ? REDACTED : this.clean(item, depth + 1, seen);
    }
    return out;
  }

  private cleanError(error: Error, depth: number, seen: WeakSet<object>): { [key: string]: JsonValue } {
    const out: { [key: string]: JsonValue } = { name: error.name, message: this.text(error.message) };
    if (error.stack) out.stack = this.text(error.stack);
    // Temporal failures keep their type and cause; GraphErrors their kind and code: worth keeping.
    const extra = Object.entries(error).filter(([key]) => key !== 'stack' && key !== 'message');
    Object.assign(out, this.cleanEntries(extra, depth, seen));
    if (error.cause !== undefined && !('cause' in out)) out.cause = this.clean(error.cause, depth + 1, seen);
    return out;
  }
}
