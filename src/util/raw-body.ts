import type { IncomingMessage } from 'node:http';

/**
 * A request's body as the bytes received (what a signature is checked on, before any parsing), or
 * undefined when it is larger than `maxBytes`: the rest is read and dropped, never kept in memory.
 */
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
