import { type AgentChanges, agentChangesSchema, agentIdSchema, ValidationError } from '@agent-release/core';
import { releaseOptionsSchema, toValidationIssues } from '@agent-release/core/provider';
import { z } from 'zod';

/** One agent a rollout releases to. */
export interface RolloutTarget {
  /** The tenant whose releaser (vendor, credentials) the agent lives under. */
  tenant: string;
  agentId: string;
  /** This agent's own change; merged over the plan's shared `changes` (its fields win). */
  changes?: AgentChanges | undefined;
}

/**
 * One wave: a consecutive slice of the targets, released only after every earlier wave finished
 * within the failure budget. Give either `share` (a fraction of all targets, rounded up) or `count`.
 */
export interface WaveSpec {
  name?: string | undefined;
  /** Fraction of all targets in (0, 1], e.g. `0.01` for a 1 % canary. */
  share?: number | undefined;
  /** Number of targets. */
  count?: number | undefined;
}

/**
 * When a rollout stops itself. Both limits count failed targets of this run; give either or both.
 * An empty budget (or none) halts at the first failure.
 */
export interface FailureBudget {
  /**
   * Halts as soon as more targets than this failed. Default `0` (the first failure halts) when
   * `maxFailureRate` is not given either; with only `maxFailureRate`, no count limit applies.
   */
  maxFailures?: number | undefined;
  /** Halts at the end of a wave when more than this fraction of its attempted targets failed. */
  maxFailureRate?: number | undefined;
}

/** What a rollout does: one change (shared or per target) to many agents, in waves. */
export interface RolloutPlan {
  /**
   * Stable id of the rollout. The ledger groups its attempts under it, so running the same plan
   * again resumes it: targets whose change is still live are skipped, the others (rolled back
   * since, crashed) released or re-checked. The id is bound to the plan's change and label: a
   * plan reusing it for another change is refused with a `ValidationError` before any request.
   */
  id: string;
  targets: RolloutTarget[];
  /** The change every target gets (unless its own `changes` override fields). */
  changes?: AgentChanges | undefined;
  /** Waves in order. Targets left over after the last wave form a final wave named `rest`. */
  waves?: WaveSpec[] | undefined;
  failureBudget?: FailureBudget | undefined;
  /** When the budget halts the rollout, roll back the agents this rollout released. Default `false`. */
  rollbackOnHalt?: boolean | undefined;
  /** Version label for the releases. */
  label?: string | undefined;
  /** Version description for the releases (provider limits apply). */
  description?: string | undefined;
  /** Upper bound per release on waiting for a publish gate (security check); at most 2**31 - 1 ms. */
  maxWaitMs?: number | undefined;
}

const rolloutIdSchema = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be 1-100 letters, digits, ".", "-" or "_"');

const targetSchema = z
  .object({
    tenant: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(200),
    agentId: agentIdSchema,
    changes: agentChangesSchema.optional(),
  })
  .strict();

const waveSchema = z
  .object({
    name: z.string().min(1).max(100).optional(),
    share: z.number().gt(0, 'must be above 0').max(1, 'must be at most 1').optional(),
    count: z.int().positive().optional(),
  })
  .strict()
  .refine((w) => (w.share === undefined) !== (w.count === undefined), {
    message: 'give exactly one of share or count',
  });

const planSchema = z
  .object({
    id: rolloutIdSchema,
    targets: z.array(targetSchema).min(1, 'must name at least one target').max(1_000_000),
    changes: agentChangesSchema.optional(),
    waves: z.array(waveSchema).max(100).optional(),
    failureBudget: z
      .object({
        maxFailures: z.int().min(0).optional(),
        maxFailureRate: z.number().min(0).max(1).optional(),
      })
      .strict()
      .optional(),
    rollbackOnHalt: z.boolean().optional(),
    label: z.string().max(200).optional(),
    description: z.string().max(1000).optional(),
    // The same bound release() applies, so no target can reject what the plan accepted.
    maxWaitMs: releaseOptionsSchema.shape.maxWaitMs,
  })
  .strict()
  .superRefine((plan, ctx) => {
    const seen = new Set<string>();
    plan.targets.forEach((t, i) => {
      if (!plan.changes && !t.changes) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', i, 'changes'],
          message: 'no change: give plan.changes or target.changes',
        });
      }
      const key = `${t.tenant}\u0000${t.agentId}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', i],
          message: 'the same (tenant, agentId) is listed twice',
        });
      }
      seen.add(key);
    });
  });

/** A target as an engine runs it: its position in the plan and its effective change. */
export interface PlannedTarget {
  readonly index: number;
  readonly tenant: string;
  readonly agentId: string;
  readonly changes: AgentChanges;
}

/** A wave as an engine runs it. */
export interface PlannedWave {
  readonly index: number;
  readonly name: string;
  readonly targets: readonly PlannedTarget[];
}

/** A plan that passed validation, split into waves. */
export interface ValidatedPlan {
  readonly plan: RolloutPlan;
  readonly waves: readonly PlannedWave[];
  /** `maxFailures` is `Infinity` when only a rate limits failures. */
  readonly budget: { maxFailures: number; maxFailureRate: number | undefined };
}

/**
 * Validates a plan and splits it into waves, before anything runs.
 * @throws ValidationError naming the first bad field (and counting the others).
 */
export function validatePlan(input: unknown): ValidatedPlan {
  const plan = parsePlan(input);
  const targets = plan.targets.map((t, index) => ({
    index,
    tenant: t.tenant,
    agentId: t.agentId,
    changes: mergeChanges(plan.changes, t.changes),
  }));
  return {
    plan,
    waves: splitIntoWaves(targets, plan.waves ?? []),
    budget: budgetOf(plan.failureBudget),
  };
}

/** A rate alone is a budget of its own: it must not be cut short by the count's default of 0. */
function budgetOf(budget: FailureBudget | undefined): ValidatedPlan['budget'] {
  const maxFailureRate = budget?.maxFailureRate;
  const maxFailures = budget?.maxFailures ?? (maxFailureRate === undefined ? 0 : Number.POSITIVE_INFINITY);
  return { maxFailures, maxFailureRate };
}

function parsePlan(input: unknown): RolloutPlan {
  const parsed = planSchema.safeParse(input);
  if (parsed.success) return parsed.data as RolloutPlan;
  // zod names unknown keys in its message; a key pasted where a field name goes would come back.
  const cleaned = new z.ZodError(
    parsed.error.issues.map((issue) =>
      issue.code === 'unrecognized_keys'
        ? { ...issue, keys: [], message: 'has a field this plan does not know (not named here)' }
        : issue,
    ),
  );
  const issues = toValidationIssues(cleaned, 'plan');
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new ValidationError(`Invalid plan: ${issues[0]?.path} ${issues[0]?.message}${more}`, { issues });
}

/** Consecutive slices; empty waves are dropped and leftovers form a final `rest` wave. */
export function splitIntoWaves(targets: readonly PlannedTarget[], specs: readonly WaveSpec[]): PlannedWave[] {
  const waves: PlannedWave[] = [];
  let from = 0;
  const push = (name: string, size: number) => {
    const slice = targets.slice(from, from + size);
    from += slice.length;
    if (slice.length > 0) waves.push({ index: waves.length, name, targets: slice });
  };
  specs.forEach((spec, i) => {
    const size = spec.count ?? Math.max(1, Math.ceil((spec.share ?? 1) * targets.length));
    push(spec.name ?? `wave-${i + 1}`, size);
  });
  push(specs.length === 0 ? 'all' : 'rest', targets.length - from);
  return waves;
}

/** The target's own fields win; vendor options merge per provider. */
export function mergeChanges(shared: AgentChanges | undefined, own: AgentChanges | undefined): AgentChanges {
  if (!shared) return own ?? {};
  if (!own) return shared;
  const providerOptions =
    shared.providerOptions || own.providerOptions
      ? { ...shared.providerOptions, ...own.providerOptions }
      : undefined;
  return { ...shared, ...own, ...(providerOptions ? { providerOptions } : {}) };
}
