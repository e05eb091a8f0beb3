/**
 * What of a merchant's error answer may be logged. An OMS that echoes the event it refused puts
 * buyer names and addresses into its answer, so the answer never goes into an error (errors become
 * Temporal failures and land in workflow history) and only a redacted excerpt goes to the local
 * log, at debug level: every string value the event carried, the signing secret and anything shaped
 * like an e-mail address are cut out first, then the rest is truncated.
 */

/** Characters of the merchant's answer that a debug log line may keep. */
export const RESPONSE_EXCERPT_CHARS = 200;
/** Shorter sent strings ("EUR", "1", "UPS") are not cut: they would shred the text and hide nothing. */
const MIN_REDACTED_LENGTH = 4;
const EMAIL = /[^\s@"'<>,;:]+@[^\s@"'<>,;:]+\.[^\s@"'<>,;:]+/g;
export const REDACTED_VALUE = '[redacted]';

/** Every string leaf of a value: what the event sent, to be recognised in an echo. */
function sentStrings(value: unknown, into: Set<string>, depth = 0): Set<string> {
  if (depth > 8) return into;
  if (typeof value === 'string') {
    if (value.length >= MIN_REDACTED_LENGTH) {
      into.add(value);
      // As it reads inside a JSON answer (quotes, backslashes, control characters escaped).
      into.add(JSON.stringify(value).slice(1, -1));
    }
  } else if (Array.isArray(value)) {
    for (const item of value) sentStrings(item, into, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) sentStrings(item, into, depth + 1);
  }
  return into;
}

/** A log-safe excerpt of `body`: echoes of `sent`, the secrets and e-mail addresses redacted, then truncated. */
export function redactedResponseExcerpt(body: string, sent: unknown, secrets: readonly string[]): string {
  const cut = [...sentStrings(sent, new Set(secrets.filter((s) => s.length >= MIN_REDACTED_LENGTH)))].sort(
    (a, b) => b.length - a.length,
  );
  let text = body;
  for (const value of cut) text = text.split(value).join(REDACTED_VALUE);
  text = text.replace(EMAIL, REDACTED_VALUE).trim();
  return text.length > RESPONSE_EXCERPT_CHARS ? `${text.slice(0, RESPONSE_EXCERPT_CHARS)}…(truncated)` : text;
}
