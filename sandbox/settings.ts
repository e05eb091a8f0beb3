/**
 * Settings that can change while the sandbox runs (admin API): the accepted token, the app
 * secret, the release delay for new orders, the connection of the order-management app, and the
 * rate limit. Tokens that were accepted once and then rotated out answer "session has expired",
 * the way a real expired page token does.
 */
import { createHash } from 'node:crypto';
import type { RateLimit, SandboxOptions } from './options.js';

/** SHA-256 hex of a secret: enough to recognise it again, never enough to use it. */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export class RuntimeSettings {
  accessToken: string;
  /**
   * Digests of tokens accepted before a rotation: they now fail as expired (190/463) rather than
   * invalid. Digests, so a saved state file never holds a configured token.
   */
  readonly retiredTokenDigests = new Set<string>();
  appSecret: string | undefined;
  releaseDelayMs: number;
  connected: boolean;
  rateLimit: RateLimit;

  constructor(private readonly initial: SandboxOptions) {
    this.accessToken = initial.accessToken;
    this.appSecret = initial.appSecret;
    this.releaseDelayMs = initial.releaseDelayMs;
    this.connected = initial.connected;
    this.rateLimit = { ...initial.rateLimit };
  }

  rotateAccessToken(token: string): void {
    if (token === this.accessToken) return;
    this.retiredTokenDigests.add(secretDigest(this.accessToken));
    this.retiredTokenDigests.delete(secretDigest(token));
    this.accessToken = token;
  }

  isRetired(token: string): boolean {
    return this.retiredTokenDigests.size > 0 && this.retiredTokenDigests.has(secretDigest(token));
  }

  /** Back to the start options. */
  reset(): void {
    this.accessToken = this.initial.accessToken;
    this.retiredTokenDigests.clear();
    this.appSecret = this.initial.appSecret;
    this.releaseDelayMs = this.initial.releaseDelayMs;
    this.connected = this.initial.connected;
    this.rateLimit = { ...this.initial.rateLimit };
  }
}
