/**
 * The inversify side of the Langdock adapter: the tenant-config factory and the container module
 * that binds it under the provider name `'langdock'`. Reached only through
 * `@agent-release/adapter-langdock/di`, so importing the main entry loads no inversify.
 */
import { type ReleaserFactoryDeps, releaserModule, type TenantConfig } from '@agent-release/core/di';
import { LANGDOCK_PROVIDER } from './langdock-capabilities.js';
import { langdockTenantOptionsSchema, parseLangdockOptions } from './langdock-options.js';
import { createLangdockReleaser } from './langdock-provider.js';
import type { LangdockReleaser } from './langdock-releaser.js';

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
