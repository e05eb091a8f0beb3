/**
 * Meta's official Node.js Business SDK (`facebook-nodejs-business-sdk`), pointed at a local URL
 * with everything that could leave the machine switched off:
 * - its crash reporter (which would POST stack traces to graph.facebook.com) is never enabled;
 * - its Graph hosts (`FacebookAdsApi.GRAPH`, `GRAPH_VIDEO`) are replaced by the local URL;
 * - a request interceptor on the SDK's own axios refuses any URL outside that origin, and keeps
 *   what it refused so a test can assert there was nothing.
 * The SDK ships no types; the facade below names only what the conformance suite uses.
 */
import { createRequire } from 'node:module';

export const SDK_PACKAGE = 'facebook-nodejs-business-sdk';

const requireHere = createRequire(import.meta.url);

/** An object the SDK builds from a Graph answer. */
export interface SdkObject {
  exportAllData(): Record<string, unknown>;
}

/**
 * A row of an edge page: a typed node (AbstractCrudObject, all data in exportAllData) or, for the
 * edges the SDK leaves untyped, a bare AbstractObject (exportData only).
 */
export interface SdkRow {
  exportAllData?(): Record<string, unknown>;
  exportData(): Record<string, unknown>;
}

export function rowData(row: SdkRow): Record<string, unknown> {
  return row.exportAllData ? row.exportAllData() : row.exportData();
}

/** The SDK's edge cursor: an array of one page's objects that follows `paging.next` itself. */
export interface SdkCursor extends Array<SdkRow> {
  paging: { next?: string; previous?: string; cursors?: { before: string; after: string } } | undefined;
  summary: { total_count: number } | undefined;
  headers: Record<string, string> | undefined;
  hasNext(): boolean;
  next(): Promise<SdkCursor>;
}

/** AbstractCrudObject: the generic node operations every typed SDK class is built on. */
export interface SdkNode extends SdkObject {
  read(fields?: string[], params?: Record<string, unknown>): Promise<SdkNode>;
  getEdge(
    targetClass: unknown,
    fields: string[],
    params: Record<string, unknown>,
    fetchFirstPage: true,
    endpoint: string,
  ): Promise<SdkCursor>;
  createEdge(endpoint: string, fields: string[], params: Record<string, unknown>): Promise<SdkObject>;
  deleteEdge(endpoint: string, params: Record<string, unknown>): Promise<Record<string, unknown>>;
}

type EdgeRead = (fields: string[], params?: Record<string, unknown>) => Promise<SdkCursor>;
type EdgeWrite = (fields: string[], params: Record<string, unknown>) => Promise<SdkObject>;

export interface SdkCommerceOrder extends SdkNode {
  get(fields?: string[], params?: Record<string, unknown>): Promise<SdkNode>;
  getItems: EdgeRead;
  getShipments: EdgeRead;
  getCancellations: EdgeRead;
  getRefunds: EdgeRead;
  getReturns: EdgeRead;
  createAcknowledgeOrder: EdgeWrite;
  createShipment: EdgeWrite;
  createUpdateShipment: EdgeWrite;
  createCancellation: EdgeWrite;
  createRefund: EdgeWrite;
}

export interface SdkMerchantSettings extends SdkNode {
  getCommerceOrders: EdgeRead;
  /** POST /{cms-id}/acknowledge_orders (the SDK names the bulk call after the single one). */
  createAcknowledgeOrder: EdgeWrite;
}

export interface SdkProductItem extends SdkNode {
  get(fields?: string[], params?: Record<string, unknown>): Promise<SdkNode>;
}

export interface SdkApi {
  setShowHeader(flag: boolean): SdkApi;
  call(method: string, path: string | string[], params?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

type NodeClass<T> = new (id: string, data?: Record<string, unknown>, parentId?: string, api?: SdkApi) => T;

interface SdkModule {
  FacebookAdsApi: {
    new (accessToken: string, locale: string, crashLog: boolean): SdkApi;
    init(accessToken: string, locale: string, crashLog: boolean): SdkApi;
    readonly GRAPH: string;
    readonly VERSION: string;
  };
  CrashReporter: { disable(): void };
  CommerceOrder: NodeClass<SdkCommerceOrder>;
  CommerceMerchantSettings: NodeClass<SdkMerchantSettings>;
  ProductItem: NodeClass<SdkProductItem>;
}

/** What the SDK attaches to a failed call (`FacebookRequestError`, not exported by the package). */
export interface SdkRequestError extends Error {
  name: 'FacebookRequestError';
  /** HTTP status; null when no answer arrived. */
  status: number | null;
  /** Graph's `error` object as the SDK parsed it. */
  response: {
    message?: string;
    type?: string;
    code?: number;
    error_subcode?: number;
    fbtrace_id?: string;
  } | null;
  headers: Record<string, string> | null;
}

export function isSdkRequestError(error: unknown): error is SdkRequestError {
  return error instanceof Error && error.name === 'FacebookRequestError';
}

interface AxiosLike {
  interceptors: { request: { use(onRequest: (config: { url?: string }) => unknown): number; eject(id: number): void } };
}

export interface MetaSdk {
  /** The installed package's version (package.json), e.g. "24.0.1". */
  version: string;
  /** The Graph version the SDK puts in its URLs, e.g. "v24.0". */
  graphVersion: string;
  api: SdkApi;
  order(id: string): SdkCommerceOrder;
  merchantSettings(cmsId: string): SdkMerchantSettings;
  product(id: string): SdkProductItem;
  /** The same SDK with a session of its own (another access token), crash reporter off too. */
  withAccessToken(accessToken: string): MetaSdk;
  /** URLs the guard refused: anything not on the local origin. Must stay empty. */
  refused: string[];
  /** Undo the guard (the SDK module is shared by the test file). */
  restore(): void;
}

/**
 * Loads the SDK for `baseUrl` (e.g. http://127.0.0.1:PORT). One base URL per process at a time:
 * the SDK keeps its host in static getters.
 */
export function loadMetaSdk(baseUrl: string, accessToken: string): MetaSdk {
  const sdk = requireHere(SDK_PACKAGE) as SdkModule;
  const { version } = requireHere(`${SDK_PACKAGE}/package.json`) as { version: string };
  const origin = new URL(baseUrl).origin;

  // The SDK's own axios (resolved from the SDK's folder, so it is the instance the SDK calls).
  const axios = createRequire(requireHere.resolve(SDK_PACKAGE))('axios') as AxiosLike;
  const refused: string[] = [];
  const guard = axios.interceptors.request.use((config) => {
    const url = config.url ?? '';
    if (!url.startsWith(`${origin}/`)) {
      refused.push(url.replace(/access_token=[^&]*/g, 'access_token=[redacted]'));
      throw new Error(`the Meta SDK tried to reach ${new URL(url, origin).origin}; only ${origin} is allowed`);
    }
    return config;
  });

  const local = { get: () => origin, configurable: true };
  Object.defineProperty(sdk.FacebookAdsApi, 'GRAPH', local);
  Object.defineProperty(sdk.FacebookAdsApi, 'GRAPH_VIDEO', local);
  // crash_log = false: the crash reporter's uncaughtException hook is never installed.
  const api = sdk.FacebookAdsApi.init(accessToken, 'en_US', false);
  sdk.CrashReporter.disable();
  // Responses then carry their HTTP headers (cursor.headers, error.headers): the usage headers.
  api.setShowHeader(true);

  const session = (api: SdkApi): MetaSdk => ({
    version,
    graphVersion: sdk.FacebookAdsApi.VERSION,
    api,
    order: (id) => new sdk.CommerceOrder(id, {}, undefined, api),
    merchantSettings: (cmsId) => new sdk.CommerceMerchantSettings(cmsId, {}, undefined, api),
    product: (id) => new sdk.ProductItem(id, {}, undefined, api),
    withAccessToken: (token) => session(new sdk.FacebookAdsApi(token, 'en_US', false).setShowHeader(true)),
    refused,
    restore: () => axios.interceptors.request.eject(guard),
  });
  return session(api);
}
