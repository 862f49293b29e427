/**
 * Building Atoms releasers without DI: the plain factory. The inversify module lives in
 * `atoms-di.ts`, behind the `/di` entry, so this file loads no DI framework.
 */
import { noopLogger, systemClock } from '@agent-release/core';
import { HttpClient } from '@agent-release/core/provider';
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
