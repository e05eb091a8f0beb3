/**
 * Must NOT type-check: proves the package's declarations are real types, not `any`. The package
 * test expects tsc to report exactly these mistakes (each marked with the error code it causes).
 */
import type { Client } from '@temporalio/client';
import { OrderClient } from 'meta-shops-temporal/client';
import { startWorker } from 'meta-shops-temporal/worker';

declare const client: Client;
const orders = new OrderClient(client);
// TS2322: a tracking number is a string.
await orders.ship('1', { requestId: 'r', carrier: 'UPS', trackingNumber: 42 });
// TS2353: startWorker has no option `queue`.
await startWorker({ queue: 'x' });
