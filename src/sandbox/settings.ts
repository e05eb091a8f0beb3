/**
 * Settings that can change while the sandbox runs (admin API): the accepted token, the app
 * secret, the release delay for new orders, the connection of the order-management app, and the
 * rate limit. Tokens that were accepted once and then rotated out answer "session has expired",
 * the way a real expired page token does.
 */
import type { RateLimit, SandboxOptions } from './options.js';

export class RuntimeSettings {
  accessToken: string;
  /** Tokens accepted before a rotation: they now fail as expired (190/463) rather than invalid. */
  readonly retiredTokens = new Set<string>();
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
    this.retiredTokens.add(this.accessToken);
    this.retiredTokens.delete(token);
    this.accessToken = token;
  }

  /** Back to the start options. */
  reset(): void {
    this.accessToken = this.initial.accessToken;
    this.retiredTokens.clear();
    this.appSecret = this.initial.appSecret;
    this.releaseDelayMs = this.initial.releaseDelayMs;
    this.connected = this.initial.connected;
    this.rateLimit = { ...this.initial.rateLimit };
  }
}
