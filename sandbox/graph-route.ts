/**
 * Maps a Graph path (`/v22.0/{id}[/{edge}]`) to an endpoint name and the object it acts on. A bad
 * path is not reported here but carried as `error`, because Graph checks the token first.
 */
import { GRAPH_ENDPOINTS, type GraphEndpoint } from './fault-schemas.js';
import { SandboxGraphError, unknownAlias, unknownPath, unsupportedRequest } from './errors.js';
import type { SandboxState } from './state.js';

export const MIN_API_VERSION = 13;
export const MAX_API_VERSION = 30;

export type ObjectKind = 'cms' | 'order' | 'product' | 'return';

export interface GraphRoute {
  version: string;
  objectId: string;
  objectKind: ObjectKind | undefined;
  edge: string | undefined;
  endpoint: GraphEndpoint | 'unknown';
  /** Path after the version, for links: "/123/items". */
  path: string;
  error?: SandboxGraphError;
}

/** Which edges each kind of object has, per method. */
const EDGES: Record<ObjectKind, Record<string, readonly string[]>> = {
  cms: { commerce_orders: ['GET'], acknowledge_orders: ['POST'], order_management_apps: ['POST', 'DELETE'] },
  order: {
    '': ['GET'],
    items: ['GET'],
    shipments: ['GET', 'POST'],
    cancellations: ['GET', 'POST'],
    refunds: ['GET', 'POST'],
    returns: ['GET'],
    acknowledge_order: ['POST'],
    update_shipment: ['POST'],
  },
  product: { '': ['GET'] },
  return: { update_return: ['POST'] },
};

function deprecatedVersion(version: string): SandboxGraphError {
  return new SandboxGraphError(
    400,
    'OAuthException',
    2635,
    `(#2635) You are calling a deprecated version of the Graph API (${version}). Please update to v${MAX_API_VERSION}.0 or a version from v${MIN_API_VERSION}.0.`,
  );
}

function objectKindOf(state: SandboxState, id: string): ObjectKind | undefined {
  if (id === state.options.cmsId) return 'cms';
  if (state.store.order(id)) return 'order';
  if (state.store.product(id)) return 'product';
  if (state.store.orderOfReturn(id)) return 'return';
  return undefined;
}

export function resolveRoute(state: SandboxState, method: string, pathname: string): GraphRoute {
  const segments = pathname.split('/').filter((segment) => segment !== '');
  const [version = '', objectId = '', edge, ...rest] = segments;
  const path = `/${segments.slice(1).join('/')}`;
  const endpointName = edge ?? '';
  const base: GraphRoute = { version, objectId, objectKind: undefined, edge, endpoint: 'unknown', path };

  const versionMatch = /^v(\d{1,3})\.0$/.exec(version);
  if (!versionMatch) return { ...base, error: unknownPath(pathname) };
  const versionNumber = Number(versionMatch[1]);
  if (versionNumber < MIN_API_VERSION) return { ...base, error: deprecatedVersion(version) };
  if (versionNumber > MAX_API_VERSION) return { ...base, error: unknownPath(pathname) };
  if (objectId === '') return { ...base, error: unknownPath(pathname) };
  if (rest.length > 0) return { ...base, error: unknownPath(`/${rest.join('/')}`) };

  const objectKind = objectKindOf(state, objectId);
  const known = (GRAPH_ENDPOINTS as readonly string[]).includes(endpointName)
    ? (endpointName as GraphEndpoint)
    : undefined;
  const endpoint: GraphEndpoint | 'unknown' =
    edge === undefined
      ? objectKind === 'product'
        ? 'product'
        : objectKind === 'order'
          ? 'order'
          : 'unknown'
      : (known ?? 'unknown');
  const route: GraphRoute = { ...base, objectKind, endpoint };

  if (objectKind === undefined) {
    return { ...route, error: /^\d+$/.test(objectId) ? unsupportedRequest(method, objectId) : unknownAlias(objectId) };
  }
  const methods = EDGES[objectKind][endpointName];
  if (methods === undefined) {
    return { ...route, error: edge === undefined ? unsupportedRequest(method, objectId) : unknownPath(`/${edge}`) };
  }
  if (!methods.includes(method)) return { ...route, error: unsupportedRequest(method, objectId) };
  return route;
}
