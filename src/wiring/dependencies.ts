/** Builds what the activities need from the configuration: the Graph client and the OMS adapter. */
import { Runtime } from '@temporalio/worker';
import type { AppConfig } from '../config.js';
import { GraphClient } from '../graph/client.js';
import { HttpOms } from '../oms/http/index.js';
import type { OmsPort } from '../api/oms-port.js';
import { withFields } from '../observability/json-log.js';

export interface Dependencies {
  graph: GraphClient;
  oms: OmsPort;
  close(): Promise<void>;
}

export function createGraphClient(config: AppConfig): GraphClient {
  return new GraphClient({
    baseUrl: config.META_GRAPH_URL,
    apiVersion: config.META_API_VERSION,
    accessToken: config.META_ACCESS_TOKEN,
    appSecret: config.META_APP_SECRET,
    timeoutMs: config.META_TIMEOUT_MS,
  });
}

/** `oms`: the merchant's own adapter, used instead of the one OMS_ADAPTER names (the caller closes it). */
export async function createDependencies(config: AppConfig, own: { oms?: OmsPort } = {}): Promise<Dependencies> {
  const graph = createGraphClient(config);
  if (own.oms) return { graph, oms: own.oms, close: () => graph.close() };
  if (config.OMS_ADAPTER === 'http') {
    const oms = new HttpOms({
      url: config.OMS_WEBHOOK_URL!,
      secret: config.OMS_WEBHOOK_SECRET!,
      keyId: config.OMS_WEBHOOK_KEY_ID,
      allowPlainHttp: config.ALLOW_PLAIN_HTTP,
      timeoutMs: 10_000,
      // The installed Runtime's logger: JSON lines with the secrets redacted (observability/).
      logger: withFields(Runtime.instance().logger, { component: 'oms-http' }),
    });
    return { graph, oms, close: () => graph.close() };
  }
  // OMS_ADAPTER=reference: the reference OMS inside this process, for a single worker or a test.
  // `npm start` runs it as a process of its own instead (src/oms-server.ts) and uses the HTTP adapter.
  // Imported only here: PGlite and the OMS's schemas cost a worker on another adapter ~15 MB of RSS.
  const { ReferenceOms } = await import('../oms/reference/index.js');
  const referenceOms = await ReferenceOms.open({ dataDir: config.OMS_DATA_DIR });
  return {
    graph,
    oms: referenceOms,
    async close() {
      await graph.close();
      await referenceOms.close();
    },
  };
}
