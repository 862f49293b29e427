import { noopLogger, systemClock } from '@agent-release/core';
import { type ReleaserFactoryDeps, releaserModule, type TenantConfig } from '@agent-release/core/di';
import { HttpClient } from '@agent-release/core/provider';
import { LANGDOCK_PROVIDER } from './langdock-capabilities.js';
import { langdockErrorCases } from './langdock-errors.js';
import {
  LANGDOCK_DEFAULT_BASE_URL,
  type LangdockReleaserOptions,
  langdockOptionsSchema,
  langdockTenantOptionsSchema,
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

/**
 * The `ReleaserFactory` for a tenant on Langdock: `apiKey` and `baseUrl` from the tenant config,
 * the rest (`timeoutMs`, `retry`, ...) from `config.options`, validated strictly. The container's
 * logger (`deps.logger`, from `TOKENS.Logger`) is used unless the options name their own.
 */
export function langdockReleaserFactory(config: TenantConfig, deps?: ReleaserFactoryDeps): LangdockReleaser {
  const options = parseLangdockOptions(langdockTenantOptionsSchema, config.options ?? {});
  return createLangdockReleaser({
    logger: deps?.logger,
    ...options,
    apiKey: config.apiKey,
    baseUrl: config.baseUrl,
  });
}

/**
 * inversify module binding {@link langdockReleaserFactory} to `TOKENS.ReleaserFactory` named
 * `'langdock'`. Load it next to core's `coreModule`; `TenantReleasers` then builds Langdock
 * releasers for tenants whose provider is `'langdock'`.
 */
export const langdockModule: ReturnType<typeof releaserModule> = releaserModule(
  LANGDOCK_PROVIDER,
  langdockReleaserFactory,
);
