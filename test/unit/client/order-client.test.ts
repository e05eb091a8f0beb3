/**
 * The typed client's `stopOnAttention`: a command whose order parks in NEEDS_ATTENTION while it
 * waits ends promptly with the cause, instead of waiting until someone sends `retry`.
 */
import type { Client } from '@temporalio/client';
import { describe, expect, test } from 'vitest';
import { OrderNeedsAttentionError } from '../../../src/client/errors.js';
import { OrderClient } from '../../../src/client/order-client.js';
import type { Attention, CommandOutcome } from '../../../src/api/order-state.js';
import { FB_NEEDS_ATTENTION } from '../../../src/api/search-attributes.js';
import { fixtureState } from '../cli/fixtures.js';

const SHIP = { requestId: 's-1', carrier: 'UPS', trackingNumber: '1Z999' };
const ATTENTION: Attention = {
  step: 'ship s-1',
  reason: 'Error validating access token: Session has expired.',
  errorType: 'GraphAuthError',
  since: '2025-03-01T12:00:00.000Z',
};

/** An order whose Update never answers (or answers `outcome`), flagged after `flagAfterLooks` looks. */
function fakeTemporal(options: { flagAfterLooks: number; outcome?: CommandOutcome }) {
  let looks = 0;
  const handle = {
    executeUpdate: () => (options.outcome ? Promise.resolve(options.outcome) : new Promise(() => undefined)),
    describe: async () => {
      looks += 1;
      const flagged = looks > options.flagAfterLooks;
      return { typedSearchAttributes: { get: (key: unknown) => (key === FB_NEEDS_ATTENTION ? flagged : undefined) } };
    },
    query: async () => fixtureState({ attention: ATTENTION }),
  };
  const client = {
    withAbortSignal: <R>(_signal: AbortSignal, fn: () => Promise<R>) => fn(),
    workflow: { getHandle: () => handle },
  } as unknown as Client;
  return { client, looks: () => looks };
}

describe('stopOnAttention', () => {
  test('throws OrderNeedsAttentionError with the cause once the order is flagged', async () => {
    const { client, looks } = fakeTemporal({ flagAfterLooks: 2 });
    const orders = new OrderClient(client);
    const error = await orders.ship('640001', SHIP, { stopOnAttention: { checkEveryMs: 10 } }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(OrderNeedsAttentionError);
    expect(error).toMatchObject({ orderId: '640001', command: 'ship', requestId: 's-1', attention: ATTENTION });
    expect(looks()).toBe(3);
  });

  test('a command that completes first returns its outcome, and the order is no longer looked at', async () => {
    const outcome: CommandOutcome = {
      kind: 'ship',
      requestId: 's-1',
      fingerprint: 'f',
      appliedAt: '2025-03-01T12:00:00.000Z',
      summary: 'shipped',
      metaState: 'IN_PROGRESS',
    };
    const { client, looks } = fakeTemporal({ flagAfterLooks: 0, outcome });
    const orders = new OrderClient(client);
    await expect(orders.ship('640001', SHIP, { stopOnAttention: { checkEveryMs: 10 } })).resolves.toEqual(outcome);
    await new Promise((r) => setTimeout(r, 50));
    expect(looks()).toBe(0);
  });
});
