import { type AttemptContext, runAttempt } from './attempt.js';
import {
  type AgentChanges,
  agentChangesSchema,
  agentIdSchema,
  parseInput,
  releaseOptionsSchema,
} from './changes.js';
import type { Clock } from './clock.js';
import { snapshotOfChanges, touchedSnapshot } from './config-snapshot.js';
import { ConflictError } from './errors.js';
import type { LeaseFence } from './lease-fence.js';
import type { ReleaseLedger } from './ledger.js';
import type { AgentReleaser, DraftRef, GateProgress, VersionInfo } from './port.js';
import { validateLockOption } from './release-lease.js';
import type { ReleaseLock } from './release-lock.js';
import type { StepEvent, StepRecord, StepRunner } from './step-runner.js';
import { settleUnvouched } from './unvouched.js';

/** The steps of a release, in order. */
export type ReleaseStepName =
  | 'validate'
  | 'edit-draft'
  | 'publish'
  | 'activate'
  | 'confirm'
  | 'discard-draft';

/** What happened in one step. */
export type ReleaseStep = StepRecord<ReleaseStepName>;

/** Events sent to a {@link ReleaseObserver}, in order. */
export type ReleaseEvent =
  | { type: 'release-start'; provider: string; agentId: string; at: number }
  | StepEvent<ReleaseStepName>
  | { type: 'gate-progress'; provider: string; agentId: string; progress: GateProgress }
  | { type: 'ledger-error'; provider: string; agentId: string; error: unknown }
  | { type: 'release-end'; provider: string; agentId: string; result: ReleaseResult }
  | { type: 'release-error'; provider: string; agentId: string; error: unknown; steps: ReleaseStep[] };

/**
 * Receives progress for logs, progress bars and metrics. Called synchronously; a throwing
 * observer never breaks a release (its error is ignored).
 */
export type ReleaseObserver = (event: ReleaseEvent) => void;

/** Options of {@link release}. */
export interface ReleaseOptions {
  /** Version label (provider limits apply). */
  label?: string | undefined;
  /** Version description (provider limits apply, e.g. Langdock ≤ 100 chars). */
  description?: string | undefined;
  /** Make the new version live when publishing did not. Default `true`. */
  activate?: boolean | undefined;
  /** Edit this existing draft instead of forking a new one. */
  draftId?: string | undefined;
  /**
   * Upper bound on each wait for a publish gate (security check or scan), in publish and in
   * activate. A wait still running at the bound is cut and reported as a timeout.
   */
  maxWaitMs?: number | undefined;
  signal?: AbortSignal | undefined;
  observer?: ReleaseObserver | undefined;
  clock?: Clock | undefined;
  /** Records the attempt (before/after version and snapshots, actor, outcome, steps). */
  ledger?: ReleaseLedger | undefined;
  /**
   * Grants the lease per (provider, agent) that the release holds from after validation to its
   * end. Default: one in-process lock shared by every release and rollback of this process. Pass
   * a durable lock (from `@agent-release/ledger`) when several processes release the same agents.
   */
  lock?: ReleaseLock | undefined;
  /** Who asked, for the ledger. */
  actor?: string | undefined;
  /** The tenant, for the ledger. */
  tenant?: string | undefined;
  /** Groups the attempt with the other releases of one fleet rollout, for the ledger. */
  rolloutId?: string | undefined;
}

/** What a release did. */
export interface ReleaseResult {
  /** `released`: a new version was published. `unchanged`: nothing differed; no version was created. */
  status: 'released' | 'unchanged';
  provider: string;
  agentId: string;
  /** The new version (with `isActive` as confirmed at the end), when one was published. */
  version?: VersionInfo | undefined;
  /**
   * True when a vendor answer was lost and the release learned by reading the vendor back that
   * its own publish took effect: `released` is still true, but it was reconciled, not seen.
   */
  reconciled?: boolean | undefined;
  /** Why nothing was published, when `unchanged`. */
  unchangedReason?: 'no-changes' | undefined;
  /**
   * What the release could not check, as the adapter told it (e.g. Langdock: its update answer did
   * not show the shared draft, so edits to fields it does not manage were not compared). Absent
   * when everything was checked.
   */
  caveats?: readonly string[] | undefined;
  steps: ReleaseStep[];
  durationMs: number;
}

/**
 * Releases `changes` to an agent: validate → edit draft → publish → activate (when publishing did
 * not make it live and `activate` is not `false`) → confirm the live version (where the provider
 * can tell).
 *
 * Input is validated before any request. The release then holds a lease on (provider, agentId)
 * from `options.lock` (default: in-process) until it ends, so releases of one agent run one after
 * another in arrival order; a caller that gives up waiting leaves the others' order intact.
 * Releasing the same changes twice returns `unchanged` the second time and creates no version.
 * With `options.ledger`, the attempt is recorded whatever its outcome.
 *
 * @throws ValidationError on bad input (nothing sent), AbortedError when `signal` fires (also while
 *   waiting for the lease), LeaseLostError when the lease was lost mid-run (the release stops
 *   before its next step), and the provider's typed errors otherwise.
 */
export async function release(
  releaser: AgentReleaser,
  agentId: string,
  changes: AgentChanges,
  options: ReleaseOptions = {},
): Promise<ReleaseResult> {
  const provider = releaser.provider;
  const seen: SeenSoFar = { step: 'edit-draft', ownVersion: undefined };
  return runAttempt<ReleaseStepName, ReleaseAnswer>({
    kind: 'release',
    releaser,
    agentId,
    options,
    label: options.label,
    validate: () => validateRelease(releaser, agentId, changes, options),
    // One release per agent at a time: two interleaving would fork from the same base and the
    // second publish would silently drop the first one's change.
    steps: (ctx) => releaseSteps(releaser, agentId, changes, options, ctx, seen),
    unvouched: async ({ fence }) => {
      const version = await settleUnvouched({
        releaser,
        agentId,
        fence,
        changes,
        signal: options.signal,
        ...seen,
      });
      return { status: 'released', provider, agentId, version, reconciled: true };
    },
    recorded: (r, { recorder }) => ({
      outcome: r.status,
      versionAfter:
        r.status === 'released' && r.version?.isActive ? r.version.id : recorder.entry?.versionBefore,
    }),
  });
}

/** A release's answer before the frame adds its steps and duration. */
type ReleaseAnswer = Omit<ReleaseResult, 'steps' | 'durationMs'>;

/** What a release learned so far, for an answer after its lease ran out. */
interface SeenSoFar {
  step: ReleaseStepName;
  /** The version the release saw its own publish create (not one it reconciled). */
  ownVersion: VersionInfo | undefined;
}

/** edit-draft → publish → activate → confirm, under a held lease. */
async function releaseSteps(
  releaser: AgentReleaser,
  agentId: string,
  changes: AgentChanges,
  options: ReleaseOptions,
  ctx: AttemptContext<ReleaseStepName>,
  seen: SeenSoFar,
): Promise<ReleaseAnswer> {
  const { runner, recorder, signal, onGateProgress } = ctx;
  const provider = releaser.provider;
  if (recorder.enabled) await recorder.begin(await beforeFacts(releaser, agentId, changes, signal));
  const draft = await runner.run(
    'edit-draft',
    () => releaser.editDraft(agentId, changes, { draftId: options.draftId, signal }),
    (d) => `draft ${d.draftId}${d.baseVersionId ? ` from version ${d.baseVersionId}` : ''}`,
  );
  const caveats = draft.caveats?.length ? { caveats: [...draft.caveats] } : {};
  let publishStarted = false;
  const outcome = await runner
    .run(
      'publish',
      () => {
        publishStarted = true;
        seen.step = 'publish';
        return releaser.publish(draft, {
          label: options.label,
          description: options.description,
          signal,
          maxWaitMs: options.maxWaitMs,
          onGateProgress,
        });
      },
      (o) =>
        o.status === 'unchanged'
          ? `unchanged (${o.reason ?? 'no-changes'})`
          : `published ${describeVersion(o.version)}${o.version.isActive ? ' (live)' : ' (not yet live)'}`,
    )
    .catch(async (error: unknown) => {
      // Stopped before publish even started (abort, lost lease): take our edits back out of
      // the draft, so a shared draft does not keep edits of a release that says it failed.
      if (!publishStarted) await discardDraft(releaser, draft, runner, ctx.fence);
      throw error;
    });
  if (outcome.status === 'unchanged') {
    runner.skip('activate', 'nothing new to activate');
    runner.skip('confirm', 'nothing new to confirm');
    return {
      status: 'unchanged',
      provider,
      agentId,
      unchangedReason: outcome.reason ?? 'no-changes',
      ...caveats,
    };
  }
  if (!outcome.reconciled) seen.ownVersion = outcome.version;

  let version = outcome.version;
  if (version.isActive) {
    runner.skip('activate', 'live on publish');
  } else if (options.activate === false) {
    runner.skip('activate', 'activate: false');
  } else {
    seen.step = 'activate';
    version = await runner.run(
      'activate',
      () => releaser.activate(agentId, version.id, { signal, maxWaitMs: options.maxWaitMs, onGateProgress }),
      (v) => `activated ${describeVersion(v)}`,
    );
  }

  if (!releaser.capabilities.confirmsActiveVersion) {
    runner.skip('confirm', `${provider} cannot report the live version id`);
  } else if (!version.isActive) {
    runner.skip('confirm', 'not activated');
  } else {
    const published = version;
    seen.step = 'confirm';
    version = await runner.run(
      'confirm',
      async () => {
        const live = await releaser.getActiveVersion(agentId, { signal });
        if (!live || live.id !== published.id) {
          throw new ConflictError(
            `${provider}: version ${published.id} was activated but ${live ? `version ${live.id}` : 'no version'} is live now; another writer changed the agent meanwhile`,
            { provider, operation: 'confirm' },
          );
        }
        return { ...published, ...live };
      },
      (v) => `live version is ${describeVersion(v)}`,
    );
  }
  return {
    status: 'released',
    provider,
    agentId,
    version,
    ...(outcome.reconciled ? { reconciled: true } : {}),
    ...caveats,
  };
}

async function discardDraft(
  releaser: AgentReleaser,
  draft: DraftRef,
  runner: StepRunner<ReleaseStepName>,
  fence: LeaseFence,
): Promise<void> {
  if (!releaser.discardDraft) return;
  // Without the lease a clean-up is a write like any other: it could undo the next holder's work.
  if (!fence.holds()) {
    runner.skip('discard-draft', 'lease lost: nothing more is written');
    return;
  }
  // Runs after an abort or a lost lease on purpose: it undoes, it does not go on.
  const guard = runner.guard;
  runner.guard = undefined;
  await runner
    .run(
      'discard-draft',
      () => releaser.discardDraft?.(draft),
      () => `edits in draft ${draft.draftId} taken back`,
      {
        ignoreAbort: true,
      },
    )
    .catch(() => undefined);
  runner.guard = guard;
}

function validateRelease(
  releaser: AgentReleaser,
  agentId: string,
  changes: AgentChanges,
  options: ReleaseOptions,
): void {
  const provider = releaser.provider;
  parseInput(agentIdSchema, agentId, 'agentId', provider);
  const parsedChanges = parseInput(agentChangesSchema, changes, 'changes', provider);
  const opts = parseInput(
    releaseOptionsSchema,
    {
      label: options.label,
      description: options.description,
      activate: options.activate,
      draftId: options.draftId,
      maxWaitMs: options.maxWaitMs,
    },
    'options',
    provider,
  );
  validateLockOption(options.lock, provider);
  releaser.validate?.({
    agentId,
    changes: parsedChanges as AgentChanges,
    label: opts.label,
    description: opts.description,
    draftId: opts.draftId,
  });
}

/** What the ledger records as the starting point: the live version and the touched fields' values. */
async function beforeFacts(
  releaser: AgentReleaser,
  agentId: string,
  changes: AgentChanges,
  signal: AbortSignal | undefined,
) {
  const live = releaser.capabilities.confirmsActiveVersion
    ? await releaser.getActiveVersion(agentId, { signal })
    : null;
  const current = releaser.readConfig ? await releaser.readConfig(agentId, { signal }) : undefined;
  return {
    versionBefore: live?.id,
    snapshotBefore: current ? touchedSnapshot(current, changes) : undefined,
    snapshotAfter: snapshotOfChanges(changes),
  };
}

function describeVersion(v: VersionInfo): string {
  return v.number !== undefined ? `v${v.number} (${v.id})` : v.id;
}
