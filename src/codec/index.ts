export { CIPHER, ENCRYPTED_ENCODING, EncryptionCodec, METADATA, PayloadDecryptionError } from './encryption-codec.js';
export { ENCRYPTION_KEY_BYTES, encryptionKeys, parseEncryptionKeys, type EncryptionKeys } from './encryption-keys.js';
export {
  ENCRYPTED_FAILURE_CONVERTER_PATH,
  payloadDataConverter,
  payloadEncryption,
  payloadEncryptionFromSetting,
  type PayloadEncryption,
} from './data-converter.js';
