/**
 * `npm run oms-server` (built: `node dist/oms-server.js`): the reference OMS in a process of its
 * own, receiving the signed events of the HTTP adapter. Point a worker at it with
 *   OMS_ADAPTER=http OMS_WEBHOOK_URL=http://127.0.0.1:8790/oms/events OMS_WEBHOOK_SECRET=<the same secret>
 * Settings: OMS_WEBHOOK_SECRET (required, at least 16 characters) and OMS_WEBHOOK_KEY_ID (the
 * worker's), OMS_DATA_DIR (the database folder), OMS_SERVER_PORT and OMS_SERVER_HOST. Prints one line with its URL once it listens (`npm start` waits for it);
 * SIGINT/SIGTERM close the server and then the database.
 */
import { ConfigError, loadConfig } from './config.js';
import { ReferenceOms } from './oms/reference/index.js';
import { OMS_SERVER_READY, startReferenceOmsServer } from './oms/server/index.js';
import { runMain } from './wiring/run-main.js';
import { onStopSignal } from './wiring/stop-signals.js';

runMain(async () => {
  const config = loadConfig();
  const secret = config.OMS_WEBHOOK_SECRET;
  if (secret === undefined)
    throw new ConfigError('the OMS server needs OMS_WEBHOOK_SECRET (at least 16 characters), the same as the worker');
  const oms = await ReferenceOms.open({ dataDir: config.OMS_DATA_DIR });
  const server = await startReferenceOmsServer({
    oms,
    secret,
    keyId: config.OMS_WEBHOOK_KEY_ID,
    port: config.OMS_SERVER_PORT,
    host: config.OMS_SERVER_HOST,
  }).catch(async (error: unknown) => {
    await oms.close();
    throw error;
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await server.close();
      await oms.close();
    })());
  onStopSignal(() => void stop().then(() => process.exit(0)));
  // Parent gone (npm start killed hard): do not live on as an orphan holding the port and the database.
  process.on('disconnect', () => void stop().then(() => process.exit(0)));
  process.stdout.write(
    `${OMS_SERVER_READY} ${server.url} (events: ${server.eventsUrl}, data: ${config.OMS_DATA_DIR})\n`,
  );
});
