/**
 * Secret scrubbing shared by errors, logs and the HTTP layer.
 *
 * Vendors sometimes echo a rejected key back in an error message, and axios errors carry the
 * request headers; everything that leaves the library as text passes through here first.
 */

const REDACTED = '[REDACTED]';

/** Shapes of credentials we never want to print, even if we were not told about them. */
const SECRET_PATTERNS: readonly RegExp[] = [
  /\bBearer\s+[^\s"',;]+/gi,
  /\bsk[_-][A-Za-z0-9_-]{4,}/g,
  /\b(api[_-]?key|authorization|token|secret)(["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi,
];

const knownSecrets = new Set<string>();
// Longest first: replacing a key that is part of a longer one first would leave the rest of the
// longer key in the text.
let byLength: string[] = [];

/**
 * Registers a secret (an API key) so that every later {@link redact} call removes it verbatim.
 * Keys shorter than 4 characters are not registered: replacing them would mangle normal text,
 * and the pattern rules still catch the usual key shapes.
 */
export function registerSecret(secret: string): void {
  if (secret.length < 4 || knownSecrets.has(secret)) return;
  knownSecrets.add(secret);
  byLength = [...knownSecrets].sort((a, b) => b.length - a.length);
}

/** Replaces registered secrets and credential-shaped substrings in `text`. */
export function redact(text: string): string {
  let out = text;
  for (const secret of byLength) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (_match, name?: string, sep?: string) =>
      typeof name === 'string' && typeof sep === 'string' ? `${name}${sep}${REDACTED}` : REDACTED,
    );
  }
  return out;
}

/**
 * Redacts `text`, then shortens it to at most `max` characters (plus `…`). In that order: a cut
 * made first could split a key so that its remaining part no longer matches and is kept.
 */
export function redactAndCut(text: string, max: number): string {
  const clean = redact(text);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/**
 * Returns a JSON-safe, redacted copy of `value` with bounded depth and size, for error details
 * and log fields. Functions, symbols and class instances other than plain data are dropped.
 */
export function redactValue(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return redactAndCut(value, 2000);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (depth >= 4) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redactValue(v, depth + 1));
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return undefined;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>).slice(0, 50)) {
      out[key] = /authorization|api[_-]?key|secret|token|password|cookie/i.test(key)
        ? REDACTED
        : redactValue(v, depth + 1);
    }
    return out;
  }
  return undefined;
}

/**
 * Removes only the registered secrets from `text`, leaving everything else as it is: for data the
 * library must give back intact (a configuration snapshot restored by a rollback), where the
 * credential-shape patterns of {@link redact} would corrupt ordinary prose.
 */
export function redactKnownSecrets(text: string): string {
  let out = text;
  for (const secret of knownSecrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}
