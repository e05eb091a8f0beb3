/**
 * The DataConverter the worker and the clients use with encryption on, loaded as the SDK loads it
 * (the failure converter by path, with require()): values and failure messages leave encrypted
 * and come back as they were.
 */
import { ApplicationFailure, type ProtoFailure } from '@temporalio/common';
import {
  decodeArrayFromPayloads,
  decodeFailure,
  encodeErrorToFailure,
  encodeToPayloads,
  loadDataConverter,
} from '@temporalio/common/lib/internal-non-workflow/index.js';
import { describe, expect, it } from 'vitest';
import { encryptionKeys, payloadDataConverter, payloadEncryption } from '../../../src/codec/index.js';
import { KEY_1, KEY_2 } from './keys.js';

const ORDER_ID = '310000000000007';
const loaded = () => loadDataConverter(payloadEncryption(encryptionKeys(`k2:${KEY_2},k1:${KEY_1}`)).dataConverter);
const asText = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));

describe('the encrypting DataConverter', () => {
  it('encrypts values on the way out and decrypts them on the way in', async () => {
    const converter = loaded();
    const payloads = await encodeToPayloads(converter, { orderId: ORDER_ID }, 'second');
    expect(payloads).toHaveLength(2);
    expect(asText(payloads)).not.toContain(ORDER_ID);
    expect(await decodeArrayFromPayloads(converter, payloads)).toEqual([{ orderId: ORDER_ID }, 'second']);
  });

  it('moves failure messages and stacks into an encrypted payload (encodeCommonAttributes), and back', async () => {
    const converter = loaded();
    const error = ApplicationFailure.nonRetryable(`OMS refused order ${ORDER_ID}`, 'OmsRejected', {
      orderId: ORDER_ID,
    });
    const failure: ProtoFailure = await encodeErrorToFailure(converter, error);
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(Buffer.from(failure.encodedAttributes!.metadata!.encoding!).toString()).toBe('binary/encrypted');
    // Type and retryability stay readable (the server and the SDK act on them); text and details do not.
    expect(failure.applicationFailureInfo).toMatchObject({ type: 'OmsRejected', nonRetryable: true });
    expect(asText(failure)).not.toContain(ORDER_ID);

    const decoded = await decodeFailure(converter.payloadCodecs, failure);
    const back = converter.failureConverter.failureToError(decoded, converter.payloadConverter) as ApplicationFailure;
    expect(back.message).toBe(`OMS refused order ${ORDER_ID}`);
    expect(back.details).toEqual([{ orderId: ORDER_ID }]);
  });

  it('is off when PAYLOAD_ENCRYPTION_KEYS is unset, and refuses a malformed one without showing it', () => {
    expect(payloadDataConverter({})).toBeUndefined();
    expect(payloadDataConverter({ PAYLOAD_ENCRYPTION_KEYS: `k1:${KEY_1}` })?.payloadCodecs).toHaveLength(1);
    expect(() => payloadDataConverter({ PAYLOAD_ENCRYPTION_KEYS: 'k1:tooshort' })).toThrow(
      'invalid payload encryption keys: key k1: expected the base64 of 32 random bytes (openssl rand -base64 32)',
    );
  });
});
