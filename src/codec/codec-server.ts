/**
 * A codec server: the encryption codec over HTTP, so the Temporal Web UI (`--ui-codec-endpoint`,
 * or its settings page) and the Temporal CLI (`--codec-endpoint`) show decrypted payloads while the
 * server stores only ciphertext. Temporal's codec server protocol:
 *
 *   POST /decode and POST /encode, body and answer {"payloads":[{"metadata":{"<key>":"<base64>"},"data":"<base64>"}]}
 *
 * The browser calls it directly from the Web UI's page, so it answers CORS requests from the
 * configured origins only, and refuses any other origin outright. With an auth token, every request
 * needs `Authorization: Bearer <token>` (the CLI's `--codec-auth`). It decrypts for whoever may call
 * it: keep it on loopback, or behind the same access control as the Web UI.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { readRawBody } from '../util/raw-body.js';
import { PayloadDecryptionError } from './encryption-codec.js';

/** A history page's payloads fit easily; more is not a codec request. */
export const MAX_CODEC_BODY_BYTES = 8 * 2 ** 20;

const base64 = z.base64();
const payloadsSchema = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), base64).nullish(),
      data: base64.nullish(),
    }),
  ),
});
type WirePayload = z.infer<typeof payloadsSchema>['payloads'][number];

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Origins (scheme://host:port) whose pages may call the server, e.g. the Web UI's. */
  allowedOrigins: readonly string[];
  /** When set, requests need `Authorization: Bearer <authToken>`. */
  authToken?: string | undefined;
}

interface Answer {
  status: number;
  body?: unknown;
}

const fromWire = (payload: WirePayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
  ),
  data: Buffer.from(payload.data ?? '', 'base64'),
});

const toWire = (payload: Payload): WirePayload => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
  ),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The request handler (tests mount it on their own server). */
export function codecRequestListener(options: CodecServerOptions) {
  const allowed = new Set(options.allowedOrigins.map((origin) => origin.replace(/\/$/, '')));
  const expectedAuthorization = options.authToken ? digest(`Bearer ${options.authToken}`) : undefined;

  function corsHeaders(origin: string | undefined): Record<string, string> {
    if (origin === undefined) return {};
    return {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    };
  }

  function authorized(request: IncomingMessage): boolean {
    if (!expectedAuthorization) return true;
    const header = request.headers.authorization;
    // Digests compared, so the comparison is constant-time whatever the header's length.
    return typeof header === 'string' && timingSafeEqual(digest(header), expectedAuthorization);
  }

  async function answer(request: IncomingMessage, path: string): Promise<Answer> {
    if (!authorized(request)) return { status: 401, body: { error: 'missing or wrong Authorization: Bearer token' } };
    const raw = await readRawBody(request, MAX_CODEC_BODY_BYTES);
    if (raw === undefined) return { status: 413, body: { error: `body over ${MAX_CODEC_BODY_BYTES} bytes` } };
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return { status: 400, body: { error: 'body is not JSON' } };
    }
    const parsed = payloadsSchema.safeParse(json);
    if (!parsed.success)
      return { status: 400, body: { error: 'expected {"payloads":[{"metadata":{...},"data":"<base64>"}]}' } };
    const payloads = parsed.data.payloads.map(fromWire);
    try {
      const result = path === '/decode' ? await options.codec.decode(payloads) : await options.codec.encode(payloads);
      return { status: 200, body: { payloads: result.map(toWire) } };
    } catch (err) {
      // Its message names the key id and what failed, never a key or a payload.
      if (err instanceof PayloadDecryptionError) return { status: 422, body: { error: err.message } };
      throw err;
    }
  }

  return (request: IncomingMessage, response: ServerResponse): void => {
    const origin = typeof request.headers.origin === 'string' ? request.headers.origin : undefined;
    const reply = (status: number, body?: unknown, extra: Record<string, string> = {}) => {
      const headers = { ...corsHeaders(origin), ...extra };
      if (body === undefined) response.writeHead(status, headers).end();
      else response.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    // A page from anywhere else gets nothing, not even an error it could read.
    if (origin !== undefined && !allowed.has(origin)) {
      request.resume();
      response.writeHead(403).end();
      return;
    }
    const path = new URL(request.url ?? '/', 'http://codec').pathname;
    if (path !== '/decode' && path !== '/encode') {
      request.resume();
      return reply(404, { error: 'POST /decode or /encode' });
    }
    if (request.method === 'OPTIONS') {
      request.resume();
      return reply(204, undefined, {
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'content-type, x-namespace, authorization',
        'access-control-max-age': '600',
        // Chrome's Private Network Access: a page may call a server on loopback when it says so.
        ...(request.headers['access-control-request-private-network'] === 'true'
          ? { 'access-control-allow-private-network': 'true' }
          : {}),
      });
    }
    if (request.method !== 'POST') {
      request.resume();
      return reply(405, { error: 'POST /decode or /encode' }, { allow: 'POST, OPTIONS' });
    }
    answer(request, path).then(
      ({ status, body }) => reply(status, body),
      () => reply(500, { error: 'codec failed' }),
    );
  };
}

export interface RunningCodecServer {
  /** e.g. http://127.0.0.1:8888: what `--ui-codec-endpoint` and `--codec-endpoint` take. */
  url: string;
  close(): Promise<void>;
}

export async function startCodecServer(
  options: CodecServerOptions & { host: string; port: number },
): Promise<RunningCodecServer> {
  const server = createServer(codecRequestListener(options));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
