/**
 * A PayloadCodec that encrypts every payload with AES-256-GCM before it leaves the process, so
 * Temporal's server, its database and its history exports hold only ciphertext. The SDK runs codecs
 * outside the workflow sandbox, on the worker's and the client's side of the wire; it never encodes
 * search attributes (they must stay readable for queries) or headers.
 *
 * An encrypted payload:
 *   metadata  encoding = binary/encrypted, encryption-cipher = AES-256-GCM, encryption-key-id = <id>
 *   data      12-byte IV | ciphertext of the original Payload (protobuf, metadata included) | 16-byte tag
 * The key id and the cipher are authenticated too (additional data), so a payload cannot be passed
 * off under another key's id. Payloads that are not encrypted pass through decode unchanged: a
 * history begun before encryption was switched on stays readable.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
// A CommonJS package whose exports Node's ESM loader cannot list: imported whole.
import proto from '@temporalio/proto';
import type { EncryptionKeys } from './encryption-keys.js';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const CIPHER = 'AES-256-GCM';
export const METADATA = {
  encoding: 'encoding',
  cipher: 'encryption-cipher',
  keyId: 'encryption-key-id',
} as const;

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);
const additionalData = (keyId: string) => Buffer.from(`${ENCRYPTED_ENCODING};${CIPHER};${keyId}`, 'utf8');

/** A payload this codec cannot decrypt: unknown key id, tampered with, or malformed. Never holds a key. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: EncryptionKeys) {}

  /** The id new payloads are encrypted with. */
  get currentKeyId(): string {
    return this.keys.currentId;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keys.currentId;
    const key = this.keys.keys.get(keyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(keyId));
      const plaintext = PayloadMessage.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA.encoding]: utf8(ENCRYPTED_ENCODING),
          [METADATA.cipher]: utf8(CIPHER),
          [METADATA.keyId]: utf8(keyId),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decodeOne(payload));
  }

  private decodeOne(payload: Payload): Payload {
    const metadata = payload.metadata ?? {};
    if (text(metadata[METADATA.encoding]) !== ENCRYPTED_ENCODING) return payload;
    const cipherName = text(metadata[METADATA.cipher]);
    if (cipherName !== CIPHER)
      throw new PayloadDecryptionError(`encrypted payload with unsupported cipher ${quote(cipherName)}`);
    const keyId = text(metadata[METADATA.keyId]);
    const key = keyId === undefined ? undefined : this.keys.keys.get(keyId);
    if (!key || keyId === undefined) {
      throw new PayloadDecryptionError(
        `payload encrypted with key id ${quote(keyId)}, which is not configured (known: ${[...this.keys.keys.keys()].join(', ')}): add that key to PAYLOAD_ENCRYPTION_KEYS`,
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadDecryptionError('encrypted payload is too short to be one');
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(keyId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `encrypted payload failed authentication under key id ${quote(keyId)}: it was altered, or encrypted with another key of that id`,
      );
    }
    return PayloadMessage.decode(plaintext);
  }
}

/** A metadata value in an error: short and printable, since it comes from the payload, not from us. */
function quote(value: string | undefined): string {
  if (value === undefined) return '(none)';
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}
