/**
 * What each failure of the Graph client means to the rest of the system, in one table. Every
 * other list derives from it: the client's error kinds and which are transient (graph/errors.ts),
 * the Temporal failures activities throw (activities/failures.ts), the retry policies' non-retryable
 * types (order/policy.ts), the failures a command hands back to its caller (order/commands), and
 * the outcome label of the Graph call metrics (observability/graph-instrumentation.ts).
 * Pure: workflow code imports it.
 */

export interface GraphFailure {
  /**
   * The ApplicationFailure type its activity throws. Recorded in workflow histories and matched by
   * retry policies and command handlers: never rename one.
   */
  readonly type: string;
  /** Retrying the same call can succeed (after Meta's regain time when throttled). */
  readonly retryable: boolean;
  /**
   * Meta refused the command's content: the command is handed back to its caller to correct
   * instead of parking the order for an operator.
   */
  readonly rejectsCommand: boolean;
  /** The `outcome` label of the Graph call metrics; dashboards filter on it: never rename one. */
  readonly outcome: string;
}

/** By GraphError kind: Meta answered with an error, or the request failed in transit. */
export const GRAPH_ERROR_FAILURES = {
  throttled: { type: 'GraphThrottled', retryable: true, rejectsCommand: false, outcome: 'throttled' },
  /** Network errors and timeouts too. */
  transient: { type: 'GraphTransientError', retryable: true, rejectsCommand: false, outcome: 'transient' },
  validation: { type: 'GraphValidationError', retryable: false, rejectsCommand: true, outcome: 'validation' },
  auth: { type: 'GraphAuthError', retryable: false, rejectsCommand: false, outcome: 'auth' },
  permission: { type: 'GraphPermissionError', retryable: false, rejectsCommand: false, outcome: 'permission' },
  notFound: { type: 'GraphNotFoundError', retryable: false, rejectsCommand: false, outcome: 'not_found' },
  conflict: { type: 'GraphConflictError', retryable: false, rejectsCommand: true, outcome: 'conflict' },
  /** Meta's error matched no known class; not retried. */
  unknown: { type: 'GraphUnknownError', retryable: false, rejectsCommand: false, outcome: 'unknown' },
} as const satisfies Record<string, GraphFailure>;

export type GraphErrorKind = keyof typeof GRAPH_ERROR_FAILURES;

/** GraphResponseError: Meta answered 2xx with a body that breaks the contract. Retrying will not change it; a human must look. */
export const GRAPH_RESPONSE_FAILURE = {
  type: 'GraphResponseError',
  retryable: false,
  rejectsCommand: false,
  outcome: 'invalid_response',
} as const satisfies GraphFailure;

/**
 * GraphInputError: arguments the client refused to send; nothing was sent. To the workflow it is a
 * validation failure like Meta's own (the command's content is wrong); the metrics tell them apart.
 */
export const GRAPH_INPUT_FAILURE = {
  ...GRAPH_ERROR_FAILURES.validation,
  outcome: 'invalid_input',
} as const satisfies GraphFailure;

const EVERY_FAILURE: readonly GraphFailure[] = [
  ...Object.values(GRAPH_ERROR_FAILURES),
  GRAPH_RESPONSE_FAILURE,
  GRAPH_INPUT_FAILURE,
];

/** Each type once, in the table's order. */
function typesWhere(test: (failure: GraphFailure) => boolean): string[] {
  return [...new Set(EVERY_FAILURE.filter(test).map((failure) => failure.type))];
}

/** Failure types that retrying cannot fix: an operator or a corrected command must. For retry policies. */
export const NON_RETRYABLE_GRAPH_FAILURE_TYPES: readonly string[] = typesWhere((failure) => !failure.retryable);

/** Failure types a command hands back to its caller instead of parking the order. */
export const COMMAND_REJECTING_FAILURE_TYPES: ReadonlySet<string> = new Set(
  typesWhere((failure) => failure.rejectsCommand),
);
