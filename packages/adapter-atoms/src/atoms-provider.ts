/**
 * Building Atoms releasers: the plain factory and the inversify module that binds it under the
 * provider name `'atoms'`.
 */
import { ConfigurationError, HttpClient, noopLogger, systemClock } from '@agent-release/core';
import { releaserModule, type TenantConfig } from '@agent-release/core/di';
import type { ContainerModule } from 'inversify';
import { mapAtomsError } from './atoms-errors.js';
import { AtomsGenerationRouter } from './atoms-generation.js';
import { ATOMS_PROVIDER } from './atoms-ids.js';
import { type AtomsReleaserOptions, resolveAtomsReleaserOptions } from './atoms-options.js';
import { AtomsReleaser } from './atoms-releaser.js';
import type { AtomsLifecycleStrategy } from './atoms-strategy.js';
import { AtomsV1Strategy } from './atoms-v1-strategy.js';
import { AtomsV2Strategy } from './atoms-v2-strategy.js';

/**
 * Creates an Atoms releaser. Options are validated here, so a bad configuration fails before any
 * request. `apiGeneration` picks the strategy: v1, v2, or (default `'auto'`) the router that
 * switches an agent to v2 when Atoms says it migrated.
 * @throws ConfigurationError for invalid options, a missing API key, or an http base URL that is
 *   not loopback.
 * @example
 * const atoms = createAtomsReleaser({ apiKey: process.env.SMALLEST_API_KEY! });
 * await release(atoms, agentId, { instructions: 'You are …' });
 */
export function createAtomsReleaser(options: AtomsReleaserOptions): AtomsReleaser {
  const o = resolveAtomsReleaserOptions(options);
  const logger = o.logger ?? noopLogger;
  const clock = o.clock ?? systemClock;
  const random = o.random ?? Math.random;
  const http = new HttpClient({
    provider: ATOMS_PROVIDER,
    baseUrl: o.baseUrl,
    apiKey: o.apiKey,
    timeoutMs: o.timeoutMs,
    retry: o.retry,
    mapError: mapAtomsError,
    logger,
    clock,
    random,
  });
  const deps = { http, logger, clock, random, securityCheck: o.securityCheck };
  let strategy: AtomsLifecycleStrategy;
  if (o.apiGeneration === 'v1') strategy = new AtomsV1Strategy(deps);
  else if (o.apiGeneration === 'v2') strategy = new AtomsV2Strategy(deps);
  else
    strategy = new AtomsGenerationRouter({
      v1: new AtomsV1Strategy(deps),
      v2: new AtomsV2Strategy(deps),
      logger,
    });
  return new AtomsReleaser(strategy);
}

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
