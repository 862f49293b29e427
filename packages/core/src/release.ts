import {
  type AgentChanges,
  agentChangesSchema,
  agentIdSchema,
  parseInput,
  releaseOptionsSchema,
} from './changes.js';
import { type Clock, systemClock, throwIfAborted } from './clock.js';
import {
  AbortedError,
  ConflictError,
  isAgentReleaseError,
  LeaseLostError,
  ValidationError,
} from './errors.js';
import { createInProcessReleaseLock } from './in-process-release-lock.js';
import type { AgentReleaser, GateProgress, VersionInfo } from './port.js';
import type { ReleaseLease, ReleaseLock } from './release-lock.js';

/** The steps of a release, in order. */
export type ReleaseStepName = 'validate' | 'edit-draft' | 'publish' | 'activate' | 'confirm';

/** What happened in one step. */
export interface ReleaseStep {
  name: ReleaseStepName;
  status: 'ok' | 'skipped' | 'failed';
  /** ms since the epoch, from the release's clock. */
  startedAt: number;
  durationMs: number;
  /** One human line: `draft d1 forked`, `published v4 (not yet live)`, `skipped: activate:false`. */
  detail?: string | undefined;
}

/** Events sent to a {@link ReleaseObserver}, in order. */
export type ReleaseEvent =
  | { type: 'release-start'; provider: string; agentId: string; at: number }
  | { type: 'step-start'; provider: string; agentId: string; step: ReleaseStepName; at: number }
  | { type: 'step-end'; provider: string; agentId: string; step: ReleaseStep }
  | { type: 'gate-progress'; provider: string; agentId: string; progress: GateProgress }
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
  /**
   * Grants the lease per (provider, agent) that the release holds from after validation to its
   * end. Default: one in-process lock shared by every release of this process. Pass a durable
   * lock (e.g. from `@agent-release/ledger`) when several processes release the same agents.
   */
  lock?: ReleaseLock | undefined;
}

/** What a release did. */
export interface ReleaseResult {
  /** `released`: a new version was published. `unchanged`: nothing differed; no version was created. */
  status: 'released' | 'unchanged';
  provider: string;
  agentId: string;
  /** The new version (with `isActive` as confirmed at the end), when one was published. */
  version?: VersionInfo | undefined;
  /** Why nothing was published, when `unchanged`. */
  unchangedReason?: 'no-changes' | 'already-published' | undefined;
  steps: ReleaseStep[];
  durationMs: number;
}

// One process-wide lock: two releases of one agent interleaving would fork from the same base
// and the second publish would silently drop the first one's change.
const defaultReleaseLock: ReleaseLock = createInProcessReleaseLock();

/**
 * Releases `changes` to an agent: validate → edit draft → publish → activate (when publishing did
 * not make it live and `activate` is not `false`) → confirm the live version (where the provider
 * can tell).
 *
 * Input is validated before any request. The release then holds a lease on (provider, agentId)
 * from `options.lock` (default: in-process) until it ends, so releases of one agent run one after
 * another in arrival order; a caller that gives up waiting leaves the others' order intact.
 * Releasing the same changes twice returns `unchanged` the second time and creates no version.
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
  const clock = options.clock ?? systemClock;
  const { signal, observer } = options;
  const provider = releaser.provider;
  const steps: ReleaseStep[] = [];
  let lease: ReleaseLease | undefined;
  const releaseStart = clock.now();
  const emit = (event: ReleaseEvent) => {
    try {
      observer?.(event);
    } catch {
      // Observers are for reporting; a broken one must not fail or half-finish a release.
    }
  };
  emit({ type: 'release-start', provider, agentId, at: releaseStart });

  const step = async <T>(name: ReleaseStepName, run: () => Promise<T> | T, describe: (v: T) => string) => {
    const startedAt = clock.now();
    emit({ type: 'step-start', provider, agentId, step: name, at: startedAt });
    try {
      throwIfAborted(signal, 'The release');
      if (lease?.lost.aborted) {
        throw new LeaseLostError(
          `${provider}: the lease on agent ${agentId} was lost before the ${name} step, so another release may be running; this release stopped. Check the live version and release again.`,
          { provider, operation: name },
        );
      }
      const value = await run();
      const done: ReleaseStep = {
        name,
        status: 'ok',
        startedAt,
        durationMs: clock.now() - startedAt,
        detail: describe(value),
      };
      steps.push(done);
      emit({ type: 'step-end', provider, agentId, step: done });
      return value;
    } catch (error) {
      const failed: ReleaseStep = {
        name,
        status: 'failed',
        startedAt,
        durationMs: clock.now() - startedAt,
        detail: isAgentReleaseError(error) ? error.code : 'error',
      };
      steps.push(failed);
      emit({ type: 'step-end', provider, agentId, step: failed });
      throw error;
    }
  };
  const skip = (name: ReleaseStepName, detail: string) => {
    const skipped: ReleaseStep = { name, status: 'skipped', startedAt: clock.now(), durationMs: 0, detail };
    steps.push(skipped);
    emit({ type: 'step-end', provider, agentId, step: skipped });
  };

  try {
    await step(
      'validate',
      () => {
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
        if (options.lock !== undefined && typeof options.lock?.acquire !== 'function') {
          throw new ValidationError(
            'Invalid options: options.lock must be a ReleaseLock (an object with acquire())',
            {
              provider,
              issues: [{ path: 'options.lock', message: 'must be a ReleaseLock' }],
            },
          );
        }
        releaser.validate?.({
          agentId,
          changes: parsedChanges as AgentChanges,
          label: opts.label,
          description: opts.description,
          draftId: opts.draftId,
        });
      },
      () => 'input valid',
    );

    lease = await (options.lock ?? defaultReleaseLock).acquire({ provider, agentId }, { signal });
    const result = await (async () => {
      const draft = await step(
        'edit-draft',
        () => releaser.editDraft(agentId, changes, { draftId: options.draftId, signal }),
        (d) => `draft ${d.draftId}${d.baseVersionId ? ` from version ${d.baseVersionId}` : ''}`,
      );
      const outcome = await step(
        'publish',
        () =>
          releaser.publish(draft, {
            label: options.label,
            description: options.description,
            signal,
            maxWaitMs: options.maxWaitMs,
            onGateProgress: (progress) => emit({ type: 'gate-progress', provider, agentId, progress }),
          }),
        (o) =>
          o.status === 'unchanged'
            ? `unchanged (${o.reason ?? 'no-changes'})`
            : `published ${describeVersion(o.version)}${o.version.isActive ? ' (live)' : ' (not yet live)'}`,
      );
      if (outcome.status === 'unchanged') {
        skip('activate', 'nothing new to activate');
        skip('confirm', 'nothing new to confirm');
        return {
          status: 'unchanged',
          provider,
          agentId,
          unchangedReason: outcome.reason ?? 'no-changes',
        } as const;
      }

      let version = outcome.version;
      if (version.isActive) {
        skip('activate', 'live on publish');
      } else if (options.activate === false) {
        skip('activate', 'activate: false');
      } else {
        version = await step(
          'activate',
          () =>
            releaser.activate(agentId, version.id, {
              signal,
              maxWaitMs: options.maxWaitMs,
              onGateProgress: (progress) => emit({ type: 'gate-progress', provider, agentId, progress }),
            }),
          (v) => `activated ${describeVersion(v)}`,
        );
      }

      if (!releaser.capabilities.confirmsActiveVersion) {
        skip('confirm', `${provider} cannot report the live version id`);
      } else if (!version.isActive) {
        skip('confirm', 'not activated');
      } else {
        const published = version;
        version = await step(
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
      return { status: 'released', provider, agentId, version } as const;
    })();

    const final: ReleaseResult = { ...result, steps, durationMs: clock.now() - releaseStart };
    emit({ type: 'release-end', provider, agentId, result: final });
    return final;
  } catch (error) {
    const surfaced =
      !isAgentReleaseError(error) && signal?.aborted ? new AbortedError('The release was aborted') : error;
    emit({ type: 'release-error', provider, agentId, error: surfaced, steps });
    throw surfaced;
  } finally {
    await lease?.release().catch(() => undefined);
  }
}

function describeVersion(v: VersionInfo): string {
  return v.number !== undefined ? `v${v.number} (${v.id})` : v.id;
}
