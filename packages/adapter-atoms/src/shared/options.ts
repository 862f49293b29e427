/**
 * Options of `createAtomsReleaser` and of the DI factory: core's releaser options plus the
 * Atoms ones, validated so a bad configuration fails as a `ConfigurationError` when the releaser
 * is built, before any request.
 */
import { ConfigurationError } from '@agent-release/core';
import {
  nonNegativeMsSchema,
  parseReleaserOptions,
  positiveMsSchema,
  type ReleaserOptions,
  releaserOptionsShape,
} from '@agent-release/core/provider';
import { z } from 'zod';
import { ATOMS_PROVIDER } from './ids.js';

/** An Atoms agent-versioning API generation: `v1` drafts + versions, `v2` branches + revisions. */
export type AtomsApiGeneration = 'v1' | 'v2';

/**
 * The `apiGeneration` option: one generation, or `auto` (the default), which speaks v1 until an
 * agent's v1 call answers `409 versioning_v2_migration_required`, then v2 for that agent.
 */
export type AtomsApiGenerationOption = AtomsApiGeneration | 'auto';

/** Atoms' production API base URL (the v1 and v2 agent versioning endpoints live under it). */
export const ATOMS_DEFAULT_BASE_URL = 'https://api.smallest.ai/atoms/v1';

/** How a release waits for Atoms' security check (v1: before activating; v2: a publish's scan). */
export interface AtomsSecurityCheckOptions {
  /** First re-poll after this many ms, and the floor of every later delay. Default 500. */
  minDelayMs?: number | undefined;
  /** Ceiling of any single delay between polls. Default 1000. */
  maxDelayMs?: number | undefined;
  /**
   * Give up after this long (SecurityCheckTimeoutError; under v2 the publish is cancelled).
   * Default 120 000. `activate({maxWaitMs})` / `release({maxWaitMs})` override it per call.
   */
  maxWaitMs?: number | undefined;
  /**
   * How long a check usually takes, from the publish that starts it. For a version this releaser
   * published, polls wait until just before then and poll densely around it (see
   * `v1/check-schedule.ts`). Default 6000 (Atoms' documented ~6 s); 0 turns it off.
   */
  expectedMs?: number | undefined;
}

/**
 * Security-check waiting defaults. The check takes about 6 s (Atoms' lifecycle guide); polls
 * start 500 ms apart and back off with jitter to at most 1 s, so a 6 s check needs about 10
 * polls. The deadline is the vendor's own: the Atoms SDK's `wait_for_publish` gives a scan
 * 120 s (polling every 2 s), so a scan slower than usual but within what Atoms' own client
 * accepts is not cancelled by us; a stuck one still ends after two minutes.
 */
export const DEFAULT_SECURITY_CHECK: Readonly<Required<AtomsSecurityCheckOptions>> = Object.freeze({
  minDelayMs: 500,
  maxDelayMs: 1000,
  maxWaitMs: 120_000,
  expectedMs: 6000,
});

/** Options of `createAtomsReleaser`. */
export interface AtomsReleaserOptions extends ReleaserOptions {
  /** An Atoms API key (`sk_…`), sent as `Authorization: Bearer <key>`. Never logged or put in errors. */
  apiKey: string;
  /** Default {@link ATOMS_DEFAULT_BASE_URL}. https only, except loopback hosts (emulators). */
  baseUrl?: string | undefined;
  /** Security-check waiting; see {@link DEFAULT_SECURITY_CHECK}. */
  securityCheck?: AtomsSecurityCheckOptions | undefined;
  /**
   * Which Atoms versioning API to speak. `'auto'` (default): v1, switching an agent to the v2
   * branch model when one of its v1 calls answers `409 versioning_v2_migration_required`
   * (remembered per agent). `'v1'`: drafts + versions only (that 409 is a
   * `MigrationRequiredError`). `'v2'`: branches + revisions only.
   */
  apiGeneration?: AtomsApiGenerationOption | undefined;
}

/** zod schema of {@link AtomsReleaserOptions} (the API key's form is checked by core's HttpClient). */
export const atomsReleaserOptionsSchema = z.strictObject({
  ...releaserOptionsShape,
  securityCheck: z
    .strictObject({
      minDelayMs: nonNegativeMsSchema.optional(),
      maxDelayMs: positiveMsSchema.optional(),
      maxWaitMs: nonNegativeMsSchema.optional(),
      expectedMs: nonNegativeMsSchema.optional(),
    })
    .optional(),
  apiGeneration: z.enum(['v1', 'v2', 'auto'], "must be 'v1', 'v2' or 'auto'").optional(),
});

/** Options after validation, with the defaults applied. */
export interface ResolvedAtomsReleaserOptions
  extends Omit<AtomsReleaserOptions, 'securityCheck' | 'baseUrl' | 'apiGeneration'> {
  baseUrl: string;
  securityCheck: Readonly<Required<AtomsSecurityCheckOptions>>;
  apiGeneration: AtomsApiGenerationOption;
}

/**
 * Validates factory options and fills defaults.
 * @throws ConfigurationError naming the first bad option (never echoing the API key).
 */
export function resolveAtomsReleaserOptions(options: unknown): ResolvedAtomsReleaserOptions {
  const o = parseReleaserOptions(atomsReleaserOptionsSchema, options, ATOMS_PROVIDER) as AtomsReleaserOptions;
  const securityCheck = { ...DEFAULT_SECURITY_CHECK, ...dropUndefined(o.securityCheck ?? {}) };
  // A min above max would make the waiter refuse to run at activation time; fail now instead.
  if (securityCheck.maxDelayMs < securityCheck.minDelayMs) {
    throw new ConfigurationError(
      `${ATOMS_PROVIDER}: securityCheck.maxDelayMs (${securityCheck.maxDelayMs}) must be >= minDelayMs (${securityCheck.minDelayMs})`,
      { provider: ATOMS_PROVIDER },
    );
  }
  return {
    ...o,
    baseUrl: o.baseUrl ?? ATOMS_DEFAULT_BASE_URL,
    securityCheck: Object.freeze(securityCheck),
    apiGeneration: o.apiGeneration ?? 'auto',
  };
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
