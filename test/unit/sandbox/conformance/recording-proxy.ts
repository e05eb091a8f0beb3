/**
 * A loopback HTTP proxy in front of the sandbox that records every Graph exchange (request
 * parameters and the answer as sent), so the same scenario run by two clients can be compared on
 * the wire. The Host header is passed through, so the sandbox's paging links point at the proxy
 * and a client that follows them (Meta's SDK does) is recorded too.
 */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  /** Path and query as sent. */
  url: string;
  requestHeaders: IncomingHttpHeaders;
  requestBody: string;
  status: number;
  responseHeaders: IncomingHttpHeaders;
  responseBody: string;
}

export interface RecordingProxy {
  url: string;
  /** The exchanges recorded since the last call, and a fresh start. */
  take(): Exchange[];
  close(): Promise<void>;
}

async function readAll(stream: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  let exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const requestBody = await readAll(req);
      const answer = await new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>(
        (resolve, reject) => {
          const forwarded = request(
            {
              host: upstream.hostname,
              port: upstream.port,
              method: req.method,
              path: req.url,
              headers: req.headers,
            },
            (response) => {
              readAll(response).then(
                (body) => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
                reject,
              );
            },
          );
          forwarded.on('error', reject);
          forwarded.end(requestBody);
        },
      );
      exchanges.push({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        requestHeaders: req.headers,
        requestBody,
        status: answer.status,
        responseHeaders: answer.headers,
        responseBody: answer.body,
      });
      const headers = { ...answer.headers };
      delete headers['transfer-encoding'];
      res.writeHead(answer.status, headers);
      res.end(answer.body);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    take() {
      const taken = exchanges;
      exchanges = [];
      return taken;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
