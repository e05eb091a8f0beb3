import type { Logger } from '@temporalio/common';
import { request } from 'undici';
import { z } from 'zod';
import { reservationLinesSchema } from '../../api/oms-port-schemas.js';
import type {
  CancellationRecord,
  ExternalChange,
  OmsPort,
  OpsNotification,
  PendingOrderInput,
  RefundRecord,
  ReturnRecord,
  ReservationLine,
  ShipmentRecord,
  TrackingUpdateRecord,
} from '../../api/oms-port.js';
import { omsEventId, type OmsEventEnvelope, type OmsEventType } from './events.js';
import { OmsHttpError, isRetryableStatus, type OmsHttpFailure } from './http-error.js';
import { plainHttpProblem } from '../../util/plain-http.js';
import { redactedResponseExcerpt } from './response-excerpt.js';
import {
  MIN_SECRET_LENGTH,
  OMS_EVENT_ID_HEADER,
  OMS_KEY_ID_PATTERN,
  OMS_SIGNATURE_HEADER,
  signOmsBody,
} from './signature.js';

export interface HttpOmsOptions {
  /** The merchant's endpoint; every event is POSTed here. https unless loopback or allowPlainHttp. */
  url: string;
  /** Shared secret for the HMAC signature (16+ characters). Never logged, never put in an error. */
  secret: string;
  /** The id of `secret`, named in every signature so the receiver can hold several keys. */
  keyId: string;
  /** Per attempt, covering connect, headers and body. */
  timeoutMs: number;
  /** Accept an `http://` URL to another machine (a trusted network). Default false. */
  allowPlainHttp?: boolean;
  /**
   * Where refusals are logged: a warn line per refused or malformed answer (status, event, size),
   * and at debug level a redacted excerpt of the answer (response-excerpt.ts). The answer itself
   * never goes into an error. Default: not logged.
   */
  logger?: Logger;
}

const optionsSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    secret: z.string().min(MIN_SECRET_LENGTH),
    keyId: z.string().regex(OMS_KEY_ID_PATTERN),
    timeoutMs: z.number().int().positive(),
    allowPlainHttp: z.boolean().default(false),
    logger: z.custom<Logger>().optional(),
  })
  .superRefine((options, context) => {
    const problem = plainHttpProblem(options.url, options.allowPlainHttp);
    if (problem) context.addIssue({ code: 'custom', path: ['url'], message: problem });
  });

/** What the merchant must answer to the two calls that return data. */
export const createPendingOrderResponseSchema = z.object({ merchantOrderReference: z.string().min(1).max(255) });
export const reserveInventoryResponseSchema = z
  .object({ reserved: z.boolean(), shortages: reservationLinesSchema })
  .refine(
    (answer) => answer.reserved === (answer.shortages.length === 0),
    'reserved must be true exactly when shortages is empty',
  );

/**
 * OmsPort over HTTP: each call becomes a signed JSON event POSTed to the merchant's endpoint. The
 * event id is derived from the call's idempotency identity, so the merchant can make every event
 * idempotent by remembering the ids it has applied (and answering a repeat as it did the first).
 * Takes its arguments as valid: they are validated once, before any adapter (validatedOmsPort).
 */
export class HttpOms implements OmsPort {
  private readonly options: z.output<typeof optionsSchema>;
  /** The URL without credentials or query, for error messages. */
  private readonly endpointForMessages: string;

  constructor(options: HttpOmsOptions) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      // Names the fields (and for the URL, what is wrong) only: the secret itself must not reach a log.
      const fields = parsed.error.issues.map((issue) =>
        issue.code === 'custom' ? `${issue.path.join('.')} (${issue.message})` : issue.path.join('.'),
      );
      throw new TypeError(`invalid HttpOms options: ${fields.join(', ')}`);
    }
    this.options = parsed.data;
    const url = new URL(parsed.data.url);
    this.endpointForMessages = `${url.origin}${url.pathname}`;
  }

  async reserveInventory(
    metaOrderId: string,
    lines: ReservationLine[],
  ): Promise<{ reserved: boolean; shortages: ReservationLine[] }> {
    return this.send('inventory.reserve', [metaOrderId], { metaOrderId, lines }, reserveInventoryResponseSchema);
  }

  async releaseInventory(metaOrderId: string): Promise<void> {
    await this.send('inventory.release', [metaOrderId], { metaOrderId });
  }

  async createPendingOrder(input: PendingOrderInput): Promise<{ merchantOrderReference: string }> {
    return this.send('order.create_pending', [input.metaOrderId], input, createPendingOrderResponseSchema);
  }

  async markProcessing(metaOrderId: string): Promise<void> {
    await this.send('order.mark_processing', [metaOrderId], { metaOrderId });
  }

  /** The event always names the origin: `merchant` when the record leaves it out. */
  async recordShipment(shipment: ShipmentRecord): Promise<void> {
    await this.send('order.record_shipment', [shipment.metaOrderId, shipment.requestId], {
      ...shipment,
      origin: shipment.origin ?? 'merchant',
    });
  }

  async recordTrackingUpdate(update: TrackingUpdateRecord): Promise<void> {
    await this.send('order.record_tracking_update', [update.metaOrderId, update.requestId], update);
  }

  async recordCancellation(cancellation: CancellationRecord): Promise<void> {
    await this.send('order.record_cancellation', [cancellation.metaOrderId, cancellation.requestId], cancellation);
  }

  async recordRefund(refund: RefundRecord): Promise<void> {
    await this.send('order.record_refund', [refund.metaOrderId, refund.requestId], refund);
  }

  async recordReturn(record: ReturnRecord): Promise<void> {
    await this.send('order.record_return', [record.metaOrderId, record.metaReturnId, record.status], record);
  }

  async markCompleted(metaOrderId: string): Promise<void> {
    await this.send('order.mark_completed', [metaOrderId], { metaOrderId });
  }

  async notifyExternalChange(change: ExternalChange): Promise<void> {
    await this.send('order.external_change', { change }, change);
  }

  async notifyOps(notification: OpsNotification): Promise<void> {
    await this.send('ops.notify', { notification }, notification);
  }

  /** POSTs one event; with a schema, parses the 2xx answer with it, otherwise ignores the body. */
  private async send(type: OmsEventType, identity: unknown, data: unknown): Promise<void>;
  private async send<T>(type: OmsEventType, identity: unknown, data: unknown, answer: z.ZodType<T>): Promise<T>;
  private async send<T>(
    type: OmsEventType,
    identity: unknown,
    data: unknown,
    answer?: z.ZodType<T>,
  ): Promise<T | void> {
    const id = omsEventId(type, identity);
    const envelope: OmsEventEnvelope = { id, type, occurredAt: new Date().toISOString(), data };
    const body = JSON.stringify(envelope);
    const fail = (
      failure: OmsHttpFailure,
      retryable: boolean,
      message: string,
      status?: number,
      retryAfterMs?: number,
    ) =>
      new OmsHttpError({
        failure,
        retryable,
        message: this.redact(`${type} (event ${id}) to ${this.endpointForMessages}: ${message}`),
        eventType: type,
        eventId: id,
        status,
        retryAfterMs,
      });

    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let status: number;
    let text: string;
    let retryAfter: string | string[] | undefined;
    try {
      const response = await request(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          [OMS_SIGNATURE_HEADER]: signOmsBody(body, this.options),
          [OMS_EVENT_ID_HEADER]: id,
        },
        body,
        signal,
      });
      status = response.statusCode;
      retryAfter = response.headers['retry-after'];
      text = await response.body.text();
    } catch (error) {
      if (signal.aborted) {
        throw fail('timeout', true, `no complete answer within ${this.options.timeoutMs} ms`);
      }
      throw fail('network', true, `request failed (${errorCode(error)})`);
    }

    // From here on the answer's body stays out of every error (see logRefusal).
    if (status < 200 || status > 299) {
      const retryable = isRetryableStatus(status);
      const verdict = retryable ? 'retryable' : 'not retryable';
      this.logRefusal(`OMS endpoint answered HTTP ${status}`, { type, id, data, status, text });
      throw fail(
        'http_status',
        retryable,
        `endpoint answered HTTP ${status} (${verdict})`,
        status,
        parseRetryAfter(retryAfter),
      );
    }
    if (answer === undefined) return;

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.logRefusal('OMS endpoint answered with a body that is not JSON', { type, id, data, status, text });
      throw fail('malformed_response', false, 'malformed response: body is not JSON', status);
    }
    const parsed = answer.safeParse(json);
    if (!parsed.success) {
      // Paths and messages come from our schema, never from the answer's values.
      const issues = parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        .join('; ');
      this.logRefusal('OMS endpoint answered with a malformed reply', { type, id, data, status, text });
      throw fail('malformed_response', false, `malformed response: ${issues}`, status);
    }
    return parsed.data;
  }

  /**
   * Logs a refused or unusable answer locally: the facts at warn level, an excerpt of the body
   * (echoed event values, secret and e-mail addresses redacted, truncated) at debug level only.
   */
  private logRefusal(
    message: string,
    answer: { type: OmsEventType; id: string; data: unknown; status: number; text: string },
  ): void {
    const logger = this.options.logger;
    if (!logger) return;
    const metaOrderId = (answer.data as { metaOrderId?: unknown } | null)?.metaOrderId;
    const fields = {
      eventType: answer.type,
      eventId: answer.id,
      ...(typeof metaOrderId === 'string' ? { orderId: metaOrderId } : {}),
      status: answer.status,
      endpoint: this.endpointForMessages,
      bodyChars: answer.text.length,
    };
    logger.warn(message, fields);
    logger.debug(`${message} (excerpt)`, {
      ...fields,
      bodyExcerpt: redactedResponseExcerpt(answer.text, answer.data, [this.options.secret]),
    });
  }

  /** Belt and braces: an endpoint that echoes the secret back must not get it into our logs. */
  private redact(message: string): string {
    return message.split(this.options.secret).join('[redacted]');
  }
}

function errorCode(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? code : error.name;
  }
  return 'unknown error';
}

/** Retry-After is either delay-seconds or an HTTP date. */
function parseRetryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
