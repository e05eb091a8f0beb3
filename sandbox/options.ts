/**
 * The sandbox's start options, validated with zod. Everything has a default, so
 * `startSandbox()` gives a Meta-like account on http://127.0.0.1:8787; tests pass `port: 0`.
 */
import { z } from 'zod';
import { FaultConfigSchema } from './fault-schemas.js';

const numericId = z.string().regex(/^\d{1,20}$/, 'expected a numeric id');

export const RateLimitSchema = z.strictObject({
  /** Calls allowed per page within any window of `windowMs` (a sliding window). */
  callsPerWindow: z.number().int().positive(),
  windowMs: z.number().int().positive(),
});
export type RateLimit = z.output<typeof RateLimitSchema>;

export const DemoOptionsSchema = z.strictObject({
  /** A new order every interval. */
  intervalMs: z.number().int().min(10),
  itemsPerOrder: z.number().int().min(1).max(20).default(2),
});
export type DemoOptions = z.output<typeof DemoOptionsSchema>;

export const THIRTY_MINUTES_MS = 30 * 60_000;

export const SandboxOptionsSchema = z.strictObject({
  port: z.number().int().min(0).max(65_535).default(8787),
  host: z.string().min(1).default('127.0.0.1'),
  accessToken: z.string().min(1).default('sandbox-token'),
  /** When set, every Graph call needs `appsecret_proof` = hex HMAC-SHA256(appSecret, token). */
  appSecret: z.string().min(1).optional(),
  cmsId: numericId.default('1000000000000001'),
  /** Key of the X-Business-Use-Case-Usage header. */
  businessId: numericId.default('2000000000000001'),
  /** FB_PROCESSING -> CREATED after this long (Meta: at least 30 minutes). Applies to orders created later. */
  releaseDelayMs: z.number().int().min(0).default(THIRTY_MINUTES_MS),
  /** Whether an order-management app is connected (released orders then wait in CREATED). */
  connected: z.boolean().default(true),
  rateLimit: RateLimitSchema.default({ callsPerWindow: 20_000, windowMs: 3_600_000 }),
  faults: FaultConfigSchema.default(FaultConfigSchema.parse({})),
  /**
   * Where object ids start. Several sandboxes whose orders meet in one Temporal namespace (test
   * files sharing a dev server) need disjoint ranges, since workflow ids derive from order ids.
   */
  firstId: z.number().int().min(1).max(8_000_000_000_000_000).default(310_000_000_000_000),
  /** A trickle of demo orders (both channels, Unicode buyer names). */
  demo: DemoOptionsSchema.optional(),
  /**
   * Keep the account across restarts: loaded at start when the file exists, saved after changes
   * (at most every `stateSaveIntervalMs`) and at close. Faults and rate-limit windows are not kept.
   */
  stateFile: z.string().min(1).optional(),
  stateSaveIntervalMs: z.number().int().min(10).max(60_000).default(2_000),
});

export type SandboxOptions = z.output<typeof SandboxOptionsSchema>;
export type SandboxOptionsInput = z.input<typeof SandboxOptionsSchema>;
