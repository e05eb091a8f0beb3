import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import {
  ApplicationFailure,
  DefaultFailureConverter,
  defaultPayloadConverter,
  type LogLevel,
} from '@temporalio/common';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OmsInvalidInputError } from '../../../src/api/oms-errors.js';
import {
  HttpOms,
  OMS_EVENT_CONTRACTS,
  OmsHttpError,
  omsEventEnvelopeSchema,
  verifyOmsSignature,
  type OmsEventType,
} from '../../../src/oms/http/index.js';
import { validatedOmsPort } from '../../../src/oms/validated-oms.js';
import { createOmsActivities } from '../../../src/activities/oms-activities.js';
import { line, newOrderId, pendingOrder, recordOrderLife } from './fixtures.js';

const SECRET = 'merchant-shared-secret-Xy9';
const KEY_ID = 'k7';

interface Received {
  headers: IncomingHttpHeaders;
  rawBody: string;
  signatureValid: boolean;
  envelope: { id: string; type: string; occurredAt: string; data: unknown };
}

type Handler = (received: Received, response: ServerResponse) => void;

// A real merchant endpoint on localhost: it verifies each signature as a merchant would, records
// what it got, and answers with whatever the current test's handler says.
let server: Server;
let url: string;
let received: Received[] = [];
let handler: Handler = (_received, response) => response.writeHead(204).end();

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const signatureValid = verifyOmsSignature(rawBody, request.headers['x-oms-signature'], {
        keys: { [KEY_ID]: SECRET },
      });
      const entry: Received = {
        headers: request.headers,
        rawBody,
        signatureValid,
        envelope: omsEventEnvelopeSchema.parse(JSON.parse(rawBody)),
      };
      received.push(entry);
      handler(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oms/events`;
});
afterEach(() => {
  received = [];
  handler = (_received, response) => response.writeHead(204).end();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function client(overrides: Partial<ConstructorParameters<typeof HttpOms>[0]> = {}): HttpOms {
  return new HttpOms({ url, secret: SECRET, keyId: KEY_ID, timeoutMs: 2_000, ...overrides });
}

async function failure(promise: Promise<unknown>): Promise<OmsHttpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof OmsHttpError)) throw new Error(`expected an OmsHttpError, got ${String(error)}`);
  return error;
}

describe('HttpOms requests', () => {
  it('sends every port call as a signed event of its own type, with the event id in a header', async () => {
    handler = (entry, response) => {
      if (entry.envelope.type === 'order.create_pending')
        return json(response, 201, { merchantOrderReference: 'SO-42' });
      if (entry.envelope.type === 'inventory.reserve')
        return json(response, 200, { reserved: false, shortages: [{ retailerId: 'MUG', quantity: 1 }] });
      response.writeHead(204).end();
    };
    const oms = client();
    const orderId = newOrderId();
    // With every warehouse field: they travel in the event as the port defines them.
    const eur = (amount: string) => ({ amount, currency: 'EUR' });
    const order = pendingOrder(
      orderId,
      [
        {
          ...line('i1', 'MUG', 2),
          customization: 'Für Oma',
          shippingOption: { name: 'Express', minDays: 1, maxDays: 2 },
          tax: eur('4.75'),
        },
      ],
      {
        shipByDate: '2024-05-07',
        totals: { total: eur('29.90'), taxRemitted: true, facebookPaid: eur('5.00'), buyerPaid: eur('24.90') },
      },
    );

    expect(await oms.reserveInventory(orderId, [{ retailerId: 'MUG', quantity: 2 }])).toEqual({
      reserved: false,
      shortages: [{ retailerId: 'MUG', quantity: 1 }],
    });
    expect(await oms.createPendingOrder(order)).toEqual({ merchantOrderReference: 'SO-42' });
    await recordOrderLife(oms, orderId, 'MUG');

    expect(received.map((entry) => entry.envelope.type)).toEqual([
      'inventory.reserve',
      'order.create_pending',
      'order.mark_processing',
      'order.record_shipment',
      'order.record_tracking_update',
      'order.record_cancellation',
      'order.record_refund',
      'order.record_return',
      'order.mark_completed',
      'inventory.release',
      'order.external_change',
      'ops.notify',
    ]);
    for (const entry of received) {
      expect(entry.signatureValid).toBe(true);
      expect(entry.headers['x-oms-signature']).toMatch(new RegExp(`^t=\\d+,kid=${KEY_ID},v1=[0-9a-f]{64}$`));
      expect(entry.headers['x-event-id']).toBe(entry.envelope.id);
      expect(entry.headers['content-type']).toBe('application/json');
      expect(Date.parse(entry.envelope.occurredAt)).not.toBeNaN();
    }
    // Every event's data is what its documented schema (docs/oms-schemas/) says, field for field:
    // parsing drops unknown fields, so equality also proves nothing undocumented was sent.
    for (const { envelope } of received) {
      const contract = OMS_EVENT_CONTRACTS[envelope.type as OmsEventType];
      expect(contract.data.parse(envelope.data), envelope.type).toEqual(envelope.data);
    }
    expect(received[0]?.envelope.data).toEqual({ metaOrderId: orderId, lines: [{ retailerId: 'MUG', quantity: 2 }] });
    // Unicode crosses the wire unchanged (and the signature covers the UTF-8 bytes).
    expect(received[1]?.envelope.data).toEqual(JSON.parse(JSON.stringify(order)));
    expect(new Set(received.map((entry) => entry.envelope.id)).size).toBe(received.length);
  });

  it("sends external records with Meta's object ids, item ids and amounts, and names a shipment's origin", async () => {
    const oms = client();
    const orderId = newOrderId();
    const eur = (amount: string) => ({ amount, currency: 'EUR' });
    const ours = {
      metaOrderId: orderId,
      requestId: 's1',
      items: [{ itemId: 'i1', retailerId: 'MUG', quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: '1Z',
    };
    const theirs = {
      ...ours,
      requestId: 'meta-shipment-9001',
      origin: 'external' as const,
      metaShipmentId: '9001',
    };
    const cancellation = {
      metaOrderId: orderId,
      requestId: 'meta-cancellation-7001',
      items: [{ itemId: 'i2', retailerId: 'MUG', quantity: 1 }],
      reasonCode: 'CUSTOMER_REQUESTED',
      restock: true,
      origin: 'external' as const,
      initiatedBy: 'BUYER',
      reasonDescription: 'changed my mind',
      metaCancellationId: '7001',
    };
    const refund = {
      metaOrderId: orderId,
      requestId: 'meta-refund-5551',
      items: [{ itemId: 'i1', retailerId: 'MUG', quantity: 1, amount: eur('12.50') }],
      shipping: eur('4.90'),
      deductions: [{ type: 'RETURN_SHIPPING', amount: eur('3.00') }],
      adjustment: eur('1.10'),
      total: eur('15.50'),
      reasonCode: 'REFUND_FOR_RETURN',
      reasonText: 'cracked handle',
      returnId: '88001',
      origin: 'external' as const,
      metaRefundId: '5551',
    };
    const checked = validatedOmsPort(oms);
    await checked.recordShipment(ours);
    await checked.recordShipment(theirs);
    await checked.recordCancellation(cancellation);
    await checked.recordRefund(refund);
    expect(received.map((entry) => [entry.envelope.type, entry.envelope.data])).toEqual([
      ['order.record_shipment', { ...ours, origin: 'merchant' }],
      ['order.record_shipment', theirs],
      ['order.record_cancellation', cancellation],
      ['order.record_refund', refund],
    ]);
    expect(received.every((entry) => entry.signatureValid)).toBe(true);
  });

  it('derives the event id from the call, so a retry carries the same id and another request a new one', async () => {
    const oms = client();
    const orderId = newOrderId();
    const shipment = {
      metaOrderId: orderId,
      requestId: 's1',
      items: [{ retailerId: 'MUG', quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: '1Z',
    };
    await oms.recordShipment(shipment);
    await oms.recordShipment(shipment);
    await oms.recordShipment({ ...shipment, requestId: 's2' });
    await oms.markProcessing(orderId);
    await oms.markProcessing(orderId);
    const ids = received.map((entry) => entry.envelope.id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
    expect(ids[3]).toBe(ids[4]);
    expect(ids[3]).not.toBe(ids[0]);
  });

  it('behind the port validation, sends nothing for invalid arguments', async () => {
    await expect(
      validatedOmsPort(client()).reserveInventory(newOrderId(), [{ retailerId: 'MUG', quantity: -1 }]),
    ).rejects.toBeInstanceOf(OmsInvalidInputError);
    expect(received).toHaveLength(0);
  });

  it('behind the port validation, sends only the fields the port defines', async () => {
    const orderId = newOrderId();
    const ops = {
      metaOrderId: orderId,
      severity: 'warning',
      reason: 'check the stock',
      internalNote: 'not for the merchant',
    } as const;
    await validatedOmsPort(client()).notifyOps(ops);
    expect(received.map((entry) => entry.envelope.data)).toEqual([
      { metaOrderId: orderId, severity: 'warning', reason: 'check the stock' },
    ]);
  });
});

describe('HttpOms failures', () => {
  it('treats 5xx as retryable', async () => {
    handler = (_entry, response) => json(response, 503, { error: 'maintenance' });
    const error = await failure(client().markProcessing(newOrderId()));
    expect(error).toMatchObject({
      code: 'http_status',
      status: 503,
      retryable: true,
      eventType: 'order.mark_processing',
    });
    expect(error.message).toContain('HTTP 503');
    expect(error.message).not.toContain('maintenance');
  });

  it('treats 429 as retryable and passes on Retry-After', async () => {
    handler = (_entry, response) => json(response, 429, { error: 'slow down' }, { 'retry-after': '7' });
    const error = await failure(client().releaseInventory(newOrderId()));
    expect(error).toMatchObject({ code: 'http_status', status: 429, retryable: true, retryAfterMs: 7_000 });
  });

  it('treats other 4xx as not retryable', async () => {
    for (const status of [400, 401, 404, 409, 422]) {
      handler = (_entry, response) => json(response, status, { error: 'no' });
      const error = await failure(client().markCompleted(newOrderId()));
      expect(error).toMatchObject({ code: 'http_status', status, retryable: false });
      expect(error.message).toContain('not retryable');
    }
  });

  it('reports an unreachable endpoint as a retryable network failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(client({ url: `http://127.0.0.1:${port}/` }).markProcessing(newOrderId()));
    expect(error).toMatchObject({ code: 'network', retryable: true, status: undefined });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('reports a slow endpoint as a retryable timeout', async () => {
    handler = (_entry, response) => {
      setTimeout(() => json(response, 200, {}), 1_000).unref();
    };
    // The answer would come (after 1 s): the code says the client gave up first.
    const error = await failure(client({ timeoutMs: 150 }).markProcessing(newOrderId()));
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('names what is wrong with a malformed answer', async () => {
    handler = (_entry, response) =>
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy login</html>');
    const notJson = await failure(client().createPendingOrder(pendingOrder(newOrderId(), [line('i1', 'MUG', 1)])));
    expect(notJson).toMatchObject({
      code: 'malformed_response',
      retryable: false,
      status: 200,
      eventType: 'order.create_pending',
    });
    expect(notJson.message).toContain('body is not JSON');

    handler = (_entry, response) => json(response, 200, { orderRef: 'SO-1' });
    const missing = await failure(client().createPendingOrder(pendingOrder(newOrderId(), [line('i1', 'MUG', 1)])));
    expect(missing.message).toMatch(/malformed response: merchantOrderReference: /);

    handler = (_entry, response) => json(response, 200, { reserved: 'yes', shortages: [] });
    const wrongType = await failure(client().reserveInventory(newOrderId(), [{ retailerId: 'MUG', quantity: 1 }]));
    expect(wrongType.message).toMatch(/malformed response: reserved: /);

    handler = (_entry, response) =>
      json(response, 200, { reserved: true, shortages: [{ retailerId: 'MUG', quantity: 1 }] });
    const inconsistent = await failure(client().reserveInventory(newOrderId(), [{ retailerId: 'MUG', quantity: 1 }]));
    expect(inconsistent.message).toContain('reserved must be true exactly when shortages is empty');
  });

  it('never puts the secret (or URL credentials) in an error', async () => {
    handler = (entry, response) =>
      json(response, 400, { error: `bad signature, expected secret ${SECRET}`, got: entry.headers['x-oms-signature'] });
    const withToken = `${url.replace('http://', 'http://user:pw@')}?token=abc123`;
    const error = await failure(client({ url: withToken }).markProcessing(newOrderId()));
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('abc123');
    expect(error.message).not.toContain('pw@');
    expect(JSON.stringify(error)).not.toContain(SECRET);

    const badOptions = (() => {
      try {
        new HttpOms({ url: 'ftp://example.com', secret: SECRET, keyId: KEY_ID, timeoutMs: 0 });
        return undefined;
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(badOptions?.message).toMatch(/url.*timeoutMs/);
    expect(badOptions?.message).not.toContain(SECRET);
  });
});

describe("HttpOms and the merchant's answers", () => {
  /** An OMS that answers every refusal with the whole event it got, buyer and address included. */
  const echo = (status: number) => (entry: Received, response: ServerResponse) =>
    json(response, status, { error: 'refused', youSent: entry.envelope, contact: 'support-desk@oms.example' });
  const logged: { level: LogLevel; message: string; meta: Record<string, unknown> }[] = [];
  const logger = {
    log: (level: LogLevel, message: string, meta?: Record<string, unknown>) =>
      logged.push({ level, message, meta: meta ?? {} }),
    trace: (message: string, meta?: Record<string, unknown>) => logger.log('TRACE', message, meta),
    debug: (message: string, meta?: Record<string, unknown>) => logger.log('DEBUG', message, meta),
    info: (message: string, meta?: Record<string, unknown>) => logger.log('INFO', message, meta),
    warn: (message: string, meta?: Record<string, unknown>) => logger.log('WARN', message, meta),
    error: (message: string, meta?: Record<string, unknown>) => logger.log('ERROR', message, meta),
  };
  const BUYER_TEXT = [
    'Zoë',
    'Ångström',
    'Königstraße',
    'Hinterhaus',
    'Köln',
    '50667',
    'relay-123',
    'marketplace.example',
  ];
  const failureText = (error: unknown) =>
    JSON.stringify(new DefaultFailureConverter().errorToFailure(error, defaultPayloadConverter));

  it('an echoing OMS puts no body text into the error or the Temporal failure, refused or retried', async () => {
    const orderId = newOrderId();
    const order = pendingOrder(orderId, [line('i1', 'MUG', 1)]);
    const shipment = {
      metaOrderId: orderId,
      requestId: 's1',
      items: [],
      carrier: 'UPS',
      trackingNumber: 'Zoë-Köln-1Z',
    };
    for (const status of [422, 503]) {
      handler = echo(status);
      const verdict = status === 503 ? 'retryable' : 'not retryable';
      // As the Graph activity that creates the OMS order calls it (its error becomes the failure).
      const created = await failure(client({ logger }).createPendingOrder(order));
      // Through an OMS activity, which turns a refusal into a non-retryable ApplicationFailure.
      const recorded = await createOmsActivities(client({ logger }))
        .recordShipment(shipment)
        .then(
          () => undefined,
          (err: unknown) => err as Error,
        );
      expect(recorded).toBeInstanceOf(status === 503 ? OmsHttpError : ApplicationFailure);
      for (const [caught, type] of [
        [created, 'order.create_pending'],
        [recorded, 'order.record_shipment'],
      ] as const) {
        const event = received.filter((entry) => entry.envelope.type === type).at(-1)!.envelope.id;
        expect(caught?.message).toBe(
          `${type} (event ${event}) to ${url}: endpoint answered HTTP ${status} (${verdict})`,
        );
        const text = `${failureText(caught)} ${JSON.stringify(caught)}`;
        for (const part of [...BUYER_TEXT, 'refused', 'youSent', 'support-desk'])
          expect(text, part).not.toContain(part);
      }
    }
  });

  it('logs the refusal locally: the facts at warn, a redacted, truncated excerpt at debug', async () => {
    logged.length = 0;
    handler = echo(409);
    const orderId = newOrderId();
    await failure(client({ logger }).createPendingOrder(pendingOrder(orderId, [line('i1', 'MUG', 1)])));
    const [warn, debug] = logged;
    expect(warn).toMatchObject({
      level: 'WARN',
      message: 'OMS endpoint answered HTTP 409',
      meta: { eventType: 'order.create_pending', orderId, status: 409, endpoint: url },
    });
    expect(warn!.meta.bodyChars).toBeGreaterThan(200);
    expect(warn!.meta).not.toHaveProperty('bodyExcerpt');
    expect(debug).toMatchObject({ level: 'DEBUG', meta: { eventId: warn!.meta.eventId } });
    const excerpt = String(debug!.meta.bodyExcerpt);
    expect(excerpt).toMatch(/^\{"error":"refused","youSent":\{"id":"[0-9a-f-]{36}","type":"order.create_pending",/);
    expect(excerpt).toContain('"data":{"metaOrderId":"[redacted]","channel":"[redacted]');
    expect(excerpt).toMatch(/…\(truncated\)$/);
    expect(excerpt.length).toBeLessThanOrEqual(200 + '…(truncated)'.length);
    for (const part of [...BUYER_TEXT, orderId]) expect(excerpt, part).not.toContain(part);

    logged.length = 0;
    handler = (_entry, response) =>
      json(response, 401, { error: `bad signature for secret ${SECRET}, mail ops@oms.example` });
    await failure(client({ logger }).markProcessing(newOrderId()));
    expect(String(logged[1]!.meta.bodyExcerpt)).toBe(
      '{"error":"bad signature for secret [redacted], mail [redacted]"}',
    );
  });

  it('logs a malformed reply the same way, and its error names only the schema paths', async () => {
    logged.length = 0;
    handler = (entry, response) => json(response, 200, { merchantOrderReference: 7, echo: entry.envelope.data });
    const error = await failure(
      client({ logger }).createPendingOrder(pendingOrder(newOrderId(), [line('i1', 'MUG', 1)])),
    );
    expect(error.message).toMatch(
      /malformed response: merchantOrderReference: Invalid input: expected string, received number$/,
    );
    expect(logged.map((entry) => entry.message)).toEqual([
      'OMS endpoint answered with a malformed reply',
      'OMS endpoint answered with a malformed reply (excerpt)',
    ]);
    for (const part of BUYER_TEXT) expect(String(logged[1]!.meta.bodyExcerpt), part).not.toContain(part);
  });
});

describe('HttpOms options', () => {
  const options = { secret: SECRET, keyId: KEY_ID, timeoutMs: 1_000 };
  const problem = (extra: Partial<ConstructorParameters<typeof HttpOms>[0]>) => {
    try {
      new HttpOms({ url, ...options, ...extra });
      return undefined;
    } catch (caught) {
      return (caught as Error).message;
    }
  };

  it('takes https anywhere and plain http to this machine only, unless told otherwise', () => {
    expect(problem({ url: 'https://oms.example.com/events' })).toBeUndefined();
    for (const local of ['http://127.0.0.1:8700/', 'http://localhost/x', 'http://[::1]:80/', 'http://api.localhost/'])
      expect(problem({ url: local }), local).toBeUndefined();
    expect(problem({ url: 'http://oms.example.com/events' })).toMatch(/^invalid HttpOms options: url \(plain http/);
    expect(problem({ url: 'http://10.0.0.5/events' })).toMatch(/plain http is allowed to this machine only/);
    expect(problem({ url: 'http://oms.example.com/events', allowPlainHttp: true })).toBeUndefined();
  });

  it('needs a key id that fits the header and a secret of 16 characters or more', () => {
    expect(problem({ keyId: 'a,b' })).toBe('invalid HttpOms options: keyId');
    expect(problem({ secret: 'short' })).toBe('invalid HttpOms options: secret');
  });
});
