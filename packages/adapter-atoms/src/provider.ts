/**
 * Building Atoms releasers: the plain factory and the inversify module that binds it under the
 * provider name `'atoms'`.
 */
import { ConfigurationError, noopLogger, systemClock } from '@agent-release/core';
import { releaserModule, type TenantConfig } from '@agent-release/core/di';
import { HttpClient } from '@agent-release/core/provider';
import type { ContainerModule } from 'inversify';
import { AtomsAutoReleaser } from './auto.js';
import { atomsErrorMapper } from './shared/errors.js';
import { ATOMS_PROVIDER } from './shared/ids.js';
import { type AtomsReleaserOptions, resolveAtomsReleaserOptions } from './shared/options.js';
import { AtomsV1Releaser } from './v1/releaser.js';
import { mapAtomsV2Failure } from './v2/errors.js';
import { AtomsV2Releaser } from './v2/releaser.js';

/** An Atoms releaser: v1, v2, or the `auto` decorator that picks per agent. */
export type AtomsReleaser = AtomsV1Releaser | AtomsV2Releaser | AtomsAutoReleaser;

/**
 * Creates an Atoms releaser. Options are validated here, so a bad configuration fails before any
 * request. `apiGeneration` picks the releaser: v1, v2, or (default `'auto'`) one that switches an
 * agent to v2 when Atoms says it migrated.
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
  // Pinned to v1, the v2 answers (423 freeze, branch-draft 409s) cannot occur; otherwise the
  // account may be on the branch model (or moving to it), so they are mapped.
  const http = new HttpClient({
    provider: ATOMS_PROVIDER,
    baseUrl: o.baseUrl,
    apiKey: o.apiKey,
    timeoutMs: o.timeoutMs,
    retry: o.retry,
    mapError: atomsErrorMapper(o.apiGeneration === 'v1' ? undefined : mapAtomsV2Failure),
    logger,
    clock,
    random,
  });
  const deps = { http, logger, clock, random, securityCheck: o.securityCheck };
  if (o.apiGeneration === 'v1') return new AtomsV1Releaser(deps);
  if (o.apiGeneration === 'v2') return new AtomsV2Releaser(deps);
  return new AtomsAutoReleaser({ v1: new AtomsV1Releaser(deps), v2: new AtomsV2Releaser(deps), logger });
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
