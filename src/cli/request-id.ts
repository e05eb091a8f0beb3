/**
 * The requestId every command carries. The Update id and Meta's idempotency key derive from it, so
 * a retry is only safe with the SAME id: when the operator gave none, a fresh one is generated and
 * printed once the command ends, after its outcome or the reason it failed (the reason is what
 * the operator reads first), or when it is interrupted or slow, so it can be re-run exactly.
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

/** The id generated for the command running on this I/O (one command per run). */
const generatedIds = new WeakMap<CliIo, string>();

export function requestIdFor(args: ParsedArgs, io: CliIo): string {
  const given = args.value(REQUEST_ID_OPTION.name);
  if (given !== undefined) return given;
  const generated = randomUUID();
  generatedIds.set(io, generated);
  return generated;
}

/** The line naming the generated request id and how to retry, or undefined when the operator gave one. */
export function requestIdNote(io: CliIo): string | undefined {
  const id = generatedIds.get(io);
  return id === undefined ? undefined : `request id: ${id}; re-run with --request-id ${id} to retry safely\n`;
}
