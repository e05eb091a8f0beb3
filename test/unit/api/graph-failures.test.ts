/**
 * The one table of Graph failures and what derives from it. The failure type strings are recorded
 * in workflow histories and matched by retry policies and command handlers: pinned here.
 */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  COMMAND_REJECTING_FAILURE_TYPES,
  GRAPH_ERROR_FAILURES,
  GRAPH_INPUT_FAILURE,
  GRAPH_RESPONSE_FAILURE,
  NON_RETRYABLE_GRAPH_FAILURE_TYPES,
  type GraphErrorKind,
  type GraphFailure,
} from '../../../src/api/graph-failures.js';
import { toActivityFailure } from '../../../src/activities/failures.js';
import { GraphError, GraphInputError, GraphResponseError } from '../../../src/graph/errors.js';
import { NON_RETRYABLE_GRAPH_ERRORS } from '../../../src/order/policy.js';

const KINDS = Object.keys(GRAPH_ERROR_FAILURES) as GraphErrorKind[];

describe('the Graph failure table', () => {
  it('keeps the failure types that histories recorded', () => {
    expect(Object.fromEntries(KINDS.map((kind) => [kind, GRAPH_ERROR_FAILURES[kind].type]))).toEqual({
      throttled: 'GraphThrottled',
      transient: 'GraphTransientError',
      validation: 'GraphValidationError',
      auth: 'GraphAuthError',
      permission: 'GraphPermissionError',
      notFound: 'GraphNotFoundError',
      conflict: 'GraphConflictError',
      unknown: 'GraphUnknownError',
    });
    expect(GRAPH_RESPONSE_FAILURE.type).toBe('GraphResponseError');
    expect(GRAPH_INPUT_FAILURE.type).toBe('GraphValidationError');
  });

  it('says the same of every row that shares a failure type', () => {
    const rows: GraphFailure[] = [...Object.values(GRAPH_ERROR_FAILURES), GRAPH_RESPONSE_FAILURE, GRAPH_INPUT_FAILURE];
    for (const row of rows) {
      for (const other of rows.filter((candidate) => candidate.type === row.type)) {
        expect({ retryable: other.retryable, rejectsCommand: other.rejectsCommand }, row.type).toEqual({
          retryable: row.retryable,
          rejectsCommand: row.rejectsCommand,
        });
      }
    }
  });

  it("derives the retry policies' non-retryable types and the failures that reject a command", () => {
    expect(NON_RETRYABLE_GRAPH_FAILURE_TYPES).toEqual([
      'GraphValidationError',
      'GraphAuthError',
      'GraphPermissionError',
      'GraphNotFoundError',
      'GraphConflictError',
      'GraphUnknownError',
      'GraphResponseError',
    ]);
    expect(NON_RETRYABLE_GRAPH_ERRORS).toEqual(NON_RETRYABLE_GRAPH_FAILURE_TYPES);
    expect([...COMMAND_REJECTING_FAILURE_TYPES]).toEqual(['GraphValidationError', 'GraphConflictError']);
  });
});

describe('toActivityFailure', () => {
  it('gives each GraphError kind its failure type, retryable only when the table says so', () => {
    for (const kind of KINDS) {
      const error = new GraphError('x', { kind, endpoint: 'GET /{order-id}' });
      expect(error.isTransient, kind).toBe(GRAPH_ERROR_FAILURES[kind].retryable);
      const failure = toActivityFailure(error);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure, kind).toMatchObject({
        type: GRAPH_ERROR_FAILURES[kind].type,
        nonRetryable: !GRAPH_ERROR_FAILURES[kind].retryable,
      });
    }
    expect(KINDS.filter((kind) => GRAPH_ERROR_FAILURES[kind].retryable)).toEqual(['throttled', 'transient']);
  });

  it('maps a malformed answer and refused arguments, and leaves anything else alone', () => {
    expect(toActivityFailure(new GraphResponseError('bad body', 'GET /{order-id}', 'id', 200))).toMatchObject({
      type: 'GraphResponseError',
      nonRetryable: true,
    });
    expect(toActivityFailure(new GraphInputError('bad id', 'GET /{order-id}'))).toMatchObject({
      type: 'GraphValidationError',
      nonRetryable: true,
    });
    const bug = new TypeError('bug');
    expect(toActivityFailure(bug)).toBe(bug);
  });
});
