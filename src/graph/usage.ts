/**
 * Meta's rate-limit usage headers, parsed on every response so callers can slow down before Meta
 * throttles them. Percentages (0-100+); regain times arrive in minutes and are kept in ms here.
 * A malformed header is ignored: usage is advisory and must never fail a request.
 */
import { z } from 'zod';

export interface UsageFigures {
  /** Percentages of the allowance used; above 100 Meta throttles. */
  callCount?: number | undefined;
  totalCpuTime?: number | undefined;
  totalTime?: number | undefined;
  /** How long until access is regained, when Meta says so (0 allowed). */
  estimatedTimeToRegainAccessMs?: number | undefined;
}

export interface BusinessUseCaseUsage extends UsageFigures {
  /** Use case, e.g. "pages", "ads_management". */
  type: string;
}

export interface UsageSnapshot {
  /** Last `X-Business-Use-Case-Usage` entries seen, per business id. */
  businesses: Record<string, { entries: BusinessUseCaseUsage[]; observedAt: Date }>;
  app?: { usage: UsageFigures; observedAt: Date } | undefined;
  page?: { usage: UsageFigures; observedAt: Date } | undefined;
}

const percent = z.number().finite().nonnegative();
const minutes = z.number().finite().nonnegative();

const FiguresWire = z.object({
  call_count: percent.optional(),
  total_cputime: percent.optional(),
  total_time: percent.optional(),
  estimated_time_to_regain_access: minutes.optional(),
});

const BusinessUseCaseWire = z.record(z.string(), z.array(FiguresWire.extend({ type: z.string() })));

const MINUTE_MS = 60_000;

function toFigures(wire: z.output<typeof FiguresWire>): UsageFigures {
  return {
    callCount: wire.call_count,
    totalCpuTime: wire.total_cputime,
    totalTime: wire.total_time,
    estimatedTimeToRegainAccessMs:
      wire.estimated_time_to_regain_access === undefined ? undefined : wire.estimated_time_to_regain_access * MINUTE_MS,
  };
}

function parseJsonHeader(value: string | string[] | undefined): unknown {
  const text = Array.isArray(value) ? value[value.length - 1] : value;
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export type HeaderBag = Record<string, string | string[] | undefined>;

/** Parsed `X-Business-Use-Case-Usage`; undefined when absent or malformed. */
export function parseBusinessUseCaseUsage(headers: HeaderBag): Record<string, BusinessUseCaseUsage[]> | undefined {
  const parsed = BusinessUseCaseWire.safeParse(parseJsonHeader(headers['x-business-use-case-usage']));
  if (!parsed.success) return undefined;
  return Object.fromEntries(
    Object.entries(parsed.data).map(([businessId, entries]) => [
      businessId,
      entries.map((entry) => ({ type: entry.type, ...toFigures(entry) })),
    ]),
  );
}

/** Parsed `X-App-Usage` or `X-Page-Usage`; undefined when absent or malformed. */
export function parseFiguresHeader(headers: HeaderBag, name: 'x-app-usage' | 'x-page-usage'): UsageFigures | undefined {
  const parsed = FiguresWire.safeParse(parseJsonHeader(headers[name]));
  return parsed.success ? toFigures(parsed.data) : undefined;
}

/** The longest regain time any usage header of one response announces. */
export function regainAccessMsFromHeaders(headers: HeaderBag): number | undefined {
  const candidates: number[] = [];
  for (const entries of Object.values(parseBusinessUseCaseUsage(headers) ?? {})) {
    for (const entry of entries)
      if (entry.estimatedTimeToRegainAccessMs !== undefined) candidates.push(entry.estimatedTimeToRegainAccessMs);
  }
  for (const name of ['x-app-usage', 'x-page-usage'] as const) {
    const ms = parseFiguresHeader(headers, name)?.estimatedTimeToRegainAccessMs;
    if (ms !== undefined) candidates.push(ms);
  }
  return candidates.length === 0 ? undefined : Math.max(...candidates);
}

function highest(figures: UsageFigures): number {
  return Math.max(0, figures.callCount ?? 0, figures.totalCpuTime ?? 0, figures.totalTime ?? 0);
}

/** Remembers the last usage seen per business id (and for the app and page). */
export class UsageTracker {
  private readonly businesses = new Map<string, { entries: BusinessUseCaseUsage[]; observedAt: Date }>();
  private app: { usage: UsageFigures; observedAt: Date } | undefined;
  private page: { usage: UsageFigures; observedAt: Date } | undefined;

  record(headers: HeaderBag, now: Date = new Date()): void {
    for (const [businessId, entries] of Object.entries(parseBusinessUseCaseUsage(headers) ?? {})) {
      this.businesses.set(businessId, { entries, observedAt: now });
    }
    const app = parseFiguresHeader(headers, 'x-app-usage');
    if (app) this.app = { usage: app, observedAt: now };
    const page = parseFiguresHeader(headers, 'x-page-usage');
    if (page) this.page = { usage: page, observedAt: now };
  }

  snapshot(): UsageSnapshot {
    return structuredClone({ businesses: Object.fromEntries(this.businesses), app: this.app, page: this.page });
  }

  /**
   * The highest percentage in any last-seen figure; 0 before any header arrived. Pass a business
   * id to look at that business's use cases only (the app and page figures still count).
   */
  maxUsagePercent(businessId?: string): number {
    let max = 0;
    for (const [id, { entries }] of this.businesses) {
      if (businessId !== undefined && id !== businessId) continue;
      for (const entry of entries) max = Math.max(max, highest(entry));
    }
    if (this.app) max = Math.max(max, highest(this.app.usage));
    if (this.page) max = Math.max(max, highest(this.page.usage));
    return max;
  }
}
