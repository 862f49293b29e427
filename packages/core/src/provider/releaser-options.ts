/**
 * The options every HTTP releaser takes (key, base URL, timeouts, retry, logger, clock, jitter),
 * validated once so a bad configuration fails as a `ConfigurationError` when the releaser is
 * built, before any request. Adapters extend {@link releaserOptionsShape} with their own fields.
 */
import { z } from 'zod';
import { toValidationIssues } from '../changes.js';
import type { Clock } from '../clock.js';
import { ConfigurationError } from '../errors.js';
import type { RetryPolicy } from '../http/retry-policy.js';
import type { Logger } from '../logger.js';

/** Options shared by every releaser factory. */
export interface ReleaserOptions {
  /** The vendor API key, sent as a bearer token. Never logged or put in errors. */
  apiKey: string;
  /** https only, except loopback hosts (emulators). Each adapter has its default. */
  baseUrl?: string | undefined;
  /** Total deadline per HTTP attempt, in ms. Default 30 000. */
  timeoutMs?: number | undefined;
  /** Retry policy overrides for 429/502/503/504 and network errors, or `false` for none. */
  retry?: Partial<RetryPolicy> | false | undefined;
  /** Structured logger (pino-compatible). Default: silent. */
  logger?: Logger | undefined;
  /** Time source for waits and retries; inject a manual clock in tests. */
  clock?: Clock | undefined;
  /** Uniform random in [0, 1), for jitter. */
  random?: (() => number) | undefined;
}

/** An integer number of ms > 0. */
export const positiveMsSchema = z.int('must be an integer number of ms').positive('must be positive');
/** An integer number of ms ≥ 0. */
export const nonNegativeMsSchema = z
  .int('must be an integer number of ms')
  .nonnegative('must not be negative');

const loggerSchema = z.custom<Logger>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    ['debug', 'info', 'warn', 'error'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
  'must have debug, info, warn and error methods',
);
const clockSchema = z.custom<Clock>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Clock).now === 'function' &&
    typeof (v as Clock).sleep === 'function',
  'must have now() and sleep()',
);
const randomSchema = z.custom<() => number>((v) => typeof v === 'function', 'must be a function');

const retrySchema = z.union([
  z.literal(false),
  z.strictObject({
    maxRetries: z.int().min(0).max(10).optional(),
    baseDelayMs: nonNegativeMsSchema.optional(),
    maxDelayMs: nonNegativeMsSchema.optional(),
    maxRetryAfterMs: nonNegativeMsSchema.optional(),
    retryStatuses: z.array(z.int().min(400).max(599)).optional(),
  }),
]);

/** The zod shape of {@link ReleaserOptions}: spread it into an adapter's `z.strictObject`. */
export const releaserOptionsShape = {
  apiKey: z.string('must be a string').min(1, 'is required'),
  baseUrl: z.string('must be a string').min(1, 'must not be empty').optional(),
  timeoutMs: positiveMsSchema.optional(),
  retry: retrySchema.optional(),
  logger: loggerSchema.optional(),
  clock: clockSchema.optional(),
  random: randomSchema.optional(),
};

/** {@link ReleaserOptions} as a strict zod object. */
export const releaserOptionsSchema = z.strictObject(releaserOptionsShape);

/**
 * Parses releaser options with `schema`.
 * @throws ConfigurationError naming the first bad option (never echoing a value).
 */
export function parseReleaserOptions<S extends z.ZodType>(
  schema: S,
  options: unknown,
  provider: string,
): z.output<S> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issues = toValidationIssues(parsed.error);
  const first = issues[0];
  throw new ConfigurationError(
    `${provider}: invalid releaser option ${first?.path}: ${first?.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
    { provider, details: { issues } },
  );
}
