/**
 * Building Langdock releasers without DI: the plain factory. The inversify module lives in
 * `langdock-di.ts`, behind the `/di` entry, so this file loads no DI framework.
 */
import { noopLogger, systemClock } from '@agent-release/core';
import { HttpClient } from '@agent-release/core/provider';
import { LANGDOCK_PROVIDER } from './langdock-capabilities.js';
import { langdockErrorCases } from './langdock-errors.js';
import {
  LANGDOCK_DEFAULT_BASE_URL,
  type LangdockReleaserOptions,
  langdockOptionsSchema,
  parseLangdockOptions,
} from './langdock-options.js';
import { LangdockReleaser } from './langdock-releaser.js';

/**
 * Builds a Langdock releaser. Options are validated before anything is sent.
 *
 * @example
 * const releaser = createLangdockReleaser({ apiKey: process.env.LANGDOCK_API_KEY! });
 * // Dedicated deployment:
 * createLangdockReleaser({ apiKey, baseUrl: 'https://langdock.example.com/api/public' });
 * @throws ConfigurationError for a missing/malformed key, a non-https base URL (loopback
 *   excepted) or an unknown/invalid option.
 */
export function createLangdockReleaser(options: LangdockReleaserOptions): LangdockReleaser {
  const parsed = parseLangdockOptions(langdockOptionsSchema, options);
  const logger = parsed.logger ?? noopLogger;
  const clock = parsed.clock ?? systemClock;
  const random = parsed.random ?? Math.random;
  const http = new HttpClient({
    provider: LANGDOCK_PROVIDER,
    baseUrl: parsed.baseUrl ?? LANGDOCK_DEFAULT_BASE_URL,
    apiKey: parsed.apiKey,
    timeoutMs: parsed.timeoutMs,
    retry: parsed.retry,
    errorCases: langdockErrorCases,
    logger,
    clock,
    random,
  });
  return new LangdockReleaser({
    http,
    logger,
    clock,
    random,
    foreignDraftEdits: parsed.foreignDraftEdits ?? 'refuse',
  });
}
