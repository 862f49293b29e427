/**
 * The inversify side of the Atoms adapter: the tenant-config factory and the container module
 * that binds it under the provider name `'atoms'`. Reached only through
 * `@agent-release/adapter-atoms/di`, so importing the main entry loads no inversify.
 */
import { ConfigurationError } from '@agent-release/core';
import { releaserModule, type TenantConfig } from '@agent-release/core/di';
import type { ContainerModule } from 'inversify';
import { type AtomsReleaser, createAtomsReleaser } from './provider.js';
import { ATOMS_PROVIDER } from './shared/ids.js';
import type { AtomsReleaserOptions } from './shared/options.js';

/** Process-wide defaults a DI module applies to every tenant's releaser (not per-tenant data). */
export type AtomsModuleDefaults = Pick<AtomsReleaserOptions, 'logger' | 'clock' | 'random'>;

/**
 * Builds a releaser from a tenant's config: `apiKey`, `baseUrl`, and `options` holding the other
 * {@link AtomsReleaserOptions} (`timeoutMs`, `retry`, `securityCheck`, `apiGeneration`).
 * @throws ConfigurationError when the config is not for Atoms or its options are invalid.
 */
export function atomsReleaserFactory(
  config: TenantConfig,
  defaults: AtomsModuleDefaults = {},
): AtomsReleaser {
  if (config.provider !== ATOMS_PROVIDER) {
    throw new ConfigurationError(`${ATOMS_PROVIDER}: tenant config is for provider "${config.provider}"`, {
      provider: ATOMS_PROVIDER,
    });
  }
  return createAtomsReleaser({
    ...defaults,
    ...(config.options ?? {}),
    apiKey: config.apiKey,
    ...(config.baseUrl !== undefined ? { baseUrl: config.baseUrl } : {}),
  } as AtomsReleaserOptions);
}

/**
 * An inversify module binding the Atoms releaser factory to `TOKENS.ReleaserFactory` named
 * `'atoms'`, with `defaults` (e.g. your logger) applied to every releaser it builds.
 */
export function createAtomsModule(defaults: AtomsModuleDefaults = {}): ContainerModule {
  // The container's logger (`TOKENS.Logger`, handed over as `deps.logger`) unless `defaults` or
  // the tenant's options name their own.
  return releaserModule(ATOMS_PROVIDER, (config, deps) =>
    atomsReleaserFactory(config, { ...defaults, logger: defaults.logger ?? deps?.logger }),
  );
}

/**
 * The inversify module binding the Atoms releaser factory under the name `'atoms'`.
 * @example container.load(coreModule, atomsModule)
 */
export const atomsModule: ContainerModule = createAtomsModule();
