// Placeholder replaced by the order workflow work: see issue 5.
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { AppConfig } from '../config.js';

export interface RunWorkersOptions {
  config: AppConfig;
  connectionOptions: NativeConnectionOptions;
  namespace: string;
}

export async function runWorkers(_options: RunWorkersOptions): Promise<void> {
  throw new Error('not implemented yet');
}
