/**
 * One Graph request, start to end: route, body, token, rate limit, fault plan, handler, answer.
 * Every Graph answer (errors and throttling included) carries the usage headers. Faults that
 * lose the answer (lost_response, timeout after effect) run the handler first, so the effect is
 * committed exactly as Meta would have committed it before the connection died.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate } from './auth.js';
import {
  MAX_REQUEST_LINE_BYTES,
  newTraceId,
  pageThrottled,
  requestLineTooLong,
  SandboxGraphError,
  transientServerError,
} from './errors.js';
import type { FaultDecision } from './faults.js';
import type { GraphAnswer, GraphCall } from './graph-call.js';
import { getOrder, getProduct, listOrders, orderEdge } from './graph-reads.js';
import { resolveRoute, type GraphRoute } from './graph-route.js';
import {
  acknowledgeOrder,
  acknowledgeOrders,
  connectApp,
  createCancellation,
  createRefund,
  createShipment,
  disconnectApp,
  updateReturnStatus,
  updateShipmentTracking,
} from './graph-writes.js';
import { parseBodyParams, parseQuery, readBody } from './http-body.js';
import { usageHeaders, type Usage } from './rate-limit.js';
import { endpointParams, GRAPH_METHODS, linkParams, readGenericParams, type GraphMethod } from './generic-params.js';
import type { SandboxState } from './state.js';

type Handler = (call: GraphCall) => GraphAnswer;

const HANDLERS: Record<string, Handler> = {
  'GET cms:commerce_orders': listOrders,
  'POST cms:acknowledge_orders': acknowledgeOrders,
  'POST cms:order_management_apps': connectApp,
  'DELETE cms:order_management_apps': disconnectApp,
  'GET order:': getOrder,
  'GET product:': getProduct,
  'GET order:items': orderEdge,
  'GET order:shipments': orderEdge,
  'GET order:cancellations': orderEdge,
  'GET order:refunds': orderEdge,
  'GET order:returns': orderEdge,
  'POST order:acknowledge_order': acknowledgeOrder,
  'POST order:shipments': createShipment,
  'POST order:update_shipment': updateShipmentTracking,
  'POST order:cancellations': createCancellation,
  'POST order:refunds': createRefund,
  'POST return:update_return': updateReturnStatus,
};

/** Holds calls that must look hung, so closing the server can cut them. */
export class HungCalls {
  private readonly sockets = new Set<IncomingMessage['socket']>();

  hold(req: IncomingMessage, res: ServerResponse, ms: number): void {
    const socket = req.socket;
    this.sockets.add(socket);
    const timer = setTimeout(() => socket.resetAndDestroy(), ms);
    timer.unref();
    res.on('close', () => {
      clearTimeout(timer);
      this.sockets.delete(socket);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      this.sockets.delete(socket);
    });
  }

  releaseAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}

interface Answer extends GraphAnswer {
  traceId: string;
  headers?: Record<string, string> | undefined;
}

function errorAnswer(error: SandboxGraphError): Answer {
  const body = error.toBody();
  return {
    status: error.httpStatus,
    body: JSON.stringify(body),
    traceId: body.error.fbtrace_id!,
    headers: error.details.headers,
  };
}

export async function handleGraph(
  state: SandboxState,
  hung: HungCalls,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  search: string,
): Promise<void> {
  const httpMethod = (req.method ?? 'GET').toUpperCase();
  // `method=...` may change how the call is handled once the parameters are read.
  let method = httpMethod;
  let route: GraphRoute = resolveRoute(state, method, pathname);
  let endpointKey = `${method} ${route.endpoint}`;
  let counted = false;
  const countCall = (): void => {
    if (counted) return;
    counted = true;
    state.ledger.countCall(endpointKey);
  };

  let usage: Usage | undefined;
  let decision: FaultDecision = { kind: 'none' };
  let answer: Answer;
  let suppressHttpCode = false;
  let pretty = false;

  try {
    if (!GRAPH_METHODS.includes(httpMethod as GraphMethod)) {
      throw new SandboxGraphError(400, 'OAuthException', 100, `(#100) Unsupported HTTP method ${httpMethod}`);
    }
    if (Buffer.byteLength(req.url ?? '') > MAX_REQUEST_LINE_BYTES) throw requestLineTooLong();
    const query = parseQuery(search);
    const body = httpMethod === 'GET' ? {} : parseBodyParams(await readBody(req), req.headers['content-type']);
    const params: Record<string, unknown> = { ...Object.fromEntries(query), ...body };
    const generic = readGenericParams(params);
    suppressHttpCode = generic.suppressHttpCode;
    pretty = generic.pretty;
    if (generic.methodOverride !== undefined && generic.methodOverride !== method) {
      method = generic.methodOverride;
      route = resolveRoute(state, method, pathname);
      endpointKey = `${method} ${route.endpoint}`;
    }
    countCall();

    const token = authenticate(req.headers, params, state.settings);

    const acquired = state.limiter.tryAcquire();
    usage = acquired.usage;
    if (!acquired.allowed) {
      state.ledger.countThrottled(endpointKey);
      throw pageThrottled();
    }
    if (route.error) throw route.error;
    if (generic.invalid) throw generic.invalid;

    const plan = state.faults.decide({ endpoint: route.endpoint, method, objectId: route.objectId });
    decision = plan.decision;
    if (plan.latencyMs > 0) state.ledger.countFault('latency', endpointKey);
    if (decision.kind !== 'none') state.ledger.countFault(decision.kind, endpointKey);
    if (plan.latencyMs > 0) await sleep(plan.latencyMs);
    if (decision.kind === 'throttle') {
      state.ledger.countThrottled(endpointKey);
      usage = { callCountPct: Math.max(100, usage.callCountPct), regainMs: state.faults.throttleRemainingMs() };
      throw pageThrottled();
    }
    if (decision.kind === 'server_error') throw transientServerError(decision.status);
    if (decision.kind === 'timeout' && !decision.afterEffect) {
      hung.hold(req, res, state.faults.timeoutMs);
      return;
    }

    // Lazy releases: due FB_PROCESSING orders move on before anything reads or writes them.
    state.store.releaseDue(state.clock.now());
    const handler = HANDLERS[`${method} ${route.objectKind}:${route.edge ?? ''}`];
    if (!handler || route.endpoint === 'unknown')
      throw route.error ?? new SandboxGraphError(400, 'OAuthException', 2500, 'Unknown path components');
    // Graph's paging links carry the caller's token whichever way it was sent (and its proof).
    const proof = params.appsecret_proof;
    const authQuery: [string, string][] = [['access_token', token]];
    if (typeof proof === 'string' && proof !== '') authQuery.push(['appsecret_proof', proof]);
    const result = handler({
      state,
      method,
      objectId: route.objectId,
      endpoint: route.endpoint,
      endpointKey,
      params: endpointParams(params, route.objectId),
      summary: generic.summary,
      query: linkParams(params),
      path: route.path,
      view: { graphBase: `${baseUrl(state, req)}/${route.version}`, authQuery },
    });
    answer = { ...result, traceId: result.traceId ?? newTraceId() };
  } catch (error) {
    if (!(error instanceof SandboxGraphError)) throw error;
    countCall();
    state.ledger.countError(error.code);
    answer = errorAnswer(error);
  }

  if (decision.kind === 'lost_response') {
    req.socket.resetAndDestroy();
    return;
  }
  if (decision.kind === 'timeout') {
    hung.hold(req, res, state.faults.timeoutMs);
    return;
  }

  const body = pretty ? prettyJson(answer.body) : answer.body;
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=UTF-8',
    'x-fb-trace-id': answer.traceId,
    ...usageHeaders(state.options.businessId, usage ?? state.limiter.usage()),
    ...(answer.headers ?? {}),
    'content-length': Buffer.byteLength(body),
  };
  if (/^v\d+\.0$/.test(route.version)) headers['facebook-api-version'] = route.version;
  res.writeHead(suppressHttpCode ? 200 : answer.status, headers);
  res.end(body);
}

function prettyJson(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** Links point back where the caller reached us (Host header), falling back to the bound URL. */
function baseUrl(state: SandboxState, req: IncomingMessage): string {
  const host = req.headers.host;
  return host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? `http://${host}` : state.url;
}
