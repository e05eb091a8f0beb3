import type { IncomingMessage, ServerResponse } from 'node:http';

/** The raw body as received (signatures are checked on these bytes), or undefined past `maxBytes`. */
export function readRawBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    request.on('end', () => resolve(size <= maxBytes ? Buffer.concat(chunks) : undefined));
    request.on('error', reject);
  });
}

export function sendJson(response: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) response.writeHead(status).end();
  else response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
