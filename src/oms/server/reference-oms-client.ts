/**
 * The reference OMS server's read model and catalogue over HTTP (reference-oms-server.ts): what the
 * demo, the benchmark and tests use to look into the OMS once it runs in a process of its own.
 * Writes go through HttpOms (the signed events), as for any merchant's OMS.
 */
import { request } from 'undici';
import type {
  OmsEvent,
  OmsInventoryLevel,
  OmsOrderBooks,
  OmsOrderDetail,
  OmsOrderStatus,
  OmsOrderSummary,
  OmsReadModel,
  OmsReservation,
} from '../read-model.js';
import type { SeedProduct } from '../reference/index.js';

export interface OmsProgress {
  /** How many of the orders asked for a reservation. */
  reserved: number;
  /** How many are processing, and when the last of them got there. */
  processing: number;
  lastProcessingAt: Date | undefined;
}

export class ReferenceOmsClient implements OmsReadModel {
  private readonly base: string;

  /** `url`: the server's base URL (http://127.0.0.1:8790); `secret`: the shared secret (bearer token). */
  constructor(
    url: string,
    private readonly secret: string,
  ) {
    this.base = url.replace(/\/+$/, '');
  }

  getOrder(metaOrderId: string): Promise<OmsOrderDetail | undefined> {
    return this.get(`/oms/orders/${encodeURIComponent(metaOrderId)}`);
  }

  async listOrders(filter: { status?: OmsOrderStatus | undefined } = {}): Promise<OmsOrderSummary[]> {
    return (await this.get<OmsOrderSummary[]>(`/oms/orders${filter.status ? `?status=${filter.status}` : ''}`))!;
  }

  inventory(retailerId: string): Promise<OmsInventoryLevel | undefined> {
    return this.get(`/oms/inventory/${encodeURIComponent(retailerId)}`);
  }

  reservation(metaOrderId: string): Promise<OmsReservation | undefined> {
    return this.get(`/oms/reservations/${encodeURIComponent(metaOrderId)}`);
  }

  async events(metaOrderId?: string): Promise<OmsEvent[]> {
    return (await this.get<OmsEvent[]>(
      `/oms/event-log${metaOrderId ? `?order=${encodeURIComponent(metaOrderId)}` : ''}`,
    ))!;
  }

  orderBooks(metaOrderId: string): Promise<OmsOrderBooks | undefined> {
    return this.get(`/oms/orders/${encodeURIComponent(metaOrderId)}/books`);
  }

  async seedProducts(products: SeedProduct[]): Promise<void> {
    await this.call('POST', '/oms/products', products);
  }

  async progress(metaOrderIds: string[]): Promise<OmsProgress> {
    const answer = (await this.call('POST', '/oms/progress', { metaOrderIds })) as {
      reserved: number;
      processing: number;
      lastProcessingAt?: string | null;
    };
    return {
      reserved: answer.reserved,
      processing: answer.processing,
      lastProcessingAt: answer.lastProcessingAt ? new Date(answer.lastProcessingAt) : undefined,
    };
  }

  /** Undefined on 404 (the OMS does not hold it). */
  private async get<T>(path: string): Promise<T | undefined> {
    return (await this.call('GET', path, undefined, true)) as T | undefined;
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown, notFoundIsUndefined = false) {
    const response = await request(`${this.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.secret}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    if (response.statusCode === 404 && notFoundIsUndefined) return undefined;
    if (response.statusCode < 200 || response.statusCode > 299)
      throw new Error(
        `reference OMS server: ${method} ${path} answered HTTP ${response.statusCode}: ${text.slice(0, 200)}`,
      );
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
}
