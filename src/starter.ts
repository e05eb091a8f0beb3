/**
 * `npm run starter`: starts the order poller (and, in bulk mode, the ack batcher) for META_CMS_ID.
 * Idempotent: running it again reports them as already running.
 */
import { Client, Connection } from '@temporalio/client';
import { payloadEncryptionFromSetting } from './codec/data-converter.js';
import { loadConfig, temporalConnectConfig } from './config.js';
import { runMain } from './wiring/run-main.js';
import { intakeOptionsFrom, startIntake } from './intake/start-intake.js';

runMain(async () => {
  const config = loadConfig();
  const { connectionOptions, namespace } = temporalConnectConfig();
  const connection = await Connection.connect(connectionOptions);
  try {
    // The intake workflows' inputs are payloads too: encrypted like everything else when a key is set.
    const encryption = payloadEncryptionFromSetting(config.PAYLOAD_ENCRYPTION_KEYS);
    const client = new Client({ connection, namespace, dataConverter: encryption?.dataConverter });
    const result = await startIntake(client, intakeOptionsFrom(config));
    console.log(`order poller: ${result.poller}; ack batcher: ${result.batcher}`);
  } finally {
    await connection.close();
  }
});
