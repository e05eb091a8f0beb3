/**
 * Test harness: a sandbox on a random port, its admin client, and a small Graph caller that
 * speaks plain HTTP (undici) the way the product's Graph client does.
 */
import { request } from 'undici';
import { expect } from 'vitest';
import {
  SandboxAdminClient,
  startSandbox,
  type RunningSandbox,
  type SandboxOptionsInput,
} from '../../../sandbox/index.js';

export const VERSION = 'v22.0';

// Responses are asserted field by field; a loose type keeps the tests readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface GraphResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Json;
}

export interface CallOptions {
  /** null = send no token; default: the sandbox's token as a Bearer header. */
  token?: string | null;
  /** Put the token in the `access_token` parameter instead of the header. */
  tokenAsParam?: boolean;
  /** POST encoding; default json. */
  encoding?: 'json' | 'form';
  extraHeaders?: Record<string, string>;
  headersTimeout?: number;
}

export class GraphCaller {
  constructor(
    readonly url: string,
    public token: string,
  ) {}

  private authed(
    params: Record<string, unknown>,
    options: CallOptions,
  ): { params: Record<string, unknown>; headers: Record<string, string> } {
    const token = options.token === undefined ? this.token : options.token;
    const headers: Record<string, string> = { ...options.extraHeaders };
    if (token === null) return { params, headers };
    if (options.tokenAsParam) return { params: { ...params, access_token: token }, headers };
    return { params, headers: { ...headers, authorization: `Bearer ${token}` } };
  }

  async get(
    path: string,
    query: Record<string, string | number> = {},
    options: CallOptions = {},
  ): Promise<GraphResponse> {
    const { params, headers } = this.authed(query, options);
    const search = new URLSearchParams(
      Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    return this.send('GET', `/${VERSION}${path}${search ? `?${search}` : ''}`, headers, undefined, options);
  }

  /** Follows an absolute link from a response (paging.next), with the header token. */
  async follow(link: string, options: CallOptions = {}): Promise<GraphResponse> {
    const { headers } = this.authed({}, options);
    const url = new URL(link);
    return this.send('GET', `${url.pathname}${url.search}`, headers, undefined, options);
  }

  async post(path: string, body: Record<string, unknown>, options: CallOptions = {}): Promise<GraphResponse> {
    return this.write('POST', path, body, options);
  }

  async delete(path: string, body: Record<string, unknown> = {}, options: CallOptions = {}): Promise<GraphResponse> {
    return this.write('DELETE', path, body, options);
  }

  private async write(
    method: 'POST' | 'DELETE',
    path: string,
    body: Record<string, unknown>,
    options: CallOptions,
  ): Promise<GraphResponse> {
    const { params, headers } = this.authed(body, options);
    if (options.encoding === 'form') {
      const form = new URLSearchParams(
        Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      ).toString();
      return this.send(
        method,
        `/${VERSION}${path}`,
        { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        form,
        options,
      );
    }
    return this.send(
      method,
      `/${VERSION}${path}`,
      { ...headers, 'content-type': 'application/json' },
      JSON.stringify(params),
      options,
    );
  }

  /** Anything at all, for malformed-input tests. */
  async raw(
    method: string,
    pathAndQuery: string,
    headers: Record<string, string> = {},
    body?: string | Buffer,
  ): Promise<GraphResponse> {
    return this.send(method, pathAndQuery, headers, body, {});
  }

  private async send(
    method: string,
    pathAndQuery: string,
    headers: Record<string, string>,
    body: string | Buffer | undefined,
    options: CallOptions,
  ): Promise<GraphResponse> {
    const response = await request(`${this.url}${pathAndQuery}`, {
      method: method as 'GET',
      headers,
      body,
      headersTimeout: options.headersTimeout,
    });
    const text = await response.body.text();
    let parsed: Json = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // left as text; the assertion will show it
    }
    return { status: response.statusCode, headers: response.headers, body: parsed };
  }
}

export interface TestSandbox {
  sandbox: RunningSandbox;
  admin: SandboxAdminClient;
  graph: GraphCaller;
  cmsId: string;
  close(): Promise<void>;
}

/**
 * Released at once by default (releaseDelayMs 0), so created orders are CREATED on the first read.
 */
export async function startTestSandbox(options: SandboxOptionsInput = {}): Promise<TestSandbox> {
  const sandbox = await startSandbox({ port: 0, releaseDelayMs: 0, ...options });
  return {
    sandbox,
    admin: new SandboxAdminClient(sandbox.url),
    graph: new GraphCaller(sandbox.url, sandbox.options.accessToken),
    cmsId: sandbox.options.cmsId,
    close: () => sandbox.close(),
  };
}

/** Asserts Meta's error envelope and returns the error object. */
export function expectGraphError(response: GraphResponse, code: number, subcode?: number): Json {
  expect(response.status, JSON.stringify(response.body)).toBeGreaterThanOrEqual(400);
  expect(response.body.error, JSON.stringify(response.body)).toBeDefined();
  expect(response.body.error.code, JSON.stringify(response.body)).toBe(code);
  if (subcode !== undefined) expect(response.body.error.error_subcode, JSON.stringify(response.body)).toBe(subcode);
  expect(typeof response.body.error.message).toBe('string');
  expect(typeof response.body.error.type).toBe('string');
  expect(response.body.error.fbtrace_id).toMatch(/^[A-Za-z0-9_-]{10,}$/);
  return response.body.error;
}

let keyCounter = 0;
/** A fresh idempotency key per request, UUID-like with hyphens. */
export function newKey(): string {
  keyCounter += 1;
  return `test-${process.pid}-${Date.now().toString(36)}-${keyCounter}`;
}

export const TRACKING = { carrier: 'UPS', tracking_number: '1Z999AA10123456784', shipping_method_name: 'Ground' };
