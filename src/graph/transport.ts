/**
 * The one place that speaks HTTP to Meta: builds the URL, authenticates (Bearer header plus
 * appsecret_proof), enforces the per-request time limit, records usage headers, and turns every
 * failure into a GraphError / GraphResponseError whose text has been redacted.
 */
import { createHmac } from 'node:crypto';
import { Pool, request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { classifyErrorResponse, describeNetworkFailure, MetaErrorEnvelope, type MetaErrorBody } from './classify.js';
import { GraphError, GraphResponseError } from './errors.js';
import { Redactor } from './redact.js';
import { UsageTracker, type HeaderBag } from './usage.js';

export interface TransportOptions {
  /** https://graph.facebook.com, or the sandbox's URL. A path prefix is kept. */
  baseUrl: string;
  /** e.g. "v22.0". */
  apiVersion: string;
  accessToken: string;
  appSecret?: string | undefined;
  /** Whole-request limit (connect, send, headers and body). Default 15 s. */
  timeoutMs?: number | undefined;
  /** Keep-alive connections in the pool. Default 10. */
  connections?: number | undefined;
  /** Use this dispatcher (e.g. undici's MockAgent) instead of an own Pool; it is not closed by close(). */
  dispatcher?: Dispatcher | undefined;
}

export type HttpMethod = 'GET' | 'POST' | 'DELETE';
export type QueryValue = string | number | undefined;

export interface GraphCall<S extends z.ZodType> {
  method: HttpMethod;
  /** Endpoint template for messages, e.g. "GET /{order-id}"; never holds a real id or URL. */
  endpoint: string;
  /** Path below the API version, e.g. ["123", "shipments"]; each part is an already-checked id or name. */
  path: readonly string[];
  query?: Record<string, QueryValue> | undefined;
  body?: Record<string, unknown> | undefined;
  schema: S;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_CONNECTIONS = 10;

export class GraphTransport {
  readonly usage = new UsageTracker();
  private readonly origin: string;
  private readonly prefix: string;
  private readonly apiVersion: string;
  private readonly authorization: string;
  private readonly appSecretProof: string | undefined;
  private readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly redactor: Redactor;

  constructor(options: TransportOptions) {
    const base = new URL(options.baseUrl);
    if (base.protocol !== 'https:' && base.protocol !== 'http:')
      throw new TypeError('GraphClient: baseUrl must be http(s)');
    if (!/^v\d+\.\d+$/.test(options.apiVersion)) throw new TypeError('GraphClient: apiVersion must look like "v22.0"');
    if (!options.accessToken) throw new TypeError('GraphClient: accessToken is required');
    this.origin = base.origin;
    this.prefix = base.pathname.replace(/\/+$/, '');
    this.apiVersion = options.apiVersion;
    this.authorization = `Bearer ${options.accessToken}`;
    this.appSecretProof = options.appSecret
      ? createHmac('sha256', options.appSecret).update(options.accessToken).digest('hex')
      : undefined;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.redactor = new Redactor([options.accessToken, options.appSecret, this.appSecretProof]);
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Pool(this.origin, {
        connections: options.connections ?? DEFAULT_CONNECTIONS,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        connect: { timeout: Math.min(this.timeoutMs, 10_000) },
      });
  }

  /** Scrubs credentials from text the caller wants to log. */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  async call<S extends z.ZodType>(call: GraphCall<S>): Promise<z.output<S>> {
    const url = this.url(call.path, call.query);
    const headers: Record<string, string> = { authorization: this.authorization, accept: 'application/json' };
    let body: string | undefined;
    if (call.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.body);
    }
    const signal = AbortSignal.timeout(this.timeoutMs);

    let statusCode: number;
    let responseHeaders: HeaderBag;
    let text: string;
    try {
      const response = await request(url, {
        dispatcher: this.dispatcher,
        method: call.method,
        headers,
        body,
        signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      statusCode = response.statusCode;
      responseHeaders = response.headers;
      text = await response.body.text();
    } catch (err) {
      throw this.networkError(call, err, signal.aborted);
    }

    this.usage.record(responseHeaders);
    const json = parseJson(text);
    const envelope = MetaErrorEnvelope.safeParse(json);
    if (statusCode >= 300 || envelope.success) {
      throw this.errorResponse(
        call,
        statusCode,
        responseHeaders,
        envelope.success ? envelope.data.error : undefined,
        text,
      );
    }
    if (json === NOT_JSON) {
      const message = this.redact(`${call.endpoint}: (body): expected JSON, got ${describeText(text)}`);
      throw new GraphResponseError(message, call.endpoint, '(body)', statusCode);
    }
    const parsed = call.schema.safeParse(json);
    if (!parsed.success) throw responseError(call.endpoint, statusCode, parsed.error);
    return parsed.data;
  }

  private url(path: readonly string[], query: Record<string, QueryValue> | undefined): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(key, String(value));
    if (this.appSecretProof) search.set('appsecret_proof', this.appSecretProof);
    const qs = search.toString();
    return `${this.origin}${this.prefix}/${this.apiVersion}/${path.map(encodeURIComponent).join('/')}${qs ? `?${qs}` : ''}`;
  }

  private errorResponse(
    call: GraphCall<z.ZodType>,
    httpStatus: number,
    headers: HeaderBag,
    error: MetaErrorBody | undefined,
    text: string,
  ): GraphError {
    const init = classifyErrorResponse({ endpoint: call.endpoint, method: call.method, httpStatus, headers, error });
    const what = error?.message ?? `HTTP ${httpStatus} ${describeText(text)}`;
    const facts = [
      init.code !== undefined ? `code ${init.code}` : undefined,
      init.subcode !== undefined ? `subcode ${init.subcode}` : undefined,
      `HTTP ${httpStatus}`,
      init.fbtraceId ? `fbtrace_id ${init.fbtraceId}` : undefined,
    ].filter(Boolean);
    const message = this.redact(`${call.endpoint}: ${init.kind}: ${what} [${facts.join(', ')}]`);
    return new GraphError(message, {
      ...init,
      userTitle: init.userTitle && this.redact(init.userTitle),
      userMessage: init.userMessage && this.redact(init.userMessage),
    });
  }

  private networkError(call: GraphCall<z.ZodType>, err: unknown, timedOutByUs: boolean): GraphError {
    const failure = describeNetworkFailure(err, timedOutByUs);
    const mayHaveBeenApplied = call.method !== 'GET' && failure.sent;
    const what = failure.timedOut ? `timed out after ${this.timeoutMs} ms` : 'network error';
    const code = failure.networkCode ? ` (${failure.networkCode})` : '';
    const applied = mayHaveBeenApplied
      ? '; the request may have been applied, retry with the same idempotency key'
      : '';
    const message = this.redact(`${call.endpoint}: transient: ${what}${code}: ${failure.detail}${applied}`);
    return new GraphError(message, {
      kind: 'transient',
      endpoint: call.endpoint,
      mayHaveBeenApplied,
      timedOut: failure.timedOut,
      networkCode: failure.networkCode,
    });
  }
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function describeText(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '(empty body)';
  return JSON.stringify(trimmed.length > 80 ? `${trimmed.slice(0, 80)}...` : trimmed);
}

/** "data[3].order_status.state" from zod's path. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

export function responseError(endpoint: string, httpStatus: number, error: z.ZodError): GraphResponseError {
  const [first, ...rest] = error.issues;
  const path = formatPath(first?.path ?? []);
  const detail = (first?.message ?? 'invalid').replace(/^Invalid input: /, '');
  const more = rest.length > 0 ? ` (and ${rest.length} more issue${rest.length > 1 ? 's' : ''})` : '';
  return new GraphResponseError(`${endpoint}: ${path}: ${detail}${more}`, endpoint, path, httpStatus);
}
