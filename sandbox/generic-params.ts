/**
 * Graph's generic parameters: accepted on every call, whatever the endpoint, and removed before
 * the endpoint's own (strict) schema runs. Clients and Meta's own SDKs send them freely: `pretty`
 * and `suppress_http_code` shape the answer, `method` overrides the HTTP method (a POST with
 * `method=GET` is how a read too long for a URL is sent), `summary` asks an edge for its
 * `total_count`, `debug` and `_` (a cache buster) change nothing here.
 */
import { invalidParameter, type SandboxGraphError } from './errors.js';

/** Sent by the caller to prove who it is; never echoed in errors, carried in paging links. */
export const AUTH_PARAMS = ['access_token', 'appsecret_proof'] as const;

/** Every parameter Graph accepts on any call; none of them reaches an endpoint's schema. */
export const GENERIC_PARAMS = [
  ...AUTH_PARAMS,
  'appsecret_time',
  'pretty',
  'suppress_http_code',
  'format',
  'locale',
  'method',
  'debug',
  '_',
  'summary',
] as const;

export type GraphMethod = 'GET' | 'POST' | 'DELETE';
export const GRAPH_METHODS: readonly GraphMethod[] = ['GET', 'POST', 'DELETE'];

export interface GenericParams {
  /** Indent the JSON answer. */
  pretty: boolean;
  /** Answer HTTP 200 whatever happened (the error envelope still says what). */
  suppressHttpCode: boolean;
  /** `method=...`: the method the call is handled as, when it differs from the HTTP one. */
  methodOverride: GraphMethod | undefined;
  /** `summary=true` (or `total_count`): edges add `summary: { total_count }`. */
  summary: boolean;
  /** A generic parameter with a value Graph does not take; answered after the token check, as Graph does. */
  invalid: SandboxGraphError | undefined;
}

const GENERIC = new Set<string>(GENERIC_PARAMS);
const AUTH = new Set<string>(AUTH_PARAMS);

function flag(value: unknown): boolean {
  return (
    value === true || value === 1 || value === '1' || (typeof value === 'string' && value.toLowerCase() === 'true')
  );
}

function summaryWanted(value: unknown): boolean {
  if (value === undefined || value === false || value === 0) return false;
  if (value === true || value === 1) return true;
  const parts = String(value)
    .toLowerCase()
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0 || (parts.length === 1 && (parts[0] === 'false' || parts[0] === '0'))) return false;
  if (parts.length === 1 && (parts[0] === 'true' || parts[0] === '1')) return true;
  const unknown = parts.find((part) => part !== 'total_count');
  if (unknown !== undefined) {
    throw invalidParameter(`Param summary must be true, false or total_count; got '${unknown}'`);
  }
  return true;
}

function methodOverride(value: unknown): GraphMethod | undefined {
  if (value === undefined || value === '') return undefined;
  const upper = String(value).toUpperCase();
  const method = GRAPH_METHODS.find((candidate) => candidate === upper);
  if (method === undefined) throw invalidParameter(`Unsupported method '${String(value)}': use GET, POST or DELETE`);
  return method;
}

function attempt<T>(read: () => T, fallback: T, problems: SandboxGraphError[]): T {
  try {
    return read();
  } catch (error) {
    problems.push(error as SandboxGraphError);
    return fallback;
  }
}

export function readGenericParams(params: Record<string, unknown>): GenericParams {
  const problems: SandboxGraphError[] = [];
  return {
    pretty: flag(params.pretty),
    suppressHttpCode: flag(params.suppress_http_code),
    methodOverride: attempt(() => methodOverride(params.method), undefined, problems),
    summary: attempt(() => summaryWanted(params.summary), false, problems),
    invalid: problems[0],
  };
}

/**
 * The endpoint's own parameters: generic ones removed, and `id` when it names the object in the
 * path (Meta's Node SDK sends the node's id with every write it makes on a node's edge).
 */
export function endpointParams(params: Record<string, unknown>, objectId: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params).filter(([name, value]) => !GENERIC.has(name) && !(name === 'id' && value === objectId)),
  );
}

/** The caller's parameters as a link repeats them (paging), without credentials or `method`. */
export function linkParams(params: Record<string, unknown>): [string, string][] {
  return Object.entries(params)
    .filter(([name, value]) => !AUTH.has(name) && name !== 'method' && value !== undefined)
    .map(([name, value]): [string, string] => [name, typeof value === 'string' ? value : JSON.stringify(value)]);
}
