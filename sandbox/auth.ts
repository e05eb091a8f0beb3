/**
 * The token check, as Graph does it: the token comes from `Authorization: Bearer|OAuth <token>`
 * or the `access_token` parameter; a wrong or missing one is code 190 (OAuthException). A token
 * that was valid before a rotation answers "session has expired" (subcode 463). When an app
 * secret is configured, `appsecret_proof` (hex HMAC-SHA256 of the token) is required too.
 * Comparisons are constant-time, and no message ever contains the token or the secret.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SandboxGraphError } from './errors.js';
import type { RuntimeSettings } from './settings.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

// The expected side changes only on rotation; hashing it once per value keeps the check cheap.
let expectedValue: string | undefined;
let expectedDigest: Buffer = Buffer.alloc(32);

function sameSecret(presented: string, expected: string): boolean {
  if (expected !== expectedValue) {
    expectedValue = expected;
    expectedDigest = digest(expected);
  }
  // Compare digests so lengths never leak through timing.
  return timingSafeEqual(digest(presented), expectedDigest);
}

function tokenError(message: string, viaHeader: boolean, subcode?: number): SandboxGraphError {
  // Graph answers 401 with WWW-Authenticate when the token came in the Authorization header, 400 otherwise.
  return new SandboxGraphError(viaHeader ? 401 : 400, 'OAuthException', 190, message, {
    ...(subcode !== undefined ? { subcode } : {}),
    ...(viaHeader ? { headers: { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${message}"` } } : {}),
  });
}

export function appSecretProof(appSecret: string, token: string): string {
  return createHmac('sha256', appSecret).update(token).digest('hex');
}

/** Checks the caller's credentials and returns the token it used (paging links carry it, as Graph's do). */
export function authenticate(
  headers: IncomingHttpHeaders,
  params: Record<string, unknown>,
  settings: RuntimeSettings,
): string {
  const header = headers.authorization;
  let token: string;
  let viaHeader = false;
  if (header !== undefined) {
    const match = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header);
    if (!match) throw tokenError('Invalid OAuth access token - Cannot parse access token', true);
    token = match[1]!;
    viaHeader = true;
  } else if (typeof params.access_token === 'string' && params.access_token !== '') {
    token = params.access_token;
  } else {
    throw tokenError('An access token is required to request this resource.', false);
  }

  if (!sameSecret(token, settings.accessToken)) {
    if (settings.isRetired(token)) {
      throw tokenError('Error validating access token: Session has expired.', viaHeader, 463);
    }
    throw tokenError('Invalid OAuth access token - Cannot parse access token', viaHeader);
  }

  if (settings.appSecret !== undefined) {
    const proof = params.appsecret_proof;
    if (typeof proof !== 'string' || proof === '') {
      throw new SandboxGraphError(
        400,
        'GraphMethodException',
        100,
        'API calls from the server require an appsecret_proof argument',
      );
    }
    if (!sameSecret(proof.toLowerCase(), appSecretProof(settings.appSecret, token))) {
      throw new SandboxGraphError(
        400,
        'GraphMethodException',
        100,
        'Invalid appsecret_proof provided in the API argument',
      );
    }
  }
  return token;
}
