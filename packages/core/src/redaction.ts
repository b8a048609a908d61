/**
 * Redaction of secrets from text that reaches a person (error messages, and so stacks and `util.inspect`): by
 * value, for the tokens and secrets the SDK holds at the point the text is built, and by pattern, for credentials
 * it does not know (a proxy's, another app's). Patterns only hide what looks like a credential, so Twitch's own
 * messages ("Client ID and OAuth token do not match") survive intact.
 */

/** Values shorter than this are never redacted by value: they would hide ordinary words and digits. */
const MIN_SECRET_LENGTH = 8;

/** `Bearer <value>` / `OAuth <value>`, the value hidden when it looks like a credential. */
const SCHEME = /\b(Bearer|OAuth)(\s+)([^\s"',;]+)/gi;
/** A secret field as a query, form or JSON pair: `access_token=...`, `"client_secret": "..."`. */
const FIELD =
  /\b(access_token|refresh_token|client_secret|device_code|code|token|secret)(["']?\s*[=:]\s*["']?)([^&\s"',}]+)/gi;

/**
 * Whether a value looks like a credential rather than a word: token characters only, and long with a digit (Twitch
 * tokens are 30 lower-case letters and digits) or very long.
 */
function credentialLike(value: string): boolean {
  if (!/^[A-Za-z0-9._~+/=-]+$/.test(value)) return false;
  return (value.length >= 12 && /\d/.test(value)) || value.length >= 24;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Hides `secrets` (the values the caller holds: tokens, refresh tokens, the client secret) wherever they occur,
 * then anything that looks like a bearer token, an OAuth header value or a secret query/body field.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  const values = secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH);
  if (values.length > 0) {
    // longest first, so that a secret containing another is hidden whole
    values.sort((a, b) => b.length - a.length);
    out = out.replace(new RegExp(values.map(escapeRegExp).join('|'), 'g'), '***');
  }
  return out
    .replace(SCHEME, (all, scheme: string, gap: string, value: string) =>
      credentialLike(value) ? `${scheme}${gap}***` : all,
    )
    .replace(FIELD, (all, field: string, sep: string, value: string) =>
      credentialLike(value) ? `${field}${sep}***` : all,
    );
}
