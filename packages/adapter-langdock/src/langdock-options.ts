import { type Clock, ConfigurationError, type Logger } from '@agent-release/core';
import { type RetryPolicy, toValidationIssues } from '@agent-release/core/provider';
import { z } from 'zod';
import { LANGDOCK_PROVIDER } from './langdock-capabilities.js';

/** Langdock's public API host. A dedicated deployment uses `<deployment-url>/api/public` instead. */
export const LANGDOCK_DEFAULT_BASE_URL = 'https://api.langdock.com';

const isFunction = (value: unknown): boolean => typeof value === 'function';

const loggerSchema = z.custom<Logger>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    ['debug', 'info', 'warn', 'error'].every((m) => isFunction((value as Record<string, unknown>)[m])),
  { error: 'must have debug, info, warn and error methods' },
);

const clockSchema = z.custom<Clock>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    isFunction((value as Record<string, unknown>).now) &&
    isFunction((value as Record<string, unknown>).sleep),
  { error: 'must have now() and sleep() methods' },
);

const retrySchema = z.union([
  z.literal(false),
  z.strictObject({
    maxRetries: z.number().int().min(0).optional(),
    baseDelayMs: z.number().min(0).optional(),
    maxDelayMs: z.number().min(0).optional(),
    maxRetryAfterMs: z.number().min(0).optional(),
    retryStatuses: z.array(z.number().int().min(100).max(599)).optional(),
  }),
]);

/**
 * What to do with edits someone else left unpublished in an agent's one shared draft (Langdock's
 * web UI edits the same draft): `refuse` (default) fails the release with a `ConflictError`
 * naming the fields and publishes nothing; `include` publishes them together with the release.
 */
export const foreignDraftEditsSchema = z.enum(['refuse', 'include']);

/** See {@link foreignDraftEditsSchema}. */
export type LangdockForeignDraftEdits = z.infer<typeof foreignDraftEditsSchema>;

/**
 * Options of a Langdock releaser other than the credentials: what a `TenantConfig.options` may
 * carry. Strict, so a misspelt option (`timeoutMS`) fails loudly instead of being ignored.
 */
export const langdockTenantOptionsSchema = z.strictObject({
  /** Per-attempt deadline in ms (connection to last byte). Default 30 s. */
  timeoutMs: z.number().int().positive().optional(),
  /** Retry policy overrides, or `false` for no retries (and no publish reconciliation). */
  retry: retrySchema.optional(),
  logger: loggerSchema.optional(),
  clock: clockSchema.optional(),
  /** Uniform random in [0, 1), for backoff jitter. */
  random: z.custom<() => number>(isFunction, { error: 'must be a function' }).optional(),
  /** Unpublished edits of others in the shared draft: `refuse` (default) or `include`. */
  foreignDraftEdits: foreignDraftEditsSchema.optional(),
});

/** zod schema of {@link LangdockReleaserOptions}. */
export const langdockOptionsSchema = langdockTenantOptionsSchema.extend({
  /** A Langdock API key (`sk-ld-...`) with the `AGENT_API` scope, shared with the agents. */
  apiKey: z.string({ error: 'is required' }).min(1, 'is required'),
  /**
   * `https://api.langdock.com` (default), or a dedicated deployment's `<deployment-url>/api/public`.
   * Paths are appended to it: `${baseUrl}/agent/v1/update`.
   */
  baseUrl: z.string().min(1, 'must not be empty').optional(),
});

/** Options of `createLangdockReleaser`. */
export interface LangdockReleaserOptions {
  /** A Langdock API key (`sk-ld-...`) with the `AGENT_API` scope; the agents must be shared with it. */
  apiKey: string;
  /**
   * Default `https://api.langdock.com`. For a dedicated deployment pass
   * `<deployment-url>/api/public`; request paths are appended to it. https only (plain http is
   * accepted for loopback hosts such as a local emulator).
   */
  baseUrl?: string | undefined;
  /** Per-attempt deadline in ms (connection to last byte). Default 30 000. */
  timeoutMs?: number | undefined;
  /**
   * Retry policy overrides (see core's `DEFAULT_RETRY_POLICY`), or `false` to send every request
   * once. With `false` a publish whose response was lost is not re-sent to reconcile either.
   */
  retry?: Partial<RetryPolicy> | false | undefined;
  logger?: Logger | undefined;
  /** Injected time source (tests use core's `ManualClock`). */
  clock?: Clock | undefined;
  /** Uniform random in [0, 1), for backoff jitter. */
  random?: (() => number) | undefined;
  /**
   * Edits someone else left unpublished in the agent's shared draft (e.g. in Langdock's web UI):
   * `'refuse'` (default) fails a release that would publish them with a `ConflictError` naming the
   * fields, undoing its own write; `'include'` publishes them with the release. A call to
   * `editDraft` may override it with its own `foreignDraftEdits`.
   */
  foreignDraftEdits?: LangdockForeignDraftEdits | undefined;
}

/**
 * Validates factory options before anything is built or sent.
 * @throws ConfigurationError naming the bad option (never echoing the API key).
 */
export function parseLangdockOptions<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = toValidationIssues(result.error, 'options');
  const first = issues[0];
  throw new ConfigurationError(
    `${LANGDOCK_PROVIDER}: invalid releaser options: ${first?.path} ${first?.message}${
      issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
    }`,
    { provider: LANGDOCK_PROVIDER, details: { issues } },
  );
}
