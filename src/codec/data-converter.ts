/**
 * The DataConverter for payload encryption: the encryption codec for every payload, and the failure
 * converter that moves failure messages and stacks into an (encrypted) payload. Worker and client
 * must both use it: the worker (createWorkers) to write and read history, the client (OrderClient,
 * the CLI, the starter) to send commands and read states. Off when no key is configured.
 */
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec.js';
import { encryptionKeys, type EncryptionKeys } from './encryption-keys.js';

/**
 * The CommonJS module with the failure converter (see its comment): the same path in the worker,
 * the client and the workflow bundle.
 */
export const ENCRYPTED_FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

export interface PayloadEncryption {
  codec: EncryptionCodec;
  dataConverter: DataConverter;
}

/** Encryption with these keys (the first encrypts, all decrypt). */
export function payloadEncryption(keys: EncryptionKeys): PayloadEncryption {
  const codec = new EncryptionCodec(keys);
  return { codec, dataConverter: { payloadCodecs: [codec], failureConverterPath: ENCRYPTED_FAILURE_CONVERTER_PATH } };
}

/** From the PAYLOAD_ENCRYPTION_KEYS setting (already validated by loadConfig); undefined when unset. */
export function payloadEncryptionFromSetting(keys: string | undefined): PayloadEncryption | undefined {
  return keys ? payloadEncryption(encryptionKeys(keys)) : undefined;
}

/**
 * For a merchant's own Client (`new Client({ connection, dataConverter: payloadDataConverter() })`):
 * the DataConverter for the environment's PAYLOAD_ENCRYPTION_KEYS, or undefined (the SDK's default)
 * when it is unset. A malformed value throws a TypeError that names the problem, never a key.
 */
export function payloadDataConverter(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  return payloadEncryptionFromSetting(env.PAYLOAD_ENCRYPTION_KEYS)?.dataConverter;
}
