import { z } from 'zod';
import { MAX_TIMER_MS } from './clock.js';
import { ValidationError, type ValidationIssue } from './errors.js';
import { findReservedKey } from './reserved-keys.js';

/**
 * Vendor-only fields, keyed by provider id. Adapters add their key by declaration merging:
 *
 * ```ts
 * declare module '@agent-release/core' {
 *   interface ProviderOptions { atoms?: AtomsProviderOptions }
 * }
 * ```
 *
 * An adapter reads only its own key, so a tenant can switch vendor without changing call sites.
 */
// biome-ignore lint/suspicious/noEmptyInterface: extended by adapters through declaration merging.
export interface ProviderOptions {}

/** A provider-neutral configuration change. */
export interface AgentChanges {
  /** The system prompt / instructions. */
  instructions?: string | undefined;
  /** What the agent says first (voice agents). A provider that has no such field rejects it. */
  firstMessage?: string | undefined;
  /** The model identifier in the provider's vocabulary. */
  model?: string | undefined;
  /** Vendor-only fields, each validated by its adapter. */
  providerOptions?: ProviderOptions & Record<string, unknown>;
}

// Runs on the raw input: once parsed, a "__proto__" key is already gone.
const noReservedKeys = z.unknown().superRefine((value, ctx) => {
  const hit = findReservedKey(value);
  if (hit) ctx.addIssue({ code: 'custom', message: hit.message, path: [...hit.path] });
});

/**
 * zod schema of {@link AgentChanges} (neutral part; adapters validate their providerOptions).
 * `__proto__`, `constructor` and `prototype` keys are refused anywhere in the input.
 */
export const agentChangesSchema = noReservedKeys.pipe(
  z
    .object({
      instructions: z.string().optional(),
      firstMessage: z.string().optional(),
      model: z.string().trim().min(1, 'must not be empty').optional(),
      providerOptions: z.record(z.string(), z.record(z.string(), z.unknown()).optional()).optional(),
    })
    .strict()
    .refine(
      (c) =>
        c.instructions !== undefined ||
        c.firstMessage !== undefined ||
        c.model !== undefined ||
        Object.values(c.providerOptions ?? {}).some((o) => o !== undefined),
      { message: 'changes must contain at least one field' },
    ),
);

/** Agent ids: non-empty, no whitespace or path characters; adapters add their vendor format. */
export const agentIdSchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, "-" and "_"');

/** Version ids follow the same rule as agent ids. */
export const versionIdSchema = agentIdSchema;

/** zod schema of release/publish options shared by every provider. */
export const publishOptionsSchema = z.object({
  label: z.string().optional(),
  description: z.string().optional(),
});

/** zod schema of `release()` options that are plain data. */
export const releaseOptionsSchema = z.object({
  label: z.string().optional(),
  description: z.string().optional(),
  activate: z.boolean().optional(),
  draftId: agentIdSchema.optional(),
  maxWaitMs: z
    .number()
    .int()
    .positive()
    .max(MAX_TIMER_MS, 'must be at most 2147483647 ms (about 24.8 days)')
    .optional(),
});

/** Converts zod issues into {@link ValidationIssue}s under a path prefix. */
export function toValidationIssues(error: z.ZodError, prefix?: string): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path:
      [prefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== '').join('.') || '(root)',
    message: issue.message,
  }));
}

/**
 * Parses `value` with `schema` or throws a `ValidationError` naming the first bad field.
 * `what` names the input (`'changes'`, `'agentId'`) in the message and issue paths.
 */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
  provider?: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = toValidationIssues(result.error, what);
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new ValidationError(`Invalid ${what}: ${first?.path} ${first?.message}${more}`, { provider, issues });
}
