/**
 * The requestId every command carries. The Update id and Meta's idempotency key derive from it, so
 * a retry is only safe with the SAME id: when the operator gave none, a fresh one is generated and
 * printed before anything is sent, so a timed-out or interrupted command can be re-run exactly.
 */
import { randomUUID } from 'node:crypto';
import type { ParsedArgs } from './args.js';
import type { CliIo } from './io.js';

export const REQUEST_ID_OPTION = {
  name: 'request-id',
  value: 'ID',
  description:
    'your id for this command (1-64 of A-Z a-z 0-9 _ -); re-use it to retry safely. Default: a new UUID, printed',
} as const;

export function requestIdFor(args: ParsedArgs, io: CliIo): string {
  const given = args.value(REQUEST_ID_OPTION.name);
  if (given !== undefined) return given;
  const generated = randomUUID();
  io.stderr.write(`request id: ${generated}; re-run with --request-id ${generated} to retry safely\n`);
  return generated;
}
