import { createServer } from 'node:net';

/** A port free on loopback now (the OS picks it), for a server this run starts and may restart on the same port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A port free on loopback now, below `limit`: Temporal stores membership ports as a PostgreSQL
 * smallint, so they must stay under 32768 (the OS's own picks usually do not).
 */
export async function freePortBelow(limit: number, from = 20_000): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = from + Math.floor(Math.random() * (limit - from));
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port found between ${from} and ${limit}`);
}
