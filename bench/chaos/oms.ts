/**
 * Where the workers of a chaos run keep their OMS, and how the run reads it back to check it.
 * `referenceOmsInWorkers`: the reference OMS (PGlite on disk) inside the one worker process, as
 * `npm run worker` runs by default; killed with the worker, opened by the run once the last worker
 * has stopped (PGlite allows one process at a time).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { OmsError } from '../../src/api/oms-errors.js';
import type { ReservationLine } from '../../src/api/oms-port.js';
import type { OmsPortMethod } from '../../src/api/oms-port-methods.js';
import {
  OMS_EVENT_CONTRACTS,
  OMS_SIGNATURE_HEADER,
  omsEventEnvelopeSchema,
  verifyOmsSignature,
} from '../../src/oms/http/index.js';
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

/**
 * `referenceOmsOverHttp`: the workers use the signed-HTTP adapter (`OMS_ADAPTER=http`, what a
 * cluster of workers runs), and this process receives the events into one reference OMS in
 * memory, as a merchant's endpoint would (docs/oms-integration.md): signature checked on the raw
 * body, envelope and data parsed with the published schemas, each event id applied once (a repeat
 * gets the first answer). Readable at any time, killed with no worker.
 */
/** The one webhook key the chaos run's workers sign with. */
const KEY_ID = 'chaos';

export function referenceOmsOverHttp(log: (line: string) => void): ChaosOms {
  const secret = randomBytes(24).toString('hex');
  let oms: ReferenceOms | undefined;
  let server: Server | undefined;
  let url = '';
  const answered = new Map<string, { status: number; body?: unknown }>();

  async function apply(raw: Buffer, signature: string | undefined): Promise<{ status: number; body?: unknown }> {
    if (!verifyOmsSignature(raw, signature, { keys: { [KEY_ID]: secret } }))
      return { status: 401, body: { error: 'bad signature' } };
    const envelope = omsEventEnvelopeSchema.safeParse(JSON.parse(raw.toString('utf8')));
    if (!envelope.success) return { status: 400, body: { error: 'not an event envelope' } };
    const { id, type } = envelope.data;
    const earlier = answered.get(id);
    if (earlier) return earlier;
    const data = OMS_EVENT_CONTRACTS[type].data.safeParse(envelope.data.data);
    if (!data.success) return { status: 422, body: { error: `invalid ${type} data` } };
    try {
      const answer = await callReferenceOms(oms!, OMS_EVENT_CONTRACTS[type].method, data.data as EventData);
      const reply = answer === undefined ? { status: 204 } : { status: 200, body: answer };
      answered.set(id, reply);
      return reply;
    } catch (err) {
      // A refusal the OMS will repeat is a 4xx (not retried); anything else a 5xx (retried).
      if (err instanceof OmsError && !err.retryable) return { status: 422, body: { error: err.message } };
      log(`OMS endpoint: ${type} failed (${(err as Error).message}); answered 503`);
      return { status: 503, body: { error: 'try again' } };
    }
  }

  return {
    description: 'reference OMS (PGlite in memory) in the chaos process, reached over signed HTTP (OMS_ADAPTER=http)',
    workerEnv: () => ({
      OMS_ADAPTER: 'http',
      OMS_WEBHOOK_URL: url,
      OMS_WEBHOOK_SECRET: secret,
      OMS_WEBHOOK_KEY_ID: KEY_ID,
    }),
    async prepare(products) {
      oms = await ReferenceOms.open();
      await oms.seedProducts(products);
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const signature = request.headers[OMS_SIGNATURE_HEADER.toLowerCase()];
          apply(Buffer.concat(chunks), typeof signature === 'string' ? signature : undefined)
            .catch(() => ({ status: 400, body: { error: 'unreadable event' } }) as { status: number; body?: unknown })
            .then(({ status, body }) => {
              if (body === undefined) response.writeHead(status).end();
              else response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
            });
        });
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oms/events`;
    },
    open: async () => ({ read: oms!, close: async () => undefined }),
    async close() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await oms?.close();
    },
  };
}

type EventData = Record<string, unknown> & { metaOrderId: string };

/** One event's port call: the per-order methods take the order id (and lines), the rest the record itself. */
async function callReferenceOms(oms: ReferenceOms, method: OmsPortMethod, data: EventData): Promise<unknown> {
  switch (method) {
    case 'reserveInventory':
      return oms.reserveInventory(data.metaOrderId, data.lines as ReservationLine[]);
    case 'releaseInventory':
    case 'markProcessing':
    case 'markCompleted':
      return oms[method](data.metaOrderId);
    default:
      return (oms[method] as (record: unknown) => Promise<unknown>).call(oms, data);
  }
}
