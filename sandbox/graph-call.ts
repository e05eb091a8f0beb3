/** What a Graph handler gets, and what it answers. Handlers are synchronous: no request interleaves with another's effect. */
import type { GraphEndpoint } from './fault-schemas.js';
import type { SandboxState } from './state.js';
import type { ViewContext } from './views.js';

export interface GraphCall {
  state: SandboxState;
  method: string;
  objectId: string;
  endpoint: GraphEndpoint;
  /** Ledger key: "POST shipments". */
  endpointKey: string;
  /** Query and body merged, Graph's generic parameters removed (generic-params.ts). */
  params: Record<string, unknown>;
  /** `summary=true`: an edge answers `summary: { total_count }` too. */
  summary: boolean;
  /** The caller's parameters without credentials, for paging links. */
  query: [string, string][];
  /** "/123/items" */
  path: string;
  view: ViewContext;
}

export interface GraphAnswer {
  status: number;
  /** Serialized JSON: a replay sends the stored text byte for byte. */
  body: string;
  /** x-fb-trace-id; default a fresh one. Set when the body names its own (an error answered without throwing). */
  traceId?: string | undefined;
}

export function ok(body: unknown): GraphAnswer {
  return { status: 200, body: JSON.stringify(body) };
}
