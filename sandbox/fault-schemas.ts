/**
 * Wire shapes of fault injection, shared by the server (options, admin API) and the admin client.
 * Random rates model a flaky Meta; rules give tests exact control ("the next acknowledge_order
 * loses its response, once").
 */
import { z } from 'zod';

/** Names of the Graph endpoints, as used by fault rules and the ledger's call counts. */
export const GRAPH_ENDPOINTS = [
  'commerce_orders',
  'acknowledge_orders',
  'order_management_apps',
  'order',
  'product',
  'items',
  'shipments',
  'cancellations',
  'refunds',
  'returns',
  'acknowledge_order',
  'update_shipment',
  'update_return',
] as const;
export type GraphEndpoint = (typeof GRAPH_ENDPOINTS)[number];

/** Endpoints that change state; a rule on one of them targets its writes unless `method` says otherwise. */
export const WRITE_ENDPOINTS: ReadonlySet<GraphEndpoint> = new Set([
  'acknowledge_orders',
  'order_management_apps',
  'shipments',
  'cancellations',
  'refunds',
  'acknowledge_order',
  'update_shipment',
  'update_return',
]);

export const FAULT_KINDS = ['server_error', 'timeout', 'lost_response', 'throttle', 'latency'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FaultRuleSchema = z.strictObject({
  /** `*` matches every Graph endpoint. */
  endpoint: z.union([z.enum(GRAPH_ENDPOINTS), z.literal('*')]),
  /**
   * Default: the writes (POST/DELETE) of an endpoint that has writes, GET otherwise. So
   * `{ endpoint: 'shipments' }` hits `POST /{order-id}/shipments`, not the shipments history read.
   */
  method: z.enum(['GET', 'POST', 'DELETE', 'ANY']).optional(),
  /** Only calls on this object (order id, cms id, product id). */
  objectId: z.string().min(1).optional(),
  fault: z.enum(FAULT_KINDS),
  /** How many matching calls the rule hits before it is used up. */
  times: z.number().int().min(1).default(1),
  /** server_error: HTTP status (500 or 503). Default 500. */
  status: z.union([z.literal(500), z.literal(503)]).optional(),
  /** latency: delay added to the call. */
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  /** timeout: apply the call's effect first, then hang (the client cannot tell whether it happened). */
  afterEffect: z.boolean().optional(),
});
export type FaultRule = z.output<typeof FaultRuleSchema>;
export type FaultRuleInput = z.input<typeof FaultRuleSchema>;

const rate = z.number().min(0).max(1);

/** Full fault configuration (start option, `PUT /_admin/faults`). */
export const FaultConfigSchema = z.strictObject({
  /** Probability that a call fails with code 2 / is_transient (HTTP 500 or 503, half each). */
  serverErrorRate: rate.default(0),
  /** Probability that a call hangs past the client's timeout (no effect applied). */
  timeoutRate: rate.default(0),
  /** Probability that a call's effect is applied and then its connection is reset. */
  lostResponseRate: rate.default(0),
  /** Delay added to every call, plus a uniform random 0..latencyJitterMs. */
  latencyMs: z.number().int().min(0).max(600_000).default(0),
  latencyJitterMs: z.number().int().min(0).max(600_000).default(0),
  /** How long a hung call is held before its socket is reset (if the client has not given up). */
  timeoutMs: z.number().int().min(1).max(3_600_000).default(120_000),
  /** Seed for the random rates, for reproducible runs; absent = Math.random. */
  seed: z.number().int().optional(),
  rules: z.array(FaultRuleSchema).default([]),
  /** Throttle burst: the next N calls answer 80001. */
  throttleNextCalls: z.number().int().min(0).default(0),
  /** Throttle burst: every call answers 80001 for this long (from when it is set). */
  throttleForMs: z.number().int().min(0).max(86_400_000).default(0),
});
export type FaultConfig = z.output<typeof FaultConfigSchema>;
export type FaultConfigInput = z.input<typeof FaultConfigSchema>;

/**
 * `POST /_admin/faults`: change only what is given. Rates/latency replace; `rules` are appended;
 * throttle fields start a new burst.
 */
export const FaultPatchSchema = z.strictObject({
  serverErrorRate: rate.optional(),
  timeoutRate: rate.optional(),
  lostResponseRate: rate.optional(),
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  latencyJitterMs: z.number().int().min(0).max(600_000).optional(),
  timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  seed: z.number().int().optional(),
  rules: z.array(FaultRuleSchema).optional(),
  throttleNextCalls: z.number().int().min(0).optional(),
  throttleForMs: z.number().int().min(0).max(86_400_000).optional(),
});
export type FaultPatch = z.input<typeof FaultPatchSchema>;

/** What `GET /_admin/faults` reports: the active configuration and what is left of rules and bursts. */
export const FaultStateSchema = z.object({
  serverErrorRate: z.number(),
  timeoutRate: z.number(),
  lostResponseRate: z.number(),
  latencyMs: z.number(),
  latencyJitterMs: z.number(),
  timeoutMs: z.number(),
  seed: z.number().optional(),
  rules: z.array(FaultRuleSchema.extend({ remaining: z.number().int() })),
  throttleNextCalls: z.number().int(),
  /** Remaining time of a duration burst, 0 when none. */
  throttleRemainingMs: z.number(),
});
export type FaultState = z.output<typeof FaultStateSchema>;
