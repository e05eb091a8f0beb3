/** The starter and the demo start intake from the same settings (the starter used to drop RETURN_WINDOW_DAYS). */
import { expect, test } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { intakeOptionsFrom } from '../../../src/intake/start-intake.js';

test('intake options carry the poll interval, the first look back and the return window', () => {
  const options = intakeOptionsFrom(
    loadConfig({
      META_CMS_ID: '1000000000000001',
      POLL_INTERVAL_MINUTES: '2',
      POLL_LOOKBACK_DAYS: '3',
      RETURN_WINDOW_DAYS: '10',
    }),
  );
  expect(options).toMatchObject({
    cmsId: '1000000000000001',
    pollIntervalMs: 120_000,
    initialLookbackSeconds: 3 * 86_400,
    orderPolicy: { returnWindowMs: 10 * 86_400_000 },
  });
});
