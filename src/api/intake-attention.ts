/**
 * The intake workflows' attention state (the order poller's and the ack batcher's): set while Meta
 * refuses their calls for a reason retrying soon cannot fix (an expired token, a lost permission,
 * Meta down for minutes). They keep their work, back off and try again by themselves; the state
 * says why, for `fb-orders intake` and the `FbNeedsAttention` search attribute. Pure.
 */
export interface IntakeAttention {
  /** When the first failure of this streak happened. */
  since: string;
  /** Meta's message (cut to TEXT_LIMITS.refusal), e.g. "Error validating access token: Session has expired." */
  reason: string;
  /** The failure type, e.g. GraphAuthError. */
  errorType: string;
  /** Failed attempts in a row. */
  failures: number;
  /** When the next attempt is due (sooner on `poll-now`). */
  nextAttemptAt: string;
}

/** How long an intake workflow waits after a failed attempt: doubling from `initialMs` up to `maxMs`. */
export interface IntakeBackoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_INTAKE_BACKOFF: IntakeBackoff = { initialMs: 30_000, maxMs: 10 * 60_000 };
