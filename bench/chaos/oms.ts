/**
 * Where the workers of a chaos run keep their OMS, and how the run reads it back to check it.
 * `referenceOmsInWorkers`: the reference OMS (PGlite on disk) inside the one worker process, as
 * `npm run worker` runs by default; killed with the worker, opened by the run once the last worker
 * has stopped (PGlite allows one process at a time).
 */
import { join } from 'node:path';
import type { OmsReadModel } from '../../src/oms/read-model.js';
import { ReferenceOms } from '../../src/oms/reference/index.js';

export interface ChaosProduct {
  retailerId: string;
  name: string;
  onHand: number;
}

export interface ChaosOms {
  readonly description: string;
  /** The worker's OMS settings (OMS_ADAPTER and what it needs). */
  workerEnv(): Record<string, string>;
  /** Before the first worker starts: the catalogue, so reservations succeed. */
  prepare(products: ChaosProduct[]): Promise<void>;
  /** After every worker stopped: the OMS's records. */
  open(): Promise<{ read: OmsReadModel; close(): Promise<void> }>;
  close(): Promise<void>;
}

export function referenceOmsInWorker(dir: string): ChaosOms {
  const dataDir = join(dir, 'oms');
  return {
    description: 'reference OMS (PGlite on disk) inside the worker process',
    workerEnv: () => ({ OMS_ADAPTER: 'reference', OMS_DATA_DIR: dataDir }),
    async prepare(products) {
      const oms = await ReferenceOms.open({ dataDir });
      try {
        await oms.seedProducts(products);
      } finally {
        await oms.close();
      }
    },
    async open() {
      const oms = await ReferenceOms.open({ dataDir });
      return { read: oms, close: () => oms.close() };
    },
    close: async () => undefined,
  };
}
