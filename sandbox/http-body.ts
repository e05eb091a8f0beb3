/**
 * Request bodies as Graph accepts them: JSON, form-encoded (arrays/objects as JSON strings inside
 * fields, decoded later by the schemas) or multipart text fields (curl -F). Anything unreadable is
 * a (#100) error, never an exception escaping to a 500.
 */
import type { IncomingMessage } from 'node:http';
import { invalidParameter, SandboxGraphError } from './errors.js';

export const MAX_BODY_BYTES = 1_048_576;

export async function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      throw new SandboxGraphError(413, 'OAuthException', 100, `(#100) Request body exceeds ${maxBytes} bytes`, {
        headers: { connection: 'close' },
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function formFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) out[name] = value;
  return out;
}

function multipartFields(body: Buffer, contentType: string): Record<string, string> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) throw invalidParameter('multipart/form-data body without a boundary');
  const out: Record<string, string> = {};
  for (const part of body.toString('utf8').split(`--${marker}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.slice(0, split);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) continue;
    if (/\bfilename="/i.test(head)) throw invalidParameter(`File uploads are not supported (field ${name})`);
    out[name] = part.slice(split + 4).replace(/\r\n$/, '');
  }
  return out;
}

/** The body's parameters; {} for an empty body. */
export function parseBodyParams(body: Buffer, contentTypeHeader: string | undefined): Record<string, unknown> {
  if (body.length === 0) return {};
  const contentType = (contentTypeHeader ?? 'application/x-www-form-urlencoded').toLowerCase();
  if (contentType.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw invalidParameter('The request body is not valid JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw invalidParameter('The request body must be a JSON object of parameters');
    }
    return parsed as Record<string, unknown>;
  }
  if (contentType.startsWith('application/x-www-form-urlencoded') || contentType.startsWith('text/plain')) {
    return formFields(body.toString('utf8'));
  }
  if (contentType.startsWith('multipart/form-data')) return multipartFields(body, contentTypeHeader ?? '');
  throw invalidParameter(`Unsupported content type ${contentType.split(';')[0]}; send JSON or form fields`);
}

/** Query string pairs; a repeated name keeps its last value. */
export function parseQuery(search: string): [string, string][] {
  const seen = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(search)) seen.set(name, value);
  return [...seen];
}
