/**
 * Options of `createAtomsReleaser` and of the DI factory, validated with zod so a bad
 * configuration fails as a `ConfigurationError` when the releaser is built, before any request.
 */
import {
  type Clock,
  ConfigurationError,
  type Logger,
  type RetryPolicy,
  toValidationIssues,
} from '@agent-release/core';
import { z } from 'zod';
import { ATOMS_PROVIDER } from './atoms-ids.js';
import type { AtomsApiGenerationOption } from './atoms-strategy.js';

/** Atoms' production API base URL (the v1 and v2 agent versioning endpoints live under it). */
export const ATOMS_DEFAULT_BASE_URL = 'https://api.smallest.ai/atoms/v1';

/** How `activate` waits for the post-publish security check. */
export interface AtomsSecurityCheckOptions {
  /** First re-poll after this many ms, and the floor of every later delay. Default 500. */
  minDelayMs?: number | undefined;
  /** Ceiling of any single delay between polls. Default 1000. */
  maxDelayMs?: number | undefined;
  /** Give up (SecurityCheckTimeoutError) after this long. Default 60 000. `activate({maxWaitMs})` overrides it. */
  maxWaitMs?: number | undefined;
}

/**
 * Security-check waiting defaults. The check takes about 6 s; polls start 500 ms apart and back
 * off with jitter to at most 1 s, so a 6 s check needs about 10 polls (at most 12) and the version
 * goes live ~400 ms (median; at most one poll interval) after the check passes. A 250 ms floor
 * would answer ~60 ms sooner but need 12–17 polls; 500 ms keeps the request count bounded.
 * 60 s covers a slow scanner without hiding a stuck one.
 */
export const DEFAULT_SECURITY_CHECK: Readonly<Required<AtomsSecurityCheckOptions>> = Object.freeze({
  minDelayMs: 500,
  maxDelayMs: 1000,
  maxWaitMs: 60_000,
});

/** Options of {@link createAtomsReleaser}. */
export interface AtomsReleaserOptions {
  /** An Atoms API key (`sk_…`), sent as `Authorization: Bearer <key>`. Never logged or put in errors. */
  apiKey: string;
  /** Default {@link ATOMS_DEFAULT_BASE_URL}. https only, except loopback hosts (emulators). */
  baseUrl?: string | undefined;
  /** Total deadline per HTTP attempt, in ms. Default 30 000. */
  timeoutMs?: number | undefined;
  /** Retry policy overrides for 429/502/503/504 and network errors, or `false` for none. */
  retry?: Partial<RetryPolicy> | false | undefined;
  /**
   * Security-check waiting; see {@link DEFAULT_SECURITY_CHECK}. Under v2 the same delays and
   * deadline apply to waiting for a publish's scan.
   */
  securityCheck?: AtomsSecurityCheckOptions | undefined;
  /**
   * Which Atoms versioning API to speak. `'auto'` (default): v1, switching an agent to the v2
   * branch model when one of its v1 calls answers `409 versioning_v2_migration_required`
   * (remembered per agent). `'v1'`: drafts + versions only (that 409 is a
   * `MigrationRequiredError`). `'v2'`: branches + revisions only.
   */
  apiGeneration?: AtomsApiGenerationOption | undefined;
  /** Structured logger (pino-compatible). Default: silent. */
  logger?: Logger | undefined;
  /** Time source for waits and retries; inject a manual clock in tests. */
  clock?: Clock | undefined;
  /** Uniform random in [0, 1), for jitter. */
  random?: (() => number) | undefined;
}

const positiveMs = z.int('must be an integer number of ms').positive('must be positive');
const nonNegativeMs = z.int('must be an integer number of ms').nonnegative('must not be negative');
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');

const securityCheckSchema = z
  .strictObject({
    minDelayMs: nonNegativeMs.optional(),
    maxDelayMs: positiveMs.optional(),
    maxWaitMs: nonNegativeMs.optional(),
  })
  .optional();

const retrySchema = z.union([
  z.literal(false),
  z.strictObject({
    maxRetries: z.int().min(0).max(10).optional(),
    baseDelayMs: nonNegativeMs.optional(),
    maxDelayMs: nonNegativeMs.optional(),
    maxRetryAfterMs: nonNegativeMs.optional(),
    retryStatuses: z.array(z.int().min(400).max(599)).optional(),
  }),
]);

/** zod schema of {@link AtomsReleaserOptions} (the API key's form is checked by core's HttpClient). */
export const atomsReleaserOptionsSchema = z.strictObject({
  apiKey: z.string('must be a string').min(1, 'is required'),
  baseUrl: z.string('must be a string').min(1, 'must not be empty').optional(),
  timeoutMs: positiveMs.optional(),
  retry: retrySchema.optional(),
  securityCheck: securityCheckSchema,
  apiGeneration: z.enum(['v1', 'v2', 'auto'], "must be 'v1', 'v2' or 'auto'").optional(),
  logger: z
    .custom<Logger>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        ['debug', 'info', 'warn', 'error'].every(
          (m) => typeof (v as Record<string, unknown>)[m] === 'function',
        ),
      'must have debug, info, warn and error methods',
    )
    .optional(),
  clock: z
    .custom<Clock>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as Clock).now === 'function' &&
        typeof (v as Clock).sleep === 'function',
      'must have now() and sleep()',
    )
    .optional(),
  random: fn.optional(),
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
  const parsed = atomsReleaserOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = toValidationIssues(parsed.error);
    const first = issues[0];
    throw new ConfigurationError(
      `${ATOMS_PROVIDER}: invalid releaser option ${first?.path}: ${first?.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
      { provider: ATOMS_PROVIDER, details: { issues } },
    );
  }
  const o = parsed.data as AtomsReleaserOptions;
  const securityCheck = {
    minDelayMs: o.securityCheck?.minDelayMs ?? DEFAULT_SECURITY_CHECK.minDelayMs,
    maxDelayMs: o.securityCheck?.maxDelayMs ?? DEFAULT_SECURITY_CHECK.maxDelayMs,
    maxWaitMs: o.securityCheck?.maxWaitMs ?? DEFAULT_SECURITY_CHECK.maxWaitMs,
  };
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
