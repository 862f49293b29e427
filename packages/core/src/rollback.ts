import { type AttemptContext, runAttempt } from './attempt.js';
import { agentIdSchema, parseInput, releaseOptionsSchema, versionIdSchema } from './changes.js';
import type { Clock } from './clock.js';
import { snapshotOfChanges, touchedSnapshot } from './config-snapshot.js';
import { ConflictError, UnsupportedOperationError, ValidationError } from './errors.js';
import type { ConfigSnapshot, ReleaseLedger } from './ledger.js';
import type { AgentReleaser, GateProgress, VersionInfo } from './port.js';
import { validateLockOption } from './release-lease.js';
import type { ReleaseLock } from './release-lock.js';
import { planRollback, type RollbackPlan, type RollbackTarget } from './rollback-target.js';
import type { StepEvent, StepRecord, StepRunner } from './step-runner.js';
import { settleUnvouched } from './unvouched.js';

export type { RollbackTarget } from './rollback-target.js';

/** The steps of a rollback, in order. */
export type RollbackStepName = 'validate' | 'resolve-target' | 'make-live' | 'confirm';

/** What happened in one step of a rollback. */
export type RollbackStep = StepRecord<RollbackStepName>;

/** Events sent to a {@link RollbackObserver}, in order. */
export type RollbackEvent =
  | { type: 'rollback-start'; provider: string; agentId: string; at: number }
  | StepEvent<RollbackStepName>
  | { type: 'gate-progress'; provider: string; agentId: string; progress: GateProgress }
  | { type: 'ledger-error'; provider: string; agentId: string; error: unknown }
  | { type: 'rollback-end'; provider: string; agentId: string; result: RollbackResult }
  | { type: 'rollback-error'; provider: string; agentId: string; error: unknown; steps: RollbackStep[] };

/** Receives rollback progress; a throwing observer never breaks a rollback. */
export type RollbackObserver = (event: RollbackEvent) => void;

/** Options of {@link rollback}. */
export interface RollbackOptions {
  /** Records the attempt; required on vendors that can only roll back by re-publishing. */
  ledger?: ReleaseLedger | undefined;
  /** The lease held for the whole rollback. Default: the process-wide in-process lock. */
  lock?: ReleaseLock | undefined;
  /** Who asked, for the ledger. */
  actor?: string | undefined;
  /** The tenant, for the ledger. */
  tenant?: string | undefined;
  /** Groups the attempt with the other attempts of one fleet rollout, for the ledger. */
  rolloutId?: string | undefined;
  /** Upper bound on waiting for a publish gate. */
  maxWaitMs?: number | undefined;
  signal?: AbortSignal | undefined;
  observer?: RollbackObserver | undefined;
  clock?: Clock | undefined;
}

type RollbackBase = Pick<RollbackResult, 'provider' | 'agentId' | 'fromVersionId' | 'targetVersionId'>;

/** What a rollback did. */
export interface RollbackResult {
  /** `rolled-back`: the target configuration is live now. `unchanged`: it already was; nothing was sent. */
  status: 'rolled-back' | 'unchanged';
  provider: string;
  agentId: string;
  /** The live version at the end (on a restore-style vendor, the new head holding the old configuration). */
  version: VersionInfo | undefined;
  /** The version the rollback went back to, when the vendor or the ledger names it. */
  targetVersionId: string | undefined;
  /** The version that was live before, when known. */
  fromVersionId: string | undefined;
  steps: RollbackStep[];
  durationMs: number;
}

/**
 * Makes an earlier configuration live again, the vendor's way: re-activate the older version
 * (explicit activation), restore it as a new head (restore-style vendors), or re-publish the
 * values the ledger recorded (vendors with no history). The twin of `release()`: validated before
 * any request, one per agent at a time under the release lease, confirmed where the vendor can
 * tell, recorded in the ledger.
 *
 * @throws ValidationError on bad input (nothing sent), UnsupportedOperationError when the vendor
 *   cannot go back without a ledger, NotFoundError when there is nothing earlier, ConflictError
 *   when another writer changed the live version meanwhile, AbortedError, and the provider's errors.
 */
export async function rollback(
  releaser: AgentReleaser,
  agentId: string,
  target: RollbackTarget,
  options: RollbackOptions = {},
): Promise<RollbackResult> {
  const provider = releaser.provider;
  const seen: SeenSoFar = { step: 'resolve-target' };
  return runAttempt<RollbackStepName, RollbackAnswer>({
    kind: 'rollback',
    releaser,
    agentId,
    options,
    validate: () => validateRollback(releaser, agentId, target, options),
    steps: (ctx) => rollbackSteps(releaser, agentId, target, options, ctx, seen),
    unvouched: async ({ fence }) => {
      const { plan, base, step, ownVersion } = seen;
      const changes = plan?.kind === 'republish' ? plan.changes : undefined;
      const version = await settleUnvouched({
        releaser,
        agentId,
        fence,
        step,
        ownVersion,
        changes,
        signal: options.signal,
      });
      return {
        provider,
        agentId,
        fromVersionId: undefined,
        targetVersionId: undefined,
        ...base,
        status: 'rolled-back',
        version,
      };
    },
    recorded: (r) => ({ outcome: r.status, versionAfter: r.version?.id, snapshotAfter: seen.snapshotAfter }),
  });
}

/** A rollback's answer before the frame adds its steps and duration. */
type RollbackAnswer = Omit<RollbackResult, 'steps' | 'durationMs'>;

/** What a rollback learned so far, for its ledger entry and an answer after its lease ran out. */
interface SeenSoFar {
  step: RollbackStepName;
  ownVersion?: VersionInfo | undefined;
  base?: RollbackBase | undefined;
  plan?: RollbackPlan | undefined;
  /** The configuration the rollback left live, when only the end can tell. */
  snapshotAfter?: ConfigSnapshot | undefined;
}

/** resolve-target → make-live → confirm, under a held lease. */
async function rollbackSteps(
  releaser: AgentReleaser,
  agentId: string,
  target: RollbackTarget,
  options: RollbackOptions,
  ctx: AttemptContext<RollbackStepName>,
  seen: SeenSoFar,
): Promise<RollbackAnswer> {
  const { runner, recorder, signal, onGateProgress } = ctx;
  const provider = releaser.provider;
  const live = releaser.capabilities.confirmsActiveVersion
    ? await releaser.getActiveVersion(agentId, { signal })
    : null;
  const plan = await runner.run(
    'resolve-target',
    () => planRollback(releaser, agentId, target, live, options.ledger, signal),
    describePlan,
  );
  const base = { provider, agentId, fromVersionId: live?.id, targetVersionId: plan.versionId };
  Object.assign(seen, { plan, base, step: 'make-live' });
  if (plan.kind === 'already-live') {
    runner.skip('make-live', `version ${plan.versionId} is live already`);
    runner.skip('confirm', 'nothing changed');
    await recorder.begin({ versionBefore: live?.id });
    return { ...base, status: 'unchanged', version: live ?? undefined };
  }
  await recorder.begin({
    versionBefore: live?.id,
    ...(await snapshots(releaser, agentId, plan, recorder.enabled, signal)),
  });
  const made = await runner.run(
    'make-live',
    () => makeLive(releaser, agentId, plan, { signal, maxWaitMs: options.maxWaitMs, onGateProgress }),
    (v) => (v ? `live: ${v.id}` : 'unchanged: the values are live already'),
  );
  if (!made) {
    runner.skip('confirm', 'nothing changed');
    return { ...base, status: 'unchanged', version: live ?? undefined };
  }
  Object.assign(seen, { ownVersion: made, step: 'confirm' });
  const version = await confirm(releaser, agentId, made, runner, signal);
  // Going back to an older version, only the end can say what is live now: read it for the
  // ledger (a re-publish recorded its values at the start). A failed read costs the history
  // that snapshot, not the rollback.
  if (plan.kind === 'activate' && recorder.enabled && releaser.readConfig) {
    seen.snapshotAfter = await releaser.readConfig(agentId, { signal }).catch(() => undefined);
  }
  return { ...base, status: 'rolled-back', version };
}

function validateRollback(
  releaser: AgentReleaser,
  agentId: string,
  target: RollbackTarget,
  options: RollbackOptions,
): void {
  const provider = releaser.provider;
  parseInput(agentIdSchema, agentId, 'agentId', provider);
  if (typeof target !== 'object' || target === null || typeof target.to !== 'string') {
    throw new ValidationError("Invalid target: pass { to: versionId } or { to: 'previous' }.", {
      provider,
      issues: [{ path: 'target.to', message: "must be a version id or 'previous'" }],
    });
  }
  if (target.to !== 'previous') {
    parseInput(versionIdSchema, target.to, 'target.to', provider);
    releaser.validateVersionId?.(target.to, 'target.to');
  }
  validateLockOption(options.lock, provider);
  if (releaser.capabilities.rollback === 'none' && !options.ledger) {
    throw new UnsupportedOperationError(
      `${provider} keeps no version history, so a rollback re-publishes what a ledger recorded; pass options.ledger (the ledger your releases were recorded in).`,
      { provider, operation: 'rollback' },
    );
  }
  parseInput(
    releaseOptionsSchema.pick({ maxWaitMs: true }),
    { maxWaitMs: options.maxWaitMs },
    'options',
    provider,
  );
}

/** Before/after snapshots for the ledger; read only when there is a ledger to write them to. */
async function snapshots(
  releaser: AgentReleaser,
  agentId: string,
  plan: Exclude<RollbackPlan, { kind: 'already-live' }>,
  wanted: boolean,
  signal: AbortSignal | undefined,
): Promise<{ snapshotBefore?: ConfigSnapshot; snapshotAfter?: ConfigSnapshot }> {
  if (!wanted || !releaser.readConfig)
    return plan.kind === 'republish' ? { snapshotAfter: plan.restore } : {};
  const current = await releaser.readConfig(agentId, { signal });
  if (plan.kind === 'republish') {
    return {
      snapshotBefore: touchedSnapshot(current, plan.changes),
      snapshotAfter: snapshotOfChanges(plan.changes),
    };
  }
  return { snapshotBefore: current };
}

async function makeLive(
  releaser: AgentReleaser,
  agentId: string,
  plan: Exclude<RollbackPlan, { kind: 'already-live' }>,
  opts: {
    signal: AbortSignal | undefined;
    maxWaitMs: number | undefined;
    onGateProgress: (p: GateProgress) => void;
  },
): Promise<VersionInfo | undefined> {
  if (plan.kind === 'activate') return releaser.activate(agentId, plan.versionId, opts);
  const draft = await releaser.editDraft(agentId, plan.changes, { signal: opts.signal });
  const published = await releaser.publish(draft, { ...opts, label: 'rollback' });
  if (published.status === 'unchanged') return undefined;
  if (published.version.isActive || releaser.capabilities.activation === 'on-publish')
    return published.version;
  return releaser.activate(agentId, published.version.id, opts);
}

async function confirm(
  releaser: AgentReleaser,
  agentId: string,
  made: VersionInfo,
  runner: StepRunner<RollbackStepName>,
  signal: AbortSignal | undefined,
): Promise<VersionInfo> {
  if (!releaser.capabilities.confirmsActiveVersion) {
    runner.skip('confirm', `${releaser.provider} cannot report the live version id`);
    return made;
  }
  return runner.run(
    'confirm',
    async () => {
      const live = await releaser.getActiveVersion(agentId, { signal });
      if (!live || live.id !== made.id) {
        throw new ConflictError(
          `Version ${made.id} was made live but ${live ? `version ${live.id}` : 'no version'} is live now; another writer changed the agent meanwhile. Check what is live before rolling back again.`,
          {
            provider: releaser.provider,
            operation: 'rollback',
            details: { madeLive: made.id, liveNow: live?.id },
          },
        );
      }
      return { ...made, ...live };
    },
    (v) => `live version is ${v.id}`,
  );
}

function describePlan(plan: RollbackPlan): string {
  switch (plan.kind) {
    case 'already-live':
      return `version ${plan.versionId} is live already`;
    case 'activate':
      return `make version ${plan.versionId} live (from ${plan.source})`;
    case 'republish':
      return `re-publish the values recorded before ${plan.versionId ?? 'the last release'}`;
  }
}
