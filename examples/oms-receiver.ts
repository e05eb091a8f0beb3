/**
 * An OMS endpoint for `OMS_ADAPTER=http`, built on node:http and the package's verifier only. It
 * shows what docs/oms-integration.md asks of a receiver:
 *   1. verify the signature over the raw bytes, before parsing anything: a known key id, a matching
 *      HMAC, a timestamp within 5 minutes (401 otherwise);
 *   2. parse the envelope and the event's data with the published schemas (400 / 422: a malformed
 *      event will never become valid, so a 4xx tells the worker not to retry);
 *   3. dedupe on the event id: a repeat gets the stored answer and changes nothing;
 *   4. answer `inventory.reserve` and `order.create_pending` with the reply their schema describes,
 *      anything else with 204;
 *   5. a failure of its own is a 5xx: the worker retries the same event (same id) later.
 * Its "OMS" is a toy in memory: stock per SKU, orders by Meta order id.
 *
 *   OMS_WEBHOOK_KEYS='<key id>:<secret>,<older key id>:<older secret>' PORT=8700 \
 *     node --import tsx examples/oms-receiver.ts
 *   (or OMS_WEBHOOK_KEY_ID and OMS_WEBHOOK_SECRET, the worker's own settings, for a single key)
 *   (a checkout: the import below resolves to src/ through tsconfig paths; installed, to the package)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  OMS_EVENT_CONTRACTS,
  OMS_SIGNATURE_HEADER,
  checkOmsSignature,
  omsEventEnvelopeSchema,
  parseOmsWebhookKeys,
  readRawBody,
  type OmsEventType,
  type OmsSignatureVerifierOptions,
} from 'meta-shops-temporal/oms/http';

const MAX_BODY_BYTES = 1_000_000;

interface Answer {
  status: number;
  body?: unknown;
}

/** The toy OMS behind the endpoint. */
export class ToyOms {
  readonly stock = new Map<string, number>();
  readonly orders = new Map<string, { reference: string; status: string; events: string[] }>();
  private readonly held = new Map<string, { retailerId: string; quantity: number }[]>();
  private nextReference = 1;

  apply(type: OmsEventType, data: Record<string, unknown>): Answer {
    const orderId = String(data.metaOrderId);
    switch (type) {
      case 'inventory.reserve': {
        const lines = data.lines as { retailerId: string; quantity: number }[];
        const held: { retailerId: string; quantity: number }[] = [];
        const shortages: { retailerId: string; quantity: number }[] = [];
        for (const line of lines) {
          const available = this.stock.get(line.retailerId) ?? 0;
          const take = Math.min(available, line.quantity);
          this.stock.set(line.retailerId, available - take);
          if (take > 0) held.push({ retailerId: line.retailerId, quantity: take });
          if (take < line.quantity) shortages.push({ retailerId: line.retailerId, quantity: line.quantity - take });
        }
        this.held.set(orderId, held);
        return { status: 200, body: { reserved: shortages.length === 0, shortages } };
      }
      case 'inventory.release':
        for (const line of this.held.get(orderId) ?? [])
          this.stock.set(line.retailerId, (this.stock.get(line.retailerId) ?? 0) + line.quantity);
        this.held.delete(orderId);
        return { status: 204 };
      case 'order.create_pending': {
        // First write wins: a second create for the same order (another event id) keeps the reference.
        const existing = this.orders.get(orderId);
        const reference = existing?.reference ?? `TOY-${String(this.nextReference++).padStart(6, '0')}`;
        if (!existing) this.orders.set(orderId, { reference, status: 'pending', events: [] });
        return { status: 200, body: { merchantOrderReference: reference } };
      }
      default: {
        const order = this.orders.get(orderId);
        order?.events.push(type);
        if (order && type === 'order.mark_processing') order.status = 'processing';
        if (order && type === 'order.mark_completed') order.status = 'completed';
        return { status: 204 };
      }
    }
  }
}

function reply(response: ServerResponse, answer: Answer): void {
  if (answer.body === undefined) response.writeHead(answer.status).end();
  else response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
}

/** The request handler: verify, parse, dedupe, apply. `signatures`: the keys by id, and the tolerance. */
export function omsReceiver(signatures: OmsSignatureVerifierOptions, oms = new ToyOms()) {
  // Event id -> the answer given. A real OMS keeps this in its database, in the same transaction
  // as the change the event made, and for at least as long as the worker may retry (days).
  const answered = new Map<string, Answer>();

  async function handle(request: IncomingMessage): Promise<Answer> {
    if (request.method !== 'POST') return { status: 405 };
    const raw = await readRawBody(request, MAX_BODY_BYTES);
    if (raw === undefined) return { status: 413 };
    const check = checkOmsSignature(raw, request.headers[OMS_SIGNATURE_HEADER.toLowerCase()], signatures);
    // The reason (malformed, unknown_key, mismatch, outside_tolerance) helps the sender's operator; it
    // tells an attacker nothing a 401 would not.
    if (!check.valid) return { status: 401, body: { error: `bad signature (${check.reason})` } };

    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return { status: 400, body: { error: 'body is not JSON' } };
    }
    const envelope = omsEventEnvelopeSchema.safeParse(json);
    if (!envelope.success) return { status: 400, body: { error: 'not an event envelope' } };
    const { id, type } = envelope.data;

    const earlier = answered.get(id);
    if (earlier) return earlier;

    const data = OMS_EVENT_CONTRACTS[type].data.safeParse(envelope.data.data);
    if (!data.success) {
      const paths = data.error.issues.map((issue) => issue.path.join('.') || '(root)');
      return { status: 422, body: { error: `invalid ${type} data at ${paths.join(', ')}` } };
    }
    const answer = oms.apply(type, data.data as Record<string, unknown>);
    answered.set(id, answer);
    return answer;
  }

  return {
    oms,
    listener(request: IncomingMessage, response: ServerResponse): void {
      handle(request).then(
        (answer) => reply(response, answer),
        // Our own failure: 5xx, so the worker sends the same event again later.
        () => reply(response, { status: 503, body: { error: 'try again' } }),
      );
    },
  };
}

export async function startOmsReceiver(options: {
  signatures: OmsSignatureVerifierOptions;
  port?: number;
  oms?: ToyOms;
}) {
  const receiver = omsReceiver(options.signatures, options.oms);
  const server: Server = createServer(receiver.listener);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oms/events`,
    oms: receiver.oms,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The keys from the environment: OMS_WEBHOOK_KEYS, or the worker's OMS_WEBHOOK_KEY_ID and OMS_WEBHOOK_SECRET. */
function keysFromEnvironment(env: NodeJS.ProcessEnv): Map<string, string> | undefined {
  if (env.OMS_WEBHOOK_KEYS) return parseOmsWebhookKeys(env.OMS_WEBHOOK_KEYS);
  if (env.OMS_WEBHOOK_SECRET) return parseOmsWebhookKeys(`${env.OMS_WEBHOOK_KEY_ID ?? '1'}:${env.OMS_WEBHOOK_SECRET}`);
  return undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const keys = keysFromEnvironment(process.env);
  if (!keys) {
    console.error(
      "set OMS_WEBHOOK_KEYS='<key id>:<secret>,...' (or the worker's OMS_WEBHOOK_KEY_ID and OMS_WEBHOOK_SECRET)",
    );
    process.exit(78);
  }
  const receiver = await startOmsReceiver({ signatures: { keys }, port: Number(process.env.PORT ?? 8700) });
  console.log(`OMS receiver on ${receiver.url}: run the worker with OMS_ADAPTER=http OMS_WEBHOOK_URL=${receiver.url}`);
}
