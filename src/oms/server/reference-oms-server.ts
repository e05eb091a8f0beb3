/**
 * The reference OMS as a process of its own (`npm run oms-server`): the receiving side of the HTTP
 * contract (docs/oms-integration.md) in front of ReferenceOms, so the worker talks to it exactly as
 * to a merchant's OMS, through HttpOms, and holds no database itself.
 *
 *   POST /oms/events          the signed events: verified with the package's verifier, parsed with
 *                             the published schemas, applied, answered as the adapter expects
 *   GET  /oms/orders[?status=], /oms/orders/:id, /oms/orders/:id/books, /oms/reservations/:id,
 *        /oms/inventory/:retailerId, /oms/event-log[?order=]      the read model (OmsReadModel)
 *   POST /oms/products        seed the catalogue (the demo's stock)
 *   POST /oms/progress        { metaOrderIds }: how many reserved and processing (the benchmark)
 *   GET  /healthz
 *
 * Reads and the two POSTs that are not events carry `Authorization: Bearer <the shared secret>`:
 * the read model holds buyer names and addresses. Dedupe on the event id is not needed here: every
 * ReferenceOms method is idempotent on the same identity the event id is derived from (the order,
 * the order and request id, the notice's payload), and answers a repeat as the first time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { OMS_ORDER_STATUSES } from '../read-model.js';
import { OMS_SIGNATURE_HEADER, verifyOmsSignature } from '../http/signature.js';
import { omsEventEnvelopeSchema } from '../http/events.js';
import { validatedOmsPort } from '../validated-oms.js';
import type { ReferenceOms, SeedProduct } from '../reference/index.js';
import { applyOmsEvent, type EventAnswer } from './apply-event.js';
import { readRawBody } from '../../util/raw-body.js';
import { sendJson } from './http-body.js';

/** The path HttpOms is pointed at: OMS_WEBHOOK_URL = <server url>/oms/events. */
export const OMS_EVENTS_PATH = '/oms/events';
/** The start of the line `npm run oms-server` prints once it listens, followed by its URL (`npm start` waits for it). */
export const OMS_SERVER_READY = 'reference OMS server listening on';
/** Events are small (an order with many lines is tens of kB); a progress query names up to 100,000 ids. */
const MAX_BODY_BYTES = 4_000_000;

export interface ReferenceOmsServerOptions {
  oms: ReferenceOms;
  /** The secret HttpOms signs with; also the bearer token of the read routes. Never logged. */
  secret: string;
  /** The secret's id, as HttpOms names it in every signature (OMS_WEBHOOK_KEY_ID). Default '1'. */
  keyId?: string;
  port?: number;
  host?: string;
  /** One line per event the OMS could not apply (5xx): type and id, never the data. */
  log?: (line: string) => void;
}

export interface RunningOmsServer {
  /** Base URL, e.g. http://127.0.0.1:8790 */
  url: string;
  /** What OMS_WEBHOOK_URL must be. */
  eventsUrl: string;
  server: Server;
  close(): Promise<void>;
}

const progressSchema = z.object({ metaOrderIds: z.array(z.string().min(1).max(100)).max(100_000) });
const statusSchema = z.enum(OMS_ORDER_STATUSES).optional();

/**
 * The signature check, in one place: the verifier the package ships for merchants, called as
 * merchants call it (docs/oms-integration.md), so a change to the scheme lands here with it.
 */
function signatureValid(raw: Buffer, request: IncomingMessage, keys: ReadonlyMap<string, string>): boolean {
  return verifyOmsSignature(raw, request.headers[OMS_SIGNATURE_HEADER.toLowerCase()], { keys });
}

function bearerValid(request: IncomingMessage, secret: string): boolean {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  // Hashed first: equal lengths for timingSafeEqual, and the comparison leaks nothing about the secret.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(header.slice('Bearer '.length)), digest(secret));
}

export function referenceOmsListener(options: ReferenceOmsServerOptions) {
  const { oms, secret } = options;
  const keys = new Map([[options.keyId ?? '1', secret]]);
  const port = validatedOmsPort(oms);
  const log = options.log ?? ((line: string) => process.stderr.write(`[oms-server] ${line}\n`));

  async function event(request: IncomingMessage, raw: Buffer): Promise<EventAnswer> {
    if (!signatureValid(raw, request, keys)) return { status: 401, body: { error: 'bad signature' } };
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return { status: 400, body: { error: 'body is not JSON' } };
    }
    const envelope = omsEventEnvelopeSchema.safeParse(json);
    if (!envelope.success) return { status: 400, body: { error: 'not an event envelope' } };
    const answer = await applyOmsEvent(port, envelope.data.type, envelope.data.data);
    if (answer.status >= 500)
      log(`${envelope.data.type} (event ${envelope.data.id}) not applied: answered ${answer.status}`);
    return answer;
  }

  async function read(method: string, path: string[], query: URLSearchParams, raw: Buffer): Promise<EventAnswer> {
    const found = (value: unknown): EventAnswer =>
      value === undefined ? { status: 404, body: { error: 'not found' } } : { status: 200, body: value };
    const [head, id, tail] = path;
    if (method === 'GET' && head === 'orders' && id === undefined) {
      const status = statusSchema.safeParse(query.get('status') ?? undefined);
      if (!status.success)
        return { status: 400, body: { error: `status must be one of ${OMS_ORDER_STATUSES.join(', ')}` } };
      return { status: 200, body: await oms.listOrders({ status: status.data }) };
    }
    if (method === 'GET' && head === 'orders' && id && tail === undefined) return found(await oms.getOrder(id));
    if (method === 'GET' && head === 'orders' && id && tail === 'books') return found(await oms.orderBooks(id));
    if (method === 'GET' && head === 'reservations' && id) return found(await oms.reservation(id));
    if (method === 'GET' && head === 'inventory' && id) return found(await oms.inventory(id));
    if (method === 'GET' && head === 'event-log' && id === undefined)
      return { status: 200, body: await oms.events(query.get('order') ?? undefined) };
    if (method === 'POST' && head === 'products' && id === undefined) {
      // seedProducts parses its argument with zod (OmsInvalidInputError, 422 below).
      await oms.seedProducts(JSON.parse(raw.toString('utf8')) as SeedProduct[]);
      return { status: 204 };
    }
    if (method === 'POST' && head === 'progress' && id === undefined) {
      const parsed = progressSchema.safeParse(JSON.parse(raw.toString('utf8')));
      if (!parsed.success) return { status: 400, body: { error: 'expected { metaOrderIds: string[] }' } };
      const [reserved, processing] = await Promise.all([
        oms.reservationCount(parsed.data.metaOrderIds),
        oms.processingProgress(parsed.data.metaOrderIds),
      ]);
      return { status: 200, body: { reserved, ...processing } };
    }
    return { status: 404, body: { error: 'no such route' } };
  }

  async function handle(request: IncomingMessage): Promise<EventAnswer> {
    const url = new URL(request.url ?? '/', 'http://oms');
    if (request.method === 'GET' && url.pathname === '/healthz') return { status: 200, body: { ok: true } };
    const raw = await readRawBody(request, MAX_BODY_BYTES);
    if (raw === undefined) return { status: 413, body: { error: 'body too large' } };
    if (url.pathname === OMS_EVENTS_PATH) {
      return request.method === 'POST' ? event(request, raw) : { status: 405, body: { error: 'POST only' } };
    }
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments[0] !== 'oms') return { status: 404, body: { error: 'no such route' } };
    if (!bearerValid(request, secret)) return { status: 401, body: { error: 'missing or wrong bearer token' } };
    try {
      return await read(request.method ?? 'GET', segments.slice(1), url.searchParams, raw);
    } catch (error) {
      if (error instanceof SyntaxError) return { status: 400, body: { error: 'body is not JSON' } };
      if (error instanceof Error && error.name === 'OmsInvalidInputError')
        return { status: 422, body: { error: error.message } };
      throw error;
    }
  }

  return (request: IncomingMessage, response: ServerResponse): void => {
    handle(request).then(
      (answer) => sendJson(response, answer.status, answer.body),
      (error: unknown) => {
        log(`${request.method} ${request.url?.split('?')[0]} failed: ${error instanceof Error ? error.name : 'error'}`);
        sendJson(response, 503, { error: 'try again' });
      },
    );
  };
}

/** Listens on host:port (127.0.0.1 and a free port by default). */
export async function startReferenceOmsServer(options: ReferenceOmsServerOptions): Promise<RunningOmsServer> {
  const server = createServer(referenceOmsListener(options));
  // Idle keep-alive sockets would hold close() open; the adapter reconnects cheaply.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    eventsUrl: `${url}${OMS_EVENTS_PATH}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
