/**
 * Checks, before `npm start` starts anything, that every port it will listen on is free: a busy
 * port is one line naming the port and the setting that moves it, not a stack trace from deep
 * inside whichever component happened to bind it first (and nothing is left half-started).
 */
import { createServer } from 'node:net';
import { ConfigError } from '../config.js';

export interface PlannedPort {
  port: number;
  /** What listens there, e.g. "the Temporal Web UI". */
  what: string;
  /** The setting that changes it, e.g. "TEMPORAL_UI_PORT". */
  variable: string;
  /** How to change it when the variable is not a bare port number. */
  hint?: string;
}

/** True when nothing listens on `port` on any local address. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    // 0.0.0.0: on Linux this collides with a listener on any local address, loopback included.
    probe.listen({ port, host: '0.0.0.0', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** Throws a ConfigError (one line, exit 78) for the first planned port that is taken. */
export async function assertPortsFree(ports: readonly PlannedPort[]): Promise<void> {
  for (const planned of ports) {
    if (await isPortFree(planned.port)) continue;
    const change = planned.hint ?? `set ${planned.variable} to a free port`;
    throw new ConfigError(
      `Port ${planned.port} (${planned.what}) is already in use: stop what holds it (another npm start?) or ${change}`,
    );
  }
}

/** The port of a host:port address. */
export function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}
