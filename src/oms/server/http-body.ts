import type { ServerResponse } from 'node:http';

/** Answers with a JSON body, or with the status alone when there is none. */
export function sendJson(response: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) response.writeHead(status).end();
  else response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
