/**
 * The codec server over real HTTP: Temporal's codec protocol, CORS for the Web UI's origin only,
 * the optional bearer token, and clear refusals.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCodecServer, type RunningCodecServer } from '../../../src/codec/codec-server.js';
import { EncryptionCodec, encryptionKeys } from '../../../src/codec/index.js';
import { KEY_1, KEY_2, KEY_3 } from './keys.js';

const UI = 'http://localhost:8233';
const TOKEN = 'codec-token-0123456789abcdef';
const codec = new EncryptionCodec(encryptionKeys(`k2:${KEY_2},k1:${KEY_1}`));
let open: RunningCodecServer;
let guarded: RunningCodecServer;

beforeAll(async () => {
  open = await startCodecServer({ codec, allowedOrigins: [UI, 'https://ui.example.com/'], host: '127.0.0.1', port: 0 });
  guarded = await startCodecServer({ codec, allowedOrigins: [UI], authToken: TOKEN, host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await open?.close();
  await guarded?.close();
});

const wire = (payloads: Payload[]) => ({
  payloads: payloads.map((p) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? []).toString('base64'),
  })),
});
const fromWire = (body: { payloads: { metadata: Record<string, string>; data: string }[] }): Payload[] =>
  body.payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data, 'base64'),
  }));

async function post(server: RunningCodecServer, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await request(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    json: text ? (JSON.parse(text) as unknown) : undefined,
  };
}

describe('the codec server', () => {
  it('decodes what the workers encrypted, for the Web UI origin, with CORS headers', async () => {
    const encrypted = await codec.encode([defaultPayloadConverter.toPayload({ orderId: '310000000000007' })!]);
    const answer = await post(open, '/decode', wire(encrypted), { origin: UI });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe(UI);
    expect(answer.headers['access-control-allow-credentials']).toBe('true');
    const [decoded] = fromWire(answer.json as never);
    expect(Buffer.from(decoded!.metadata!.encoding!).toString()).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ orderId: '310000000000007' });
  });

  it('encodes with the current key (what the UI sends, e.g. a signal input)', async () => {
    const answer = await post(open, '/encode', wire([defaultPayloadConverter.toPayload('hello')!]));
    expect(answer.status).toBe(200);
    const [encrypted] = fromWire(answer.json as never);
    expect(Buffer.from(encrypted!.metadata!['encryption-key-id']!).toString()).toBe('k2');
    expect(defaultPayloadConverter.fromPayload((await codec.decode([encrypted!]))[0]!)).toBe('hello');
  });

  it("answers the browser's preflight for allowed origins (a trailing slash in the setting is fine)", async () => {
    for (const origin of [UI, 'https://ui.example.com']) {
      const response = await request(`${open.url}/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
          'access-control-request-private-network': 'true',
        },
      });
      await response.body.dump();
      expect(response.statusCode, origin).toBe(204);
      expect(response.headers).toMatchObject({
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'content-type, x-namespace, authorization',
        'access-control-allow-private-network': 'true',
      });
    }
  });

  it('refuses pages of other origins outright, preflight or not', async () => {
    const encrypted = await codec.encode([defaultPayloadConverter.toPayload('secret')!]);
    const answer = await post(open, '/decode', wire(encrypted), { origin: 'https://evil.example' });
    expect(answer).toMatchObject({ status: 403, json: undefined });
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(`${open.url}/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:9999' },
    });
    await preflight.body.dump();
    expect(preflight.statusCode).toBe(403);
  });

  it('with a token, answers only requests that carry it (the preflight needs none)', async () => {
    const body = wire(await codec.encode([defaultPayloadConverter.toPayload(1)!]));
    expect((await post(guarded, '/decode', body)).status).toBe(401);
    expect((await post(guarded, '/decode', body, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await post(guarded, '/decode', body, { authorization: TOKEN })).status).toBe(401);
    expect((await post(guarded, '/decode', body, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    const preflight = await request(`${guarded.url}/decode`, { method: 'OPTIONS', headers: { origin: UI } });
    await preflight.body.dump();
    expect(preflight.statusCode).toBe(204);
  });

  it('says clearly what is wrong: unknown key, malformed body, wrong path or method', async () => {
    const foreign = await new EncryptionCodec(encryptionKeys(`k9:${KEY_3}`)).encode([
      defaultPayloadConverter.toPayload(1)!,
    ]);
    expect(await post(open, '/decode', wire(foreign))).toMatchObject({
      status: 422,
      json: { error: expect.stringContaining('key id "k9", which is not configured (known: k2, k1)') },
    });
    expect(await post(open, '/decode', 'not json')).toMatchObject({ status: 400, json: { error: 'body is not JSON' } });
    expect((await post(open, '/decode', { payloads: [{ data: '***' }] })).status).toBe(400);
    expect((await post(open, '/decode', { nope: [] })).status).toBe(400);
    expect((await post(open, '/', { payloads: [] })).status).toBe(404);
    const get = await request(`${open.url}/decode`);
    await get.body.dump();
    expect(get.statusCode).toBe(405);
    expect(await post(open, '/decode', { payloads: [] })).toMatchObject({ status: 200, json: { payloads: [] } });
  });
});
