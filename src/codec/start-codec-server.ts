/** The codec server as the settings describe it; a busy port is a one-line setting error. */
import { codecServerOrigins, ConfigError, type AppConfig } from '../config.js';
import { startCodecServer, type RunningCodecServer } from './codec-server.js';
import { payloadEncryptionFromSetting } from './data-converter.js';

export async function startCodecServerFor(config: AppConfig): Promise<RunningCodecServer> {
  const encryption = payloadEncryptionFromSetting(config.PAYLOAD_ENCRYPTION_KEYS);
  if (!encryption)
    throw new ConfigError('the codec server needs PAYLOAD_ENCRYPTION_KEYS (the same keys as the worker)');
  try {
    return await startCodecServer({
      codec: encryption.codec,
      allowedOrigins: codecServerOrigins(config),
      authToken: config.CODEC_SERVER_AUTH_TOKEN,
      host: config.CODEC_SERVER_HOST,
      port: config.CODEC_SERVER_PORT,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === 'EADDRINUSE')
      throw new ConfigError(
        `Port ${config.CODEC_SERVER_PORT} is already in use (CODEC_SERVER_PORT): stop what holds it, or set CODEC_SERVER_PORT to a free port`,
      );
    throw err;
  }
}
