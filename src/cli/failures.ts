/**
 * How a failed command ends: one line on stderr and an exit code. 1 for a command that could not
 * be carried out, 78 (EX_CONFIG, as every other entry point) for a bad setting. Usage mistakes
 * (exit 2) are handled by the runner, which knows the command's usage line.
 */
import { isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';
import { OrderCommandRejectedError, OrderNotFoundError } from '../client/errors.js';
import { ENCRYPTED_ENCODING, PayloadDecryptionError } from '../codec/encryption-codec.js';
import { ConfigError, SECRET_VARIABLES, secretValues } from '../config.js';
import { GraphError, GraphInputError, GraphResponseError } from '../graph/errors.js';
import { EXIT_CONFIG } from '../wiring/run-main.js';
import { QUERY_TIMEOUT_MS, TemporalUnreachableError } from './context.js';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface Failure {
  line: string;
  exitCode: number;
}

/** gRPC status UNAVAILABLE: the server went away (or was never there) after the channel opened. */
const GRPC_UNAVAILABLE = 14;

export function describeFailure(err: unknown, temporalAddress: string | undefined): Failure {
  if (err instanceof ConfigError) return { line: err.message, exitCode: EXIT_CONFIG };
  if (err instanceof OrderCommandRejectedError) return { line: `rejected: ${err.reason}`, exitCode: EXIT_FAILURE };
  if (err instanceof OrderNotFoundError) return { line: `no such order: ${err.orderId}`, exitCode: EXIT_FAILURE };
  if (err instanceof TemporalUnreachableError) return { line: err.message, exitCode: EXIT_FAILURE };
  if (hasGrpcCode(err, GRPC_UNAVAILABLE)) {
    return {
      line: new TemporalUnreachableError(temporalAddress ?? '(unknown address)', 'the server is unavailable').message,
      exitCode: EXIT_FAILURE,
    };
  }
  if (isGrpcDeadlineError(err)) {
    return {
      line: `no answer within ${QUERY_TIMEOUT_MS / 1000} s: is a worker running for the order's task queue (TASK_QUEUE)?`,
      exitCode: EXIT_FAILURE,
    };
  }
  if (err instanceof GraphError) {
    const hint =
      err.kind === 'auth'
        ? ' (check META_ACCESS_TOKEN)'
        : err.kind === 'permission'
          ? " (check the token's permissions for this commerce account)"
          : '';
    return { line: `Meta Graph API error: ${err.message}${hint}`, exitCode: EXIT_FAILURE };
  }
  // The SDK's converter meets an encrypted payload when this process has no keys.
  if (messageWithCauses(err).includes(`Unknown encoding: ${ENCRYPTED_ENCODING}`)) {
    return {
      line: 'the order data is encrypted: set PAYLOAD_ENCRYPTION_KEYS to the keys the worker uses',
      exitCode: EXIT_CONFIG,
    };
  }
  if (err instanceof PayloadDecryptionError) return { line: `cannot decrypt: ${err.message}`, exitCode: EXIT_CONFIG };
  if (err instanceof GraphInputError || err instanceof GraphResponseError)
    return { line: `Meta Graph API error: ${err.message}`, exitCode: EXIT_FAILURE };
  return { line: `error: ${messageWithCauses(err)}`, exitCode: EXIT_FAILURE };
}

/** "Failed to query Workflow: 9 FAILED_PRECONDITION: no poller seen..." rather than the first part alone. */
function messageWithCauses(err: unknown): string {
  const parts: string[] = [];
  for (
    let current: unknown = err;
    current !== undefined && parts.length < 4;
    current = current instanceof Error ? current.cause : undefined
  ) {
    const text = current instanceof Error ? current.message : String(current);
    if (text && !parts.some((part) => part.includes(text))) parts.push(text);
  }
  return parts.join(': ') || 'unknown error';
}

function hasGrpcCode(err: unknown, code: number): boolean {
  for (let current: unknown = err; current instanceof Error; current = current.cause) {
    if (isGrpcServiceError(current) && current.code === code) return true;
  }
  return false;
}

/** Last line of defence: the Graph client already redacts, but an unexpected error might not. Every SECRET_VARIABLES value goes. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv): string {
  let out = text;
  for (const name of SECRET_VARIABLES) {
    for (const secret of secretValues(name, env[name])) {
      // Very short values would blank out ordinary words; real secrets are long.
      if (secret.length >= 6) out = out.split(secret).join('[redacted]');
    }
  }
  return out;
}
