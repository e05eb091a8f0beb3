/**
 * validatedOmsPort(adapter): the adapter behind the port's input validation. Every call's arguments
 * are parsed with the method's schema (api/oms-port-methods.ts) before the adapter sees them, so
 * adapters take their input as valid and do not check it again. An invalid argument is refused
 * with a non-retryable OmsInvalidInputError, which the OMS activities turn into OmsRejectedError.
 * The adapter receives the parsed arguments: fields the port does not define are dropped.
 */
import type { OmsPort } from '../api/oms-port.js';
import { OMS_PORT_METHODS, parseOmsPortArguments, type OmsPortMethod } from '../api/oms-port-methods.js';

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

export function validatedOmsPort(port: OmsPort): OmsPort {
  const call =
    (method: OmsPortMethod): AnyMethod =>
    async (...args) => {
      const parsed = parseOmsPortArguments(method, args);
      // Looked up at call time: a port whose method is replaced later (a test's fault) is honoured.
      return (port[method] as AnyMethod).apply(port, parsed);
    };
  return Object.fromEntries(OMS_PORT_METHODS.map((method) => [method, call(method)])) as unknown as OmsPort;
}
