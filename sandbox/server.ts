/**
 * The HTTP server: node:http, keep-alive, one handler wrapper. Admin paths (/_admin/...) and
 * Graph paths never overlap. Any exception that is not a SandboxGraphError is a sandbox bug: it
 * is answered as Graph's code 1 "unknown error" (HTTP 500) and logged without request data.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleAdmin } from './admin-routes.js';
import { newTraceId } from './errors.js';
import { handleGraph, HungCalls } from './graph-pipeline.js';
import type { SandboxState } from './state.js';

function splitUrl(url: string): { pathname: string; search: string } {
  const q = url.indexOf('?');
  return q < 0 ? { pathname: url, search: '' } : { pathname: url.slice(0, q), search: url.slice(q + 1) };
}

function internalError(res: ServerResponse, error: unknown): void {
  const name = error instanceof Error ? error.name : 'unknown';
  console.error(`[sandbox] internal error (${name}); this is a sandbox bug`, error instanceof Error ? error.stack : '');
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify({
    error: {
      message: 'An unknown error occurred',
      type: 'OAuthException',
      code: 1,
      is_transient: true,
      fbtrace_id: newTraceId(),
    },
  });
  res.writeHead(500, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export interface SandboxServer {
  server: Server;
  hung: HungCalls;
}

export function createSandboxServer(state: SandboxState): SandboxServer {
  const hung = new HungCalls();
  const server = createServer({ keepAliveTimeout: 30_000 }, (req: IncomingMessage, res: ServerResponse) => {
    const { pathname, search } = splitUrl(req.url ?? '/');
    const handled =
      pathname === '/_admin' || pathname.startsWith('/_admin/')
        ? handleAdmin(state, req, res, pathname, search)
        : handleGraph(state, hung, req, res, pathname, search);
    handled.catch((error: unknown) => internalError(res, error));
  });
  // Clients that hang up mid-request must not crash the process.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  return { server, hung };
}
