/**
 * Graph call metrics without touching any activity: `instrumentGraphClient(client)` returns the
 * same GraphClient, every endpoint method of which records its endpoint, outcome, duration and the
 * usage Meta reported. Outcomes come from the client's typed errors (GraphError.kind,
 * GraphResponseError, GraphInputError), so they mean what src/activities/failures.ts acts on.
 */
import type { MetricMeter } from '@temporalio/common';
import type { GraphClient, GraphEndpoint } from '../graph/client.js';
import { GRAPH_ERROR_FAILURES, GRAPH_INPUT_FAILURE, GRAPH_RESPONSE_FAILURE } from '../api/graph-failures.js';
import { GraphError, GraphInputError, GraphResponseError } from '../graph/errors.js';
import { METRIC } from './metric-names.js';
import { inSpan } from './spans.js';

/** `ok`, each Graph failure's outcome (api/graph-failures.ts), or `error`: anything else thrown (a bug, not Meta). */
export type GraphCallOutcome =
  | 'ok'
  | (typeof GRAPH_ERROR_FAILURES)[keyof typeof GRAPH_ERROR_FAILURES]['outcome']
  | typeof GRAPH_RESPONSE_FAILURE.outcome
  | typeof GRAPH_INPUT_FAILURE.outcome
  | 'error';

export function classifyGraphOutcome(err: unknown): GraphCallOutcome {
  if (err instanceof GraphError) return GRAPH_ERROR_FAILURES[err.kind].outcome;
  if (err instanceof GraphResponseError) return GRAPH_RESPONSE_FAILURE.outcome;
  if (err instanceof GraphInputError) return GRAPH_INPUT_FAILURE.outcome;
  return 'error';
}

/** Every GraphClient method that calls Meta. A new client method fails type checking here until mapped. */
type GraphCallMethod = Exclude<keyof GraphClient, 'usage' | 'maxUsagePercent' | 'redact' | 'close'>;

export const GRAPH_METHOD_ENDPOINTS = {
  listOrders: 'GET /{cms-id}/commerce_orders',
  listOrdersPage: 'GET /{cms-id}/commerce_orders',
  getOrder: 'GET /{order-id}',
  listItems: 'GET /{order-id}/items',
  getProduct: 'GET /{product-id}',
  acknowledgeOrder: 'POST /{order-id}/acknowledge_order',
  acknowledgeOrders: 'POST /{cms-id}/acknowledge_orders',
  createShipment: 'POST /{order-id}/shipments',
  updateShipment: 'POST /{order-id}/update_shipment',
  cancelOrder: 'POST /{order-id}/cancellations',
  refundOrder: 'POST /{order-id}/refunds',
  updateReturn: 'POST /{return-id}/update_return',
  connectOrderManagementApp: 'POST /{cms-id}/order_management_apps',
  disconnectOrderManagementApp: 'DELETE /{cms-id}/order_management_apps',
  listShipments: 'GET /{order-id}/shipments',
  listCancellations: 'GET /{order-id}/cancellations',
  listRefunds: 'GET /{order-id}/refunds',
  listReturns: 'GET /{order-id}/returns',
} as const satisfies Record<GraphCallMethod, GraphEndpoint>;

/** Methods that return an async generator: each `next()` that fetches a page is one call. */
const PAGED_METHODS: ReadonlySet<string> = new Set<GraphCallMethod>(['listOrders']);

/** Where Graph call observations go. */
export interface GraphCallRecorder {
  recordCall(endpoint: GraphEndpoint, outcome: GraphCallOutcome, durationSeconds: number): void;
  recordUsagePercent(percent: number): void;
}

/** Records Graph calls as metrics on a Temporal MetricMeter (the runtime's, so they share its Prometheus endpoint). */
export class GraphMetrics implements GraphCallRecorder {
  private readonly calls;
  private readonly throttled;
  private readonly duration;
  private readonly usage;

  constructor(meter: MetricMeter) {
    this.calls = meter.createCounter(METRIC.graphCalls, undefined, 'Graph API calls by endpoint and outcome');
    this.throttled = meter.createCounter(METRIC.graphThrottled, undefined, 'Graph API calls Meta throttled');
    this.duration = meter.createHistogram(METRIC.graphCallDuration, 'float', 's', 'Graph API call duration');
    this.usage = meter.createGauge(
      METRIC.graphUsagePercent,
      'float',
      '%',
      "Highest usage percentage in Meta's last usage headers",
    );
  }

  recordCall(endpoint: GraphEndpoint, outcome: GraphCallOutcome, durationSeconds: number): void {
    this.calls.add(1, { endpoint, outcome });
    if (outcome === 'throttled') this.throttled.add(1, { endpoint });
    this.duration.record(Math.max(0, durationSeconds), { endpoint });
  }

  recordUsagePercent(percent: number): void {
    this.usage.set(percent);
  }
}

/**
 * The same client, observed. Methods other than Graph calls (usage, redact, close) pass through.
 * Installed once per worker process around the client the activities receive.
 */
export function instrumentGraphClient(
  client: GraphClient,
  recorder: GraphCallRecorder,
  now: () => number = performance.now.bind(performance),
): GraphClient {
  const endpoints: Record<string, GraphEndpoint> = GRAPH_METHOD_ENDPOINTS;

  const observe = (endpoint: GraphEndpoint, started: number, outcome: GraphCallOutcome): void => {
    recorder.recordCall(endpoint, outcome, (now() - started) / 1000);
    recorder.recordUsagePercent(client.maxUsagePercent());
  };

  // Each call also gets a span (spans.ts; a no-op unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
  const observed = async <T>(endpoint: GraphEndpoint, call: () => Promise<T>): Promise<T> =>
    inSpan(`graph ${endpoint}`, { 'graph.endpoint': endpoint }, async () => {
      const started = now();
      try {
        const result = await call();
        observe(endpoint, started, 'ok');
        return result;
      } catch (err) {
        observe(endpoint, started, classifyGraphOutcome(err));
        throw err;
      }
    });

  const observedPages = <T>(
    endpoint: GraphEndpoint,
    pages: AsyncGenerator<T, void, undefined>,
  ): AsyncGenerator<T, void, undefined> => {
    const wrapped: AsyncGenerator<T, void, undefined> = {
      next: () =>
        inSpan(`graph ${endpoint}`, { 'graph.endpoint': endpoint }, async () => {
          const started = now();
          try {
            const step = await pages.next();
            // The generator ends without a request once the last page said there is no next one.
            if (!step.done) observe(endpoint, started, 'ok');
            return step;
          } catch (err) {
            observe(endpoint, started, classifyGraphOutcome(err));
            throw err;
          }
        }),
      return: (value) => pages.return(value),
      throw: (err) => pages.throw(err),
      [Symbol.asyncIterator]() {
        return wrapped;
      },
    };
    return wrapped;
  };

  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      const endpoint = endpoints[property];
      const method = value as (...args: unknown[]) => unknown;
      if (endpoint === undefined) return method.bind(target);
      if (PAGED_METHODS.has(property)) {
        return (...args: unknown[]) =>
          observedPages(endpoint, method.apply(target, args) as AsyncGenerator<unknown, void, undefined>);
      }
      return (...args: unknown[]) => observed(endpoint, () => method.apply(target, args) as Promise<unknown>);
    },
  });
}
