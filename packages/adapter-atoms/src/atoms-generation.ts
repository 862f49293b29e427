/**
 * `apiGeneration: 'auto'`: which Atoms API generation each agent speaks, found out on the way.
 *
 * Atoms switches accounts to the v2 branch model server-side; from then on the v1 writes and
 * list reads answer `409 versioning_v2_migration_required` (mapped to `MigrationRequiredError`).
 * The router starts every agent on v1 and, when a v1 call gets that answer, re-does that same
 * call as its v2 equivalent and remembers the agent as v2 (a bounded per-agent memory), so a
 * release that meets the migration completes on v2 without the caller doing anything:
 *
 * - editDraft: the refused fork / config PATCH becomes a `PUT` of the branch draft;
 * - publish of a v1 draft: the v1 draft belongs to no branch after the migration, so the edit
 *   that made it is re-applied to the branch draft (remembered per `DraftRef`) and published;
 * - activate / getActiveVersion / listVersions: the v2 call.
 *
 * Nothing is lost by the v1 attempt: Atoms refuses before applying anything. A v1 draft forked
 * before the migration stays behind as an orphan (v1 discards answer 409 too).
 */
import {
  ConflictError,
  type DraftRef,
  isAgentReleaseError,
  type Logger,
  type PublishOutcome,
  type VersionInfo,
} from '@agent-release/core';
import { BoundedMap } from '@agent-release/core/provider';
import { isErrorCode } from './atoms-errors.js';
import { ATOMS_PROVIDER, atomsObjectIdSchema } from './atoms-ids.js';
import type { AtomsChangeSet } from './atoms-mapping.js';
import type {
  AtomsActivateOptions,
  AtomsApiGeneration,
  AtomsDraftTarget,
  AtomsLifecycleStrategy,
  AtomsVersionPage,
} from './atoms-strategy.js';
import { NOT_ON_BRANCH_MODEL } from './atoms-v2-strategy.js';

/** How many agents the router remembers as being on v2 before it forgets the least recent. */
export const AGENT_GENERATION_MEMORY = 10_000;

/** What the router needs: one strategy per generation. */
export interface AtomsGenerationRouterDeps {
  v1: AtomsLifecycleStrategy;
  v2: AtomsLifecycleStrategy;
  logger: Logger;
  /** Default {@link AGENT_GENERATION_MEMORY}. */
  memory?: number | undefined;
}

function isNotOnBranchModel(error: unknown): boolean {
  return (
    isAgentReleaseError(error) && error.code === 'CONFLICT' && error.details?.reason === NOT_ON_BRANCH_MODEL
  );
}

/** The v2 `AtomsDraftTarget` of a `DraftRef` the v2 strategy just returned (its meta is ours). */
function targetOf(ref: DraftRef): AtomsDraftTarget {
  const meta = ref.meta ?? {};
  return {
    agentId: ref.agentId,
    draftId: ref.draftId,
    baseVersionId: ref.baseVersionId,
    generation: 'v2',
    branchId: typeof meta.branchId === 'string' ? meta.branchId : undefined,
    edited: typeof meta.edited === 'boolean' ? meta.edited : undefined,
    ref,
  };
}

/** {@link AtomsLifecycleStrategy} for `apiGeneration: 'auto'`: v1 until an agent's 409 says v2. */
export class AtomsGenerationRouter implements AtomsLifecycleStrategy {
  readonly generation = 'auto' as const;
  readonly #v1: AtomsLifecycleStrategy;
  readonly #v2: AtomsLifecycleStrategy;
  readonly #logger: Logger;
  /** Agents known to be on v2. Forgetting one only costs one refused v1 call later. */
  readonly #onV2: BoundedMap<string, true>;
  /** What each `DraftRef` was edited with, to re-apply it on v2 if its v1 draft cannot be published. */
  readonly #edits = new WeakMap<DraftRef, AtomsChangeSet>();
  #anyOnV2 = false;

  constructor(deps: AtomsGenerationRouterDeps) {
    this.#v1 = deps.v1;
    this.#v2 = deps.v2;
    this.#logger = deps.logger;
    this.#onV2 = new BoundedMap(deps.memory ?? AGENT_GENERATION_MEMORY);
  }

  /** `v2` once any agent was found on v2 (Atoms migrates whole accounts), else `v1`. */
  get currentGeneration(): AtomsApiGeneration {
    return this.#anyOnV2 ? 'v2' : 'v1';
  }

  generationOf(agentId: string): AtomsApiGeneration {
    return this.#onV2.has(agentId) ? 'v2' : 'v1';
  }

  #switchToV2(agentId: string, operation: string): void {
    this.#onV2.set(agentId, true);
    this.#anyOnV2 = true;
    this.#logger.info('atoms agent is on versioning v2 (branches); switching it to the v2 API', {
      provider: ATOMS_PROVIDER,
      agentId,
      operation,
    });
  }

  /**
   * After a v1 migration refusal: switches the agent and runs `v2`. Should the agent have no
   * branches after all (Atoms refused v1 yet offers no v2), neither API can serve it: the
   * switch is undone and the original refusal (`MigrationRequiredError`) surfaces.
   */
  async #afterRefusal<T>(
    agentId: string,
    operation: string,
    refusal: unknown,
    v2: () => Promise<T>,
  ): Promise<T> {
    const anyBefore = this.#anyOnV2;
    this.#switchToV2(agentId, operation);
    try {
      return await v2();
    } catch (error) {
      if (!isNotOnBranchModel(error)) throw error;
      this.#onV2.delete(agentId);
      this.#anyOnV2 = anyBefore;
      throw refusal;
    }
  }

  /**
   * Runs `v1` or `v2` by what is known of the agent. A v1 migration refusal switches the agent
   * and runs `v2` once; a remembered v2 agent without branches (rolled back, or a stale memory)
   * falls back to v1 once.
   */
  async #route<T>(
    agentId: string,
    operation: string,
    v1: () => Promise<T>,
    v2: () => Promise<T>,
  ): Promise<T> {
    if (this.generationOf(agentId) === 'v2') {
      try {
        return await v2();
      } catch (error) {
        if (!isNotOnBranchModel(error)) throw error;
        this.#onV2.delete(agentId);
        this.#logger.warn('atoms agent has no branches any more; back to the v1 API', {
          provider: ATOMS_PROVIDER,
          agentId,
          operation,
        });
        return v1();
      }
    }
    try {
      return await v1();
    } catch (error) {
      if (!isErrorCode(error, 'MIGRATION_REQUIRED')) throw error;
      return this.#afterRefusal(agentId, operation, error, v2);
    }
  }

  async editDraft(
    agentId: string,
    changes: AtomsChangeSet,
    opts: { draftId?: string | undefined; signal?: AbortSignal | undefined },
  ): Promise<DraftRef> {
    const ref = await this.#route(
      agentId,
      'editDraft',
      async () => {
        try {
          return await this.#v1.editDraft(agentId, changes, opts);
        } catch (error) {
          // A v2 branch id named as `draftId` is no v1 draft (404): if the agent has that branch,
          // it is on v2 already.
          if (!this.#mayNameBranch(opts.draftId, error)) throw error;
          try {
            const viaV2 = await this.#v2.editDraft(agentId, changes, opts);
            this.#switchToV2(agentId, 'editDraft');
            return viaV2;
          } catch (probe) {
            if (isNotOnBranchModel(probe) || isErrorCode(probe, 'NOT_FOUND')) throw error;
            throw probe;
          }
        }
      },
      () => this.#v2.editDraft(agentId, changes, opts),
    );
    // Only a v1 draft may need its edit re-applied (if the agent migrates before the publish).
    if (ref.meta?.apiGeneration === 'v1') this.#edits.set(ref, changes);
    return ref;
  }

  #mayNameBranch(draftId: string | undefined, error: unknown): boolean {
    return (
      draftId !== undefined &&
      atomsObjectIdSchema.safeParse(draftId).success &&
      isErrorCode(error, 'NOT_FOUND')
    );
  }

  async publish(
    draft: AtomsDraftTarget,
    body: { label?: string; description?: string },
    signal: AbortSignal | undefined,
  ): Promise<PublishOutcome> {
    const generation = draft.generation ?? this.generationOf(draft.agentId);
    if (generation === 'v2') return this.#v2.publish(draft, body, signal);
    try {
      return await this.#v1.publish(draft, body, signal);
    } catch (error) {
      if (!isErrorCode(error, 'MIGRATION_REQUIRED')) throw error;
      return this.#afterRefusal(draft.agentId, 'publish', error, () =>
        this.#republishOnV2(draft, body, error, signal),
      );
    }
  }

  /** The v2 equivalent of publishing a v1 draft: re-apply its edit to the branch draft, publish that. */
  async #republishOnV2(
    draft: AtomsDraftTarget,
    body: { label?: string; description?: string },
    error: unknown,
    signal: AbortSignal | undefined,
  ): Promise<PublishOutcome> {
    const changes = draft.ref ? this.#edits.get(draft.ref) : undefined;
    if (changes === undefined) {
      throw new ConflictError(
        `${ATOMS_PROVIDER} publish: agent ${draft.agentId} moved to Atoms versioning v2 (branches) after draft ${draft.draftId} was made; a v1 draft cannot be published any more. Nothing was released; edit again (calling release again does, now on v2).`,
        {
          provider: ATOMS_PROVIDER,
          operation: 'publish',
          retryable: true,
          cause: error,
          details: { agentId: draft.agentId, draftId: draft.draftId },
        },
      );
    }
    this.#logger.warn(
      'atoms agent moved to versioning v2 mid-release; re-applying the edit to its branch draft',
      {
        provider: ATOMS_PROVIDER,
        agentId: draft.agentId,
        v1DraftId: draft.draftId,
      },
    );
    // The v1 draft (possibly one named by `draftId`) belongs to no branch: the edit goes to the
    // default (live) branch's draft. A caller's `expectedRevision` referred to the v1 draft, so
    // the v2 edit is based on what the branch draft is now instead.
    const { expectedRevision: _v1Revision, ...v2Changes } = changes;
    const ref = await this.#v2.editDraft(draft.agentId, v2Changes, { signal });
    return this.#v2.publish(targetOf(ref), body, signal);
  }

  activate(agentId: string, versionId: string, opts: AtomsActivateOptions): Promise<VersionInfo> {
    return this.#route(
      agentId,
      'activate',
      () => this.#v1.activate(agentId, versionId, opts),
      () => this.#v2.activate(agentId, versionId, opts),
    );
  }

  getActiveVersion(agentId: string, signal: AbortSignal | undefined): Promise<VersionInfo | null> {
    return this.#route(
      agentId,
      'getActiveVersion',
      () => this.#v1.getActiveVersion(agentId, signal),
      () => this.#v2.getActiveVersion(agentId, signal),
    );
  }

  listVersions(
    agentId: string,
    page: { limit: number; skip: number },
    signal: AbortSignal | undefined,
  ): Promise<AtomsVersionPage> {
    return this.#route(
      agentId,
      'listVersions',
      () => this.#v1.listVersions(agentId, page, signal),
      () => this.#v2.listVersions(agentId, page, signal),
    );
  }
}
