/**
 * Meta's idempotency contract: every POST carries `idempotency_key`; the same key with the same
 * request gets the first answer again with no second effect; the same key with a different
 * request is refused. "Same request" = same endpoint, same object and the same canonical
 * parameters (the zod-normalised request with sorted keys), so a JSON retry of a form-encoded
 * call, or "5.5" vs "5.50", is still the same request.
 *
 * Meta: identical requests under one key "will not be executed again and will return exactly the
 * same response as the original request". So a refusal with code 100 (validation or a commerce
 * rule) is stored like a success: the same key and request replays the refusal byte for byte,
 * and a corrected request under that key is a conflict, as for any "different request" with a
 * used key. A request that failed validation is compared as sent (JSON-text parameters parsed,
 * keys sorted), since it has no canonical form. Refusals that say nothing about the request
 * (token, permission, a disconnected account, throttling, server errors, unknown objects) are
 * never stored: the request never reached the point where Meta would judge it. Keys live until
 * `reset`.
 */
import { invalidParameter, IDEMPOTENCY_CONFLICT_SUBCODE, type SandboxGraphError } from './errors.js';
import { IDEMPOTENCY_KEY } from './request-schemas.js';

export interface StoredAnswer {
  endpoint: string;
  objectId: string;
  fingerprint: string;
  httpStatus: number;
  /** The serialized first answer, sent byte for byte on a replay. */
  body: string;
}

export type IdempotencyOutcome =
  { kind: 'new' } | { kind: 'replay'; answer: StoredAnswer } | { kind: 'conflict'; answer: StoredAnswer };

/** JSON with object keys sorted at every depth. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Fingerprint of a request that failed validation: its parameters as sent, never equal to a parsed one's. */
export function unparsedFingerprint(params: Record<string, unknown>): string {
  const asSent = Object.fromEntries(
    Object.entries(params).map(([name, value]) => {
      if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return [name, value];
      try {
        return [name, JSON.parse(value) as unknown];
      } catch {
        return [name, value];
      }
    }),
  );
  return canonicalJson({ unparsed: asSent });
}

/** Whether this refusal is stored under the request's key: code 100 answers of the request itself. */
export function isStorableRefusal(error: SandboxGraphError): boolean {
  return error.code === 100 && error.httpStatus >= 400 && error.httpStatus < 500;
}

export function requireIdempotencyKey(params: Record<string, unknown>): string {
  const key = params.idempotency_key;
  if (key === undefined || key === '') {
    throw invalidParameter('The parameter idempotency_key is required', {
      userTitle: 'Missing idempotency key',
      userMessage:
        'Every POST and DELETE needs an idempotency_key; use a new UUID per request and the same one for its retries.',
    });
  }
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw invalidParameter('Param idempotency_key must be 1 to 100 letters, digits or hyphens (a UUID, say)');
  }
  return key;
}

export function idempotencyConflict(first: StoredAnswer): SandboxGraphError {
  return invalidParameter(
    `This idempotency_key was already used for a different request (${first.endpoint} on ${first.objectId}); a retry must repeat the request exactly, a new request needs a new key`,
    {
      subcode: IDEMPOTENCY_CONFLICT_SUBCODE,
      userTitle: 'Idempotency key reused',
      userMessage: 'The idempotency key was already used with different parameters.',
    },
  );
}

export class IdempotencyStore {
  private readonly answers = new Map<string, StoredAnswer>();

  /** A replay when the key was used for this very request; a conflict when it was used for another. */
  check(key: string, endpoint: string, objectId: string, fingerprint: string): IdempotencyOutcome {
    const answer = this.answers.get(key);
    if (answer === undefined) return { kind: 'new' };
    if (answer.endpoint === endpoint && answer.objectId === objectId && answer.fingerprint === fingerprint) {
      return { kind: 'replay', answer };
    }
    return { kind: 'conflict', answer };
  }

  save(key: string, answer: StoredAnswer): void {
    this.answers.set(key, answer);
  }

  get size(): number {
    return this.answers.size;
  }

  /** Every stored answer with its key, in the order first saved. */
  entries(): IterableIterator<[string, StoredAnswer]> {
    return this.answers.entries();
  }

  /** Replaces the store's content (restoring saved state). */
  restore(entries: Iterable<[string, StoredAnswer]>): void {
    this.answers.clear();
    for (const [key, answer] of entries) this.answers.set(key, answer);
  }

  reset(): void {
    this.answers.clear();
  }
}
