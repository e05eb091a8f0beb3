/**
 * Intake that never dies: when the order poller's or the ack batcher's activity fails for a reason
 * retrying soon cannot fix (an expired token, a lost permission, Meta down beyond the retry
 * budget), the workflow keeps its work, records why (`attention` in its status), sets the
 * `FbNeedsAttention` search attribute, tells ops once through the OMS, backs off (doubling
 * up to a ceiling) and tries again by itself; the first success clears it all. Workflow code.
 */
import type { ActivityFailure } from '@temporalio/workflow';
import { ApplicationFailure, log, proxyActivities, TimeoutFailure, upsertSearchAttributes } from '@temporalio/workflow';
import type { OmsActivities } from '../api/activities.js';
import { GRAPH_ERROR_FAILURES } from '../api/graph-failures.js';
import { DEFAULT_INTAKE_BACKOFF, type IntakeAttention, type IntakeBackoff } from '../api/intake-attention.js';
import { TEXT_LIMITS, truncate } from '../api/limits.js';
import { FB_NEEDS_ATTENTION } from '../api/search-attributes.js';

/**
 * Ops notices from intake run on the intake task queue (its worker registers notifyOps). Bounded:
 * an OMS that is down too must not hold intake's own retries.
 */
const { notifyOps } = proxyActivities<Pick<OmsActivities, 'notifyOps'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

/**
 * Failures that say nothing about the orders a batch was about: the account (token, permission,
 * the commerce account itself) or Meta being down beyond the retry budget. Waiting and sending the
 * batch again can succeed; sending each order alone would fail the same way, once per order.
 */
const OUTSIDE_THE_BATCH: ReadonlySet<string> = new Set(
  (['auth', 'permission', 'notFound', 'throttled', 'transient'] as const).map(
    (kind) => GRAPH_ERROR_FAILURES[kind].type,
  ),
);

/** Whether a batch that failed this way should wait and be retried rather than leave its orders to go alone. */
export function retryLater(err: ActivityFailure): boolean {
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) return OUTSIDE_THE_BATCH.has(cause.type ?? '');
  return cause instanceof TimeoutFailure; // every attempt timed out
}

export class IntakeAttentionLoop {
  private readonly backoff: IntakeBackoff;
  /** Whether this run has set the search attribute (a run that carried the attention over sets it again). */
  private flagged = false;

  constructor(
    /** The status the attention lives in (carried over continue-as-new with it). */
    private readonly status: { attention?: IntakeAttention | undefined },
    /** "order poller" or "ack batcher", for messages. */
    private readonly who: string,
    private readonly cmsId: string,
    backoff?: IntakeBackoff,
  ) {
    this.backoff = backoff ?? DEFAULT_INTAKE_BACKOFF;
  }

  /** Records a failed attempt; returns how long to wait before the next one. */
  async failed(err: ActivityFailure): Promise<number> {
    const cause = err.cause;
    const errorType =
      cause instanceof ApplicationFailure ? (cause.type ?? 'ApplicationFailure') : (cause?.name ?? 'ActivityFailure');
    const reason = truncate(cause?.message ?? err.message, TEXT_LIMITS.refusal);
    const prior = this.status.attention;
    const failures = (prior?.failures ?? 0) + 1;
    const delayMs = Math.min(this.backoff.initialMs * 2 ** Math.min(failures - 1, 20), this.backoff.maxMs);
    const now = new Date();
    const since = prior?.since ?? now.toISOString();
    this.status.attention = {
      since,
      reason,
      errorType,
      failures,
      nextAttemptAt: new Date(now.getTime() + delayMs).toISOString(),
    };
    const fields = { cmsId: this.cmsId, errorType, reason, failures, retryInMs: delayMs };
    if (!this.flagged) {
      upsertSearchAttributes([{ key: FB_NEEDS_ATTENTION, value: true }]);
      this.flagged = true;
    }
    if (prior) {
      log.warn(`${this.who} still paused`, fields);
      return delayMs;
    }
    log.error(`${this.who} paused: Meta refuses its calls; retrying by itself`, fields);
    try {
      await notifyOps({
        severity: 'critical',
        reason:
          `${this.who} of commerce account ${this.cmsId} paused since ${since}: ${reason} (${errorType}). ` +
          'It retries by itself with backoff; fix the cause (e.g. a new META_ACCESS_TOKEN), ' +
          '`fb-orders intake` shows the state, `fb-orders poll-now` retries at once.',
      });
    } catch (notifyErr) {
      log.warn('could not tell ops that intake paused', { cmsId: this.cmsId, error: String(notifyErr) });
    }
    return delayMs;
  }

  /** An attempt succeeded: clears the attention state, if any. */
  resolved(): void {
    const prior = this.status.attention;
    if (!prior) return;
    this.status.attention = undefined;
    upsertSearchAttributes([{ key: FB_NEEDS_ATTENTION, value: false }]);
    this.flagged = false;
    log.info(`${this.who} resumed`, { cmsId: this.cmsId, pausedSince: prior.since, failures: prior.failures });
  }
}
