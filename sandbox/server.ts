/**
 * The HTTP server: node:http, keep-alive, one handler wrapper. Admin paths (/_admin/...) and
 * Graph paths never overlap. Any exception that is not a SandboxGraphError is a sandbox bug: it
 * is answered as Graph's code 1 "unknown error" (HTTP 500) and logged without request data.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleAdmin } from './admin-routes.js';
import { MAX_REQUEST_LINE_BYTES, newTraceId, SandboxGraphError } from './errors.js';
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

/**
 * Node refuses a request whose line and headers exceed `maxHeaderSize` before any handler runs.
 * It is set well above Graph's request-line limit, so the pipeline answers a long line itself
 * (graph-pipeline.ts); beyond it this answer still carries Graph's error envelope.
 */
const MAX_HEAD_BYTES = 4 * MAX_REQUEST_LINE_BYTES;

function headTooLarge(): string {
  const error = new SandboxGraphError(
    431,
    'OAuthException',
    100,
    `(#100) The request line and headers exceed ${MAX_HEAD_BYTES} bytes: send the parameters in a POST body`,
  );
  const body = JSON.stringify(error.toBody());
  return (
    'HTTP/1.1 431 Request Header Fields Too Large\r\n' +
    'content-type: application/json; charset=UTF-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    'connection: close\r\n\r\n' +
    body
  );
}

export interface SandboxServer {
  server: Server;
  hung: HungCalls;
}

export function createSandboxServer(state: SandboxState): SandboxServer {
  const hung = new HungCalls();
  const server = createServer(
    { keepAliveTimeout: 30_000, maxHeaderSize: MAX_HEAD_BYTES },
    (req: IncomingMessage, res: ServerResponse) => {
      const { pathname, search } = splitUrl(req.url ?? '/');
      const handled =
        pathname === '/_admin' || pathname.startsWith('/_admin/')
          ? handleAdmin(state, req, res, pathname, search)
          : handleGraph(state, hung, req, res, pathname, search);
      handled.catch((error: unknown) => internalError(res, error));
    },
  );
  // Clients that hang up mid-request must not crash the process.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) socket.destroy();
    else if (error.code === 'HPE_HEADER_OVERFLOW') socket.end(headTooLarge());
    else socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });
  return { server, hung };
}
