import { describe, expect, it } from 'vitest';
import { describeFailure, redactSecrets } from '../../../src/cli/failures.js';
import { PayloadDecryptionError } from '../../../src/codec/index.js';

describe('the CLI with encrypted payloads', () => {
  it('says to set the keys when it meets an encrypted payload without them (a setting: exit 78)', () => {
    const sdkError = new Error('Failed to query workflow', { cause: new Error('Unknown encoding: binary/encrypted') });
    expect(describeFailure(sdkError, 'localhost:7233')).toEqual({
      line: 'the order data is encrypted: set PAYLOAD_ENCRYPTION_KEYS to the keys the worker uses',
      exitCode: 78,
    });
    const wrongKeys = new PayloadDecryptionError(
      'payload encrypted with key id "k1", which is not configured (known: k9)',
    );
    expect(describeFailure(wrongKeys, undefined)).toEqual({
      line: 'cannot decrypt: payload encrypted with key id "k1", which is not configured (known: k9)',
      exitCode: 78,
    });
  });

  it('redacts each encryption key on its own, not only the whole setting', () => {
    const key = Buffer.alloc(32, 5).toString('base64');
    const env = { PAYLOAD_ENCRYPTION_KEYS: `k2:${key},k1:${Buffer.alloc(32, 6).toString('base64')}` };
    expect(redactSecrets(`key ${key} leaked`, env)).toBe('key [redacted] leaked');
  });
});
