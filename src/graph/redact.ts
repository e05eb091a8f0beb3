/**
 * Scrubs credentials out of any text that may end up in an error message, a stack or a log line.
 * undici and Meta both echo request details back in their errors (URLs with query strings,
 * header dumps), so every message the Graph client surfaces goes through a Redactor first.
 */

const REDACTED = '[REDACTED]';

/** Credential-shaped fragments redacted even when the exact secret is unknown to us. */
const CREDENTIAL_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/\b(access_token|appsecret_proof|client_secret|app_secret)=[^&\s"'<>]+/gi, `$1=${REDACTED}`],
  [/("(?:access_token|appsecret_proof|client_secret|app_secret|authorization)"\s*:\s*")[^"]*"/gi, `$1${REDACTED}"`],
  [/\b(bearer\s+)[A-Za-z0-9._~+/=|-]+/gi, `$1${REDACTED}`],
];

export class Redactor {
  private readonly secrets: readonly string[];

  /** Secrets shorter than 4 characters are not matched literally: they would shred ordinary text. */
  constructor(secrets: readonly (string | undefined)[]) {
    const variants = new Set<string>();
    for (const secret of secrets) {
      if (!secret || secret.length < 4) continue;
      variants.add(secret);
      variants.add(encodeURIComponent(secret));
      variants.add(Buffer.from(secret).toString('base64'));
    }
    // Longest first so a secret that contains another is removed whole.
    this.secrets = [...variants].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(REDACTED);
    for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }
}
