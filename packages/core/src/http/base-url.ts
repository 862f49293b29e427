import { isIP } from 'node:net';
import { ConfigurationError } from '../errors.js';

/**
 * True for exactly `localhost` and literal loopback addresses (127.0.0.0/8, ::1): the hosts a key
 * may reach over plain http. Other names, `*.localhost` included, are not trusted: where they
 * resolve is up to the resolver, not to RFC 6761.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(host);
  return false;
}

/**
 * Validates a provider base URL and returns it without a trailing slash.
 *
 * An API key is a bearer credential: sent over plain http it is readable by anyone on the path,
 * so http is refused unless the host is loopback (emulators, local proxies). Credentials, query
 * strings and fragments in the base URL are refused because they would leak into every request.
 */
export function normalizeBaseUrl(baseUrl: string, provider: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigurationError(`${provider}: baseUrl is not a valid absolute URL`, { provider });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(`${provider}: baseUrl must use https (got ${url.protocol})`, { provider });
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigurationError(
      `${provider}: refusing to send an API key over plain http to ${url.hostname}; use https (plain http is allowed only for localhost and literal loopback addresses such as 127.0.0.1 or [::1])`,
      { provider },
    );
  }
  if (url.username || url.password) {
    throw new ConfigurationError(`${provider}: baseUrl must not contain credentials`, { provider });
  }
  if (url.search || url.hash) {
    throw new ConfigurationError(`${provider}: baseUrl must not contain a query string or fragment`, {
      provider,
    });
  }
  return url.toString().replace(/\/+$/, '');
}

/** Shortest API key accepted. */
export const MIN_API_KEY_LENGTH = 8;

/** Validates an API key's form (not its value) so a malformed key fails before any request. */
export function assertApiKey(apiKey: unknown, provider: string): asserts apiKey is string {
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new ConfigurationError(`${provider}: apiKey is required`, { provider });
  }
  // A key this short cannot be told apart from ordinary text, so it could not be redacted.
  if (apiKey.length < MIN_API_KEY_LENGTH) {
    throw new ConfigurationError(
      `${provider}: apiKey must be at least ${MIN_API_KEY_LENGTH} characters; check that the whole key was configured`,
      { provider },
    );
  }
  // Control characters or whitespace would corrupt (or inject into) the Authorization header.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is exactly what we reject.
  if (/[\s\u0000-\u001f\u007f]/.test(apiKey)) {
    throw new ConfigurationError(`${provider}: apiKey contains whitespace or control characters`, {
      provider,
    });
  }
}
