import { describe, expect, it } from 'vitest';
import { classifyErrorResponse, describeNetworkFailure } from '../../../src/graph/classify.js';
import { GraphError } from '../../../src/graph/errors.js';

function classify(
  httpStatus: number,
  error: Record<string, unknown> | undefined,
  headers: Record<string, string> = {},
  method = 'POST',
) {
  return classifyErrorResponse({
    endpoint: 'POST /{order-id}/shipments',
    method,
    httpStatus,
    headers,
    error: error as never,
  });
}

describe('classifyErrorResponse', () => {
  it.each([
    [400, { code: 4 }, 'throttled'],
    [400, { code: 17 }, 'throttled'],
    [400, { code: 32 }, 'throttled'],
    [400, { code: 613 }, 'throttled'],
    [400, { code: 80000 }, 'throttled'],
    [400, { code: 80014 }, 'throttled'],
    [400, { code: 80015 }, 'unknown'],
    [500, { code: 1 }, 'transient'],
    [503, { code: 2, is_transient: true }, 'transient'],
    [400, { code: 2361081 }, 'transient'],
    [400, { code: 999, is_transient: true }, 'transient'],
    [401, { code: 190, type: 'OAuthException' }, 'auth'],
    [403, { code: 10 }, 'permission'],
    [400, { code: 200 }, 'permission'],
    [400, { code: 299 }, 'permission'],
    [400, { code: 100 }, 'validation'],
    [400, { code: 100, error_subcode: 1818111 }, 'validation'],
    [400, { code: 803 }, 'notFound'],
    [400, { code: 100, error_subcode: 33 }, 'notFound'],
    [400, { code: 100, error_subcode: 2388049 }, 'conflict'],
    [400, { code: 100, message: '(#100) The idempotency key was already used with a different request' }, 'conflict'],
    [502, undefined, 'transient'],
    [429, undefined, 'throttled'],
    [404, undefined, 'notFound'],
    [418, undefined, 'unknown'],
  ] as const)('HTTP %i %j -> %s', (status, error, kind) => {
    expect(classify(status, error).kind).toBe(kind);
  });

  it('isTransient follows the kind', () => {
    const transient = new GraphError('x', classify(400, { code: 80001 }));
    const permanent = new GraphError('x', classify(400, { code: 100 }));
    expect([transient.isTransient, permanent.isTransient]).toEqual([true, false]);
  });

  it('takes the throttling wait from the usage headers (minutes -> ms, 0 allowed)', () => {
    const header = (minutes: number) => ({
      'x-business-use-case-usage': JSON.stringify({
        '1': [{ type: 'pages', call_count: 101, estimated_time_to_regain_access: minutes }],
      }),
    });
    expect(classify(400, { code: 80001 }, header(5)).retryAfterMs).toBe(300_000);
    expect(classify(400, { code: 80001 }, header(0)).retryAfterMs).toBe(0);
    expect(classify(400, { code: 80001, error_data: { estimated_time_to_regain_access: 2 } }).retryAfterMs).toBe(
      120_000,
    );
    expect(classify(400, { code: 4 }).retryAfterMs).toBeUndefined();
  });

  it('names commerce codes', () => {
    const error = new GraphError('x', classify(400, { code: 100, error_subcode: 1818050 }));
    expect(error.commerceReason).toBe('alreadyShippedCannotCancel');
  });

  it('marks a server error on a write as possibly applied, never a refusal or a read', () => {
    expect(classify(500, { code: 1 }).mayHaveBeenApplied).toBe(true);
    expect(classify(500, { code: 1 }, {}, 'GET').mayHaveBeenApplied).toBe(false);
    expect(classify(400, { code: 100 }).mayHaveBeenApplied).toBe(false);
  });
});

describe('describeNetworkFailure', () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });

  it('knows a refused connection was never sent', () => {
    expect(describeNetworkFailure(withCode('ECONNREFUSED'), false)).toMatchObject({ sent: false, timedOut: false });
    expect(describeNetworkFailure(withCode('UND_ERR_CONNECT_TIMEOUT'), false)).toMatchObject({
      sent: false,
      timedOut: true,
    });
  });

  it('assumes anything later may have reached Meta', () => {
    expect(describeNetworkFailure(withCode('UND_ERR_SOCKET'), false)).toMatchObject({
      sent: true,
      networkCode: 'UND_ERR_SOCKET',
    });
    expect(describeNetworkFailure(new Error('aborted', { cause: withCode('ECONNRESET') }), false)).toMatchObject({
      sent: true,
      networkCode: 'ECONNRESET',
    });
    expect(describeNetworkFailure(new DOMException('timed out', 'TimeoutError'), true)).toMatchObject({
      sent: true,
      timedOut: true,
    });
  });
});
