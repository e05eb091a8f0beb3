/**
 * Turns one run of a scenario (the recorded exchanges, the sandbox's ledger, the client's
 * transcript) into data that two runs can be compared on. What necessarily differs between runs
 * is replaced by stable names in order of first appearance: object ids (the sandbox's ids keep
 * counting across resets), cursors, idempotency keys; trace ids and times become placeholders.
 * What depends only on the client's choice of transport is left out: where the token travels
 * (header or parameter) and the node's own `id` that Meta's SDK adds to every write.
 */
import type { LedgerSnapshot } from '../../../../sandbox/index.js';
import type { ConformanceClient } from './clients.js';
import type { Exchange } from './recording-proxy.js';

const AUTH = new Set(['access_token', 'appsecret_proof']);
/** Answer headers that are Graph's to set and a client may read. */
const COMPARED_HEADERS = ['content-type', 'facebook-api-version', 'x-business-use-case-usage', 'x-app-usage'];

export interface WireRecord {
  call: string;
  params: Record<string, unknown>;
  status: number;
  headers: Record<string, unknown>;
  body: unknown;
}

export interface NormalizedRun {
  wire: WireRecord[];
  ledger: unknown;
  transcript: unknown;
}

function parseBody(exchange: Exchange): Record<string, unknown> {
  if (exchange.requestBody === '' || exchange.method === 'GET') return {};
  const type = String(exchange.requestHeaders['content-type'] ?? '');
  if (type.startsWith('application/json')) return JSON.parse(exchange.requestBody) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(exchange.requestBody));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export class RunNormalizer {
  private readonly names = new Map<string, string>();
  private readonly counters = new Map<string, number>();

  private named(kind: string, value: string): string {
    const key = `${kind}:${value}`;
    let name = this.names.get(key);
    if (name === undefined) {
      const n = (this.counters.get(kind) ?? 0) + 1;
      this.counters.set(kind, n);
      name = `<${kind} ${n}>`;
      this.names.set(key, name);
    }
    return name;
  }

  private link(url: string): string {
    const parsed = new URL(url);
    const path = parsed.pathname
      .split('/')
      .map((part) => (/^\d{6,}$/.test(part) ? this.named('id', part) : part))
      .join('/');
    const query = [...parsed.searchParams]
      .map(([name, value]) => [name, String(this.value(value, name))])
      .sort(([a], [b]) => (a! < b! ? -1 : 1))
      .map(([name, value]) => `${name}=${value}`)
      .join('&');
    return `${path}?${query}`;
  }

  value(value: unknown, key?: string): unknown {
    if (Array.isArray(value)) return value.map((item) => this.value(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, this.value(inner, name)]));
    }
    if (typeof value !== 'string') return value;
    if (key === 'fbtrace_id' || key === 'fbtraceId') return '<trace>';
    if (key === 'access_token') return '<token>';
    if (key === 'idempotency_key' || key === 'idempotencyKey') return this.named('key', value);
    if (key === 'before' || key === 'after') return this.named('cursor', value);
    if ((key === 'next' || key === 'previous') && /^https?:/.test(value)) return this.link(value);
    if (/^\d{6,}$/.test(value)) return this.named('id', value);
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value)) return '<time>';
    // Ids inside text: messages and e-mail addresses name orders and items.
    return value.replace(/\d{12,20}/g, (id) => this.named('id', id));
  }

  exchange(exchange: Exchange): WireRecord {
    const url = new URL(exchange.url, 'http://proxy');
    const [, version, objectId = '', edge] = url.pathname.split('/');
    const params: Record<string, unknown> = { ...Object.fromEntries(url.searchParams), ...parseBody(exchange) };
    for (const name of Object.keys(params)) {
      if (AUTH.has(name) || (name === 'id' && params[name] === objectId)) delete params[name];
    }
    const headers: Record<string, unknown> = {};
    for (const name of COMPARED_HEADERS) {
      const header = exchange.responseHeaders[name];
      if (header !== undefined) headers[name] = this.value(parseJson(String(header)));
    }
    headers['x-fb-trace-id'] = exchange.responseHeaders['x-fb-trace-id'] === undefined ? 'missing' : '<trace>';
    const path = [version, this.value(objectId), edge].filter((part) => part !== undefined).join('/');
    return {
      call: `${exchange.method} /${path}`,
      params: this.value(params) as Record<string, unknown>,
      status: exchange.status,
      headers,
      body: this.value(parseJson(exchange.responseBody)),
    };
  }

  ledger(snapshot: LedgerSnapshot): unknown {
    return {
      effects: snapshot.effects.map((effect) => ({ ...(this.value(effect) as object), at: '<time>' })),
      calls: snapshot.calls,
      replays: snapshot.replays,
      rejectedDuplicates: snapshot.rejectedDuplicates,
      throttled: snapshot.throttled,
      errors: snapshot.errors,
    };
  }
}

/** One run, normalized in a fixed order (exchanges, ledger, transcript) so names line up between runs. */
export function normalizeRun(exchanges: Exchange[], ledger: LedgerSnapshot, client: ConformanceClient): NormalizedRun {
  const normalizer = new RunNormalizer();
  return {
    wire: exchanges.map((exchange) => normalizer.exchange(exchange)),
    ledger: normalizer.ledger(ledger),
    transcript: normalizer.value(client.transcript),
  };
}

/** The trace ids the client reported for its errors that the sandbox did not send: should be none. */
export function unknownTraceIds(exchanges: Exchange[], client: ConformanceClient): string[] {
  const sent = new Set(
    exchanges.map((exchange) => {
      const body = parseJson(exchange.responseBody) as { error?: { fbtrace_id?: string } } | string;
      return typeof body === 'object' ? body.error?.fbtrace_id : undefined;
    }),
  );
  return client.transcript
    .flatMap(({ outcome }) => (outcome.ok ? [] : [outcome.error.fbtraceId ?? '(none)']))
    .filter((trace) => !sent.has(trace));
}
