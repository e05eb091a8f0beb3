import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  EncryptionCodec,
  encryptionKeys,
  parseEncryptionKeys,
  PayloadDecryptionError,
} from '../../../src/codec/index.js';
import { KEY_1, KEY_2, KEY_3 } from './keys.js';

const ORDER = { orderId: '310000000000007', buyer: 'Zoë Ångström' };
const plain = (): Payload => defaultPayloadConverter.toPayload(ORDER)!;
const meta = (payload: Payload, key: string) => Buffer.from(payload.metadata![key]!).toString('utf8');
const codec = (keys: string) => new EncryptionCodec(encryptionKeys(keys));
const decodeError = async (decoding: Promise<unknown>) =>
  decoding.then(
    () => undefined,
    (err: unknown) => err as Error,
  );

describe('EncryptionCodec', () => {
  it('encrypts with the current key: binary/encrypted, the key id in the metadata, no plaintext in the data', async () => {
    const [encrypted] = await codec(`k2:${KEY_2},k1:${KEY_1}`).encode([plain()]);
    expect(meta(encrypted!, 'encoding')).toBe('binary/encrypted');
    expect(meta(encrypted!, 'encryption-key-id')).toBe('k2');
    expect(meta(encrypted!, 'encryption-cipher')).toBe('AES-256-GCM');
    expect(Object.keys(encrypted!.metadata!).sort()).toEqual(['encoding', 'encryption-cipher', 'encryption-key-id']);
    const data = Buffer.from(encrypted!.data!);
    for (const text of ['310000000000007', 'Zo', 'json/plain', 'orderId'])
      expect(data.includes(text), text).toBe(false);
  });

  it('decodes what it encoded, the original metadata included; the same payload twice gives two ciphertexts', async () => {
    const c = codec(`k1:${KEY_1}`);
    const [a, b] = await c.encode([plain(), plain()]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    const decoded = await c.decode([a!, b!]);
    for (const payload of decoded) expect(defaultPayloadConverter.fromPayload(payload)).toEqual(ORDER);
    expect(meta(decoded[0]!, 'encoding')).toBe('json/plain');
    // Every payload shape the SDK sends: undefined (binary/null), bytes, an empty list.
    const odd = [
      defaultPayloadConverter.toPayload(undefined)!,
      defaultPayloadConverter.toPayload(new Uint8Array([0, 1, 2]))!,
    ];
    const back = await c.decode(await c.encode(odd));
    expect(defaultPayloadConverter.fromPayload(back[0]!)).toBeUndefined();
    expect(defaultPayloadConverter.fromPayload(back[1]!)).toEqual(new Uint8Array([0, 1, 2]));
    expect(await c.encode([])).toEqual([]);
  });

  it('rotates: after a new key goes in front, payloads of the old key still decode, new ones use the new key', async () => {
    const [old] = await codec(`k1:${KEY_1}`).encode([plain()]);
    const rotated = codec(`k2:${KEY_2},k1:${KEY_1}`);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!)).toEqual(ORDER);
    const [fresh] = await rotated.encode([plain()]);
    expect(meta(fresh!, 'encryption-key-id')).toBe('k2');
    expect(rotated.currentKeyId).toBe('k2');
  });

  it('passes payloads that are not encrypted through (a history begun before encryption stays readable)', async () => {
    const payload = plain();
    expect(await codec(`k1:${KEY_1}`).decode([payload])).toEqual([payload]);
  });

  it('refuses a payload of a key it does not have, naming the key id and the setting', async () => {
    const [old] = await codec(`k1:${KEY_1}`).encode([plain()]);
    const error = await decodeError(codec(`k3:${KEY_3},k2:${KEY_2}`).decode([old!]));
    expect(error).toBeInstanceOf(PayloadDecryptionError);
    expect(error?.message).toBe(
      'payload encrypted with key id "k1", which is not configured (known: k3, k2): add that key to PAYLOAD_ENCRYPTION_KEYS',
    );
    for (const key of [KEY_1, KEY_2, KEY_3]) expect(error?.message).not.toContain(key);
  });

  it('refuses a tampered payload: a flipped bit, another key id, another key under the same id, cut short', async () => {
    const both = codec(`k2:${KEY_2},k1:${KEY_1}`);
    const [payload] = await both.encode([plain()]);
    const withData = (data: Uint8Array): Payload => ({ ...payload, data });
    const withMeta = (key: string, value: string): Payload => ({
      ...payload,
      metadata: { ...payload!.metadata, [key]: new TextEncoder().encode(value) },
    });
    const flipped = Buffer.from(payload!.data!);
    flipped[20] = flipped[20]! ^ 1;
    const cases: [string, Promise<unknown>, RegExp][] = [
      ['flipped bit', both.decode([withData(flipped)]), /failed authentication under key id "k2"/],
      // The key id is authenticated: claiming the other configured key fails too.
      ['key id swapped', both.decode([withMeta('encryption-key-id', 'k1')]), /failed authentication under key id "k1"/],
      ['another key, same id', codec(`k2:${KEY_3}`).decode([payload!]), /failed authentication/],
      ['cut short', both.decode([withData(Buffer.from(payload!.data!).subarray(0, 20))]), /too short/],
      ['other cipher', both.decode([withMeta('encryption-cipher', 'ROT13')]), /unsupported cipher "ROT13"/],
      [
        'no key id',
        both.decode([{ ...payload, metadata: { ...payload!.metadata, 'encryption-key-id': undefined! } }]),
        /key id \(none\)/,
      ],
    ];
    for (const [what, decoding, message] of cases) {
      const error = await decodeError(decoding);
      expect(error, what).toBeInstanceOf(PayloadDecryptionError);
      expect(error?.message, what).toMatch(message);
    }
  });
});

describe('parseEncryptionKeys', () => {
  it('reads key ids and base64 keys of 32 bytes, current first', () => {
    const parsed = parseEncryptionKeys(`k2:${KEY_2}, k1:${KEY_1}`);
    expect(parsed.ok && parsed.keys.currentId).toBe('k2');
    expect(parsed.ok && [...parsed.keys.keys.keys()]).toEqual(['k2', 'k1']);
  });

  it('says what is wrong without showing a key', () => {
    const problem = (text: string) => {
      const parsed = parseEncryptionKeys(text);
      return parsed.ok ? undefined : parsed.problem;
    };
    const short = Buffer.alloc(16, 7).toString('base64');
    expect(problem(KEY_1)).toBe('entry 1 is not <key id>:<key>');
    expect(problem(`k1:${short}`)).toBe('key k1: expected the base64 of 32 random bytes (openssl rand -base64 32)');
    expect(problem(`k1:${KEY_1.replace('A', '%')}`)).toMatch(/^key k1: expected the base64/);
    expect(problem(`k1:${KEY_1},k1:${KEY_2}`)).toBe('key id k1 appears twice');
    expect(problem(`k 1:${KEY_1}`)).toMatch(/^entry 1: the key id/);
    expect(problem('')).toBe('entry 1 is not <key id>:<key>');
    for (const text of [KEY_1, `k1:${short}`]) expect(problem(text)).not.toContain(text.slice(-20));
    expect(() => encryptionKeys(`k1:${short}`)).toThrow(/^invalid payload encryption keys: key k1/);
  });
});
