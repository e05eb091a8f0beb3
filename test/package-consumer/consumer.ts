/**
 * A merchant's script, as it would be written against the installed package: only the public
 * entry points (`meta-shops-temporal/client`, `/worker`, `/oms`, `/oms/http`). The package test
 * (test/temporal/package.test.ts) copies this folder into a scratch project that installed the
 * tarball, type-checks it with tsc, compiles and runs it. Its last line on stdout is a JSON report.
 */
import { Client, Connection } from '@temporalio/client';
import {
  OrderClient,
  OrderCommandRejectedError,
  OrderNotFoundError,
  payloadDataConverter,
} from 'meta-shops-temporal/client';
import type { CommandOutcome, OrderWorkflowState } from 'meta-shops-temporal/client';
import type { OmsPort, PendingOrderInput, ReservationLine } from 'meta-shops-temporal/oms';
import { OMS_EVENT_CONTRACTS, OMS_EVENT_TYPES, signOmsBody, verifyOmsSignature } from 'meta-shops-temporal/oms/http';
import { startWorker } from 'meta-shops-temporal/worker';

/** The merchant's own OMS adapter: here it only counts calls. */
class CountingOms implements OmsPort {
  calls = 0;
  async reserveInventory(_orderId: string, _lines: ReservationLine[]) {
    this.calls += 1;
    return { reserved: true, shortages: [] };
  }
  async createPendingOrder(input: PendingOrderInput) {
    this.calls += 1;
    return { merchantOrderReference: `MY-${input.metaOrderId}` };
  }
  async releaseInventory() {}
  async markProcessing() {}
  async recordShipment() {}
  async recordTrackingUpdate() {}
  async recordCancellation() {}
  async recordRefund() {}
  async recordReturn() {}
  async markCompleted() {}
  async notifyExternalChange() {}
  async notifyOps() {}
}

const address = process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
const worker = await startWorker({ oms: new CountingOms() });

const connection = await Connection.connect({ address });
// PAYLOAD_ENCRYPTION_KEYS set (the test sets it): the worker and this client encrypt every payload.
const orders = new OrderClient(new Client({ connection, dataConverter: payloadDataConverter() }));

let notFound = false;
try {
  const state: OrderWorkflowState = await orders.getState('1999999999999999');
  console.error('unexpected state', state.phase);
} catch (err) {
  notFound = err instanceof OrderNotFoundError;
}

// Checked before anything is sent: a command the workflow would refuse is refused here.
let rejectedReason = '';
try {
  const outcome: CommandOutcome = await orders.ship('1999999999999999', {
    requestId: 'ship-1',
    carrier: 'UPS',
    trackingNumber: '',
  });
  console.error('unexpected outcome', outcome.summary);
} catch (err) {
  if (err instanceof OrderCommandRejectedError) rejectedReason = err.reason;
}

const listed = await orders.list({ cmsId: '1999999999999999', limit: 5 });

const key = { keyId: 'k1', secret: 'a-shared-secret-of-some-length' };
const keys = { [key.keyId]: key.secret };
const body = JSON.stringify({ id: 'e1', type: 'ops.notify' });
const signature = signOmsBody(body, key);

await worker.shutdown();
await connection.close();

console.log(
  JSON.stringify({
    report: {
      notFound,
      rejectedReason,
      listed: listed.length,
      signatureChecks: [
        verifyOmsSignature(body, signature, { keys }),
        verifyOmsSignature(`${body} `, signature, { keys }),
      ],
      eventTypes: OMS_EVENT_TYPES.length,
      replyTypes: OMS_EVENT_TYPES.filter((type) => 'reply' in OMS_EVENT_CONTRACTS[type]),
    },
  }),
);
