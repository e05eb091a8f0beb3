/**
 * `npm run codec-server` (production: `node dist/codec-server.js`): the codec server for
 * PAYLOAD_ENCRYPTION_KEYS on CODEC_SERVER_HOST:CODEC_SERVER_PORT, so the Temporal Web UI and CLI
 * show decrypted payloads (src/codec/codec-server.ts). `npm start` runs one itself when a key is set.
 */
import { codecServerOrigins, loadConfig } from './config.js';
import { startCodecServerFor } from './codec/start-codec-server.js';
import { runMain } from './wiring/run-main.js';
import { onStopSignal } from './wiring/stop-signals.js';

runMain(async () => {
  const config = loadConfig();
  const server = await startCodecServerFor(config);
  console.log(
    `codec server on ${server.url} (POST /decode, /encode) for ${codecServerOrigins(config).join(', ')}${config.CODEC_SERVER_AUTH_TOKEN ? ', bearer token required' : ''}`,
  );
  console.log(`Web UI: temporal server start-dev --ui-codec-endpoint ${server.url} (or the UI's codec server setting)`);
  await new Promise<void>((resolve) => onStopSignal(() => resolve()));
  await server.close();
});
