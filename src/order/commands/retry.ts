/** `retry`: resumes an order in NEEDS_ATTENTION once the operator fixed the cause. */
import { z } from 'zod';
import { defineCommand, reject } from './command.js';
import { requestId } from './fields.js';

export const RetryCommandSchema = z.object({ requestId }).strict();

export type RetryCommand = z.input<typeof RetryCommandSchema>;

export const retry = defineCommand({
  kind: 'retry',
  schema: RetryCommandSchema,
  // An Update only: the operator wants to know whether the step resumed.
  signal: false,
  allowedWhileParked: true,
  exclusive: false,
  check(s) {
    if (!s.attention) reject('nothing to retry: the order does not need attention');
  },
  async execute(ctx) {
    const step = ctx.state.attention!.step;
    ctx.attention.requestRetry();
    return `retrying "${step}"`;
  },
});
