/**
 * `apiGeneration: 'auto'`: a decorator over the v1 and v2 releasers that picks one per agent.
 *
 * Atoms switches accounts to the v2 branch model server-side; from then on the v1 writes and
 * list reads answer `409 versioning_v2_migration_required` (`MigrationRequiredError`). Every
 * agent starts on v1; when a v1 call gets that answer, the same call is re-done on v2 and the
 * agent is remembered as v2 (bounded memory), so a release that meets the migration completes
 * without the caller doing anything. A v1 draft made before the migration belongs to no branch:
 * its edit is re-applied to the branch draft and published there. Atoms refuses before applying
 * anything, so nothing is lost by the v1 attempt.
 */
import {
  type ActivateOptions,
  type AgentChanges,
  type AgentReleaser,
  type ConfigSnapshot,
  ConflictError,
  type DraftRef,
  type EditDraftOptions,
  type GetActiveVersionOptions,
  type Logger,
  type PublishOptions,
  type PublishOutcome,
  type ReadConfigOptions,
  type ReleaseInput,
  type ReleaserCapabilities,
  type VersionInfo,
} from '@agent-release/core';
import { BoundedMap } from '@agent-release/core/provider';
import { isErrorCode } from './shared/errors.js';
import { ATOMS_PROVIDER, atomsObjectIdSchema, parseAgentId, parseVersionId } from './shared/ids.js';
import { type AtomsListVersionsOptions, validateRelease } from './shared/input.js';
import type { AtomsApiGeneration } from './shared/options.js';
import type { AtomsV1Releaser } from './v1/releaser.js';
import type { AtomsV2Releaser } from './v2/releaser.js';
import { isNotOnBranchModel } from './v2/requests.js';

/** How many agents the decorator remembers as being on v2 before it forgets the least recent. */
export const AGENT_GENERATION_MEMORY = 10_000;

/**
 * What an `auto` releaser promises for every agent, whichever generation serves it. v2 (the main
 * path since 2026-07) sets the model: publishing makes the change live, after a security check;
 * for an agent still on v1 `publish` therefore waits for the version's check and activates it
 * (within `PublishOptions.maxWaitMs`, reporting through `onGateProgress`). Many drafts (v1 drafts,
 * v2 one per branch), full history, and rollback through `activate`, which may answer with a new
 * version id (v2 restores an old revision as a new head; v1 re-points, keeping the id).
 */
export const ATOMS_AUTO_CAPABILITIES: ReleaserCapabilities = Object.freeze({
  activation: 'on-publish',
  publishGate: 'security-check',
  drafts: 'many',
  versionHistory: true,
  rollback: 'republish',
  confirmsActiveVersion: true,
});

/** The `auto` releaser: v1 until an agent's 409 says v2. */
export class AtomsAutoReleaser implements AgentReleaser {
  readonly provider = ATOMS_PROVIDER;
  readonly capabilities = ATOMS_AUTO_CAPABILITIES;
  /** `'auto'`: see {@link AtomsAutoReleaser.generationOf} for the generation of one agent. */
  readonly apiGeneration = 'auto' as const;
  readonly #v1: AtomsV1Releaser;
  readonly #v2: AtomsV2Releaser;
  readonly #logger: Logger;
  /** Agents known to be on v2. Forgetting one only costs one refused v1 call later. */
  readonly #onV2: BoundedMap<string, true>;
  /** What each v1 `DraftRef` was edited with, to re-apply it on v2 if the agent migrates. */
  readonly #edits = new WeakMap<DraftRef, AgentChanges>();
  /**
   * Per agent, the v1 version the last `publish` made live, so the port's "activate what publish
   * made live" needs no request. Good for that one call only: any other call for the agent
   * forgets it, so a later activate always asks Atoms.
   */
  readonly #justLive: BoundedMap<string, VersionInfo>;

  constructor(deps: {
    v1: AtomsV1Releaser;
    v2: AtomsV2Releaser;
    logger: Logger;
    memory?: number | undefined;
  }) {
    this.#v1 = deps.v1;
    this.#v2 = deps.v2;
    this.#logger = deps.logger;
    this.#onV2 = new BoundedMap(deps.memory ?? AGENT_GENERATION_MEMORY);
    this.#justLive = new BoundedMap(deps.memory ?? AGENT_GENERATION_MEMORY);
  }

  /** The generation the next call for this agent uses. Sends nothing. */
  generationOf(agentId: string): AtomsApiGeneration {
    return this.#onV2.has(parseAgentId(agentId)) ? 'v2' : 'v1';
  }

  validate(input: ReleaseInput): void {
    // v2 is the main path; an agent still on v1 is checked by the v1 rules before its first request.
    validateRelease(input, 'v2');
  }

  /** Atoms version ids are ObjectIds on every generation; see {@link parseVersionId}. */
  validateVersionId(versionId: string, what = 'versionId'): void {
    parseVersionId(versionId, what);
  }

  async editDraft(agentId: string, changes: AgentChanges, opts: EditDraftOptions = {}): Promise<DraftRef> {
    this.#forget(agentId);
    const ref = await this.#route(
      agentId,
      'editDraft',
      async () => {
        try {
          return await this.#v1.editDraft(agentId, changes, opts);
        } catch (error) {
          // A v2 branch id named as `draftId` is no v1 draft (404): if the agent has that
          // branch, it is on v2 already.
          if (!mayNameBranch(opts.draftId, error)) throw error;
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
    if (ref.meta?.apiGeneration === 'v1') this.#edits.set(ref, changes);
    return ref;
  }

  /**
   * Publishes, live at once: v2 on the live branch by itself; a v1 version after its security
   * check passed (waited for within `opts.maxWaitMs`) and it was activated.
   * @throws SecurityCheckFailedError / SecurityCheckTimeoutError: the v1 version is published but
   *   not live (its id is on the error).
   */
  async publish(draft: DraftRef, opts: PublishOptions = {}): Promise<PublishOutcome> {
    this.#forget(draft?.agentId);
    const generation =
      draft?.meta?.apiGeneration ?? (draft?.agentId ? this.generationOf(draft.agentId) : 'v1');
    if (generation === 'v2') return this.#v2.publish(draft, opts);
    let outcome: PublishOutcome;
    try {
      outcome = await this.#v1.publish(draft, opts);
    } catch (error) {
      if (!isErrorCode(error, 'MIGRATION_REQUIRED')) throw error;
      return this.#afterRefusal(draft.agentId, 'publish', error, () =>
        this.#republishOnV2(draft, opts, error),
      );
    }
    if (outcome.status !== 'published' || outcome.version.isActive) return outcome;
    const version = await this.#v1.activate(draft.agentId, outcome.version.id, {
      signal: opts.signal,
      maxWaitMs: opts.maxWaitMs,
      onGateProgress: opts.onGateProgress,
    });
    this.#justLive.set(draft.agentId, version);
    return { status: 'published', version };
  }

  /** The v2 equivalent of publishing a v1 draft: re-apply its edit to the branch draft, publish that. */
  async #republishOnV2(draft: DraftRef, opts: PublishOptions, error: unknown): Promise<PublishOutcome> {
    const changes = this.#edits.get(draft);
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
    // A caller's `expectedRevision` referred to the v1 draft: the v2 edit is based on what the
    // branch draft is now instead.
    const atoms = changes.providerOptions?.atoms as Record<string, unknown> | undefined;
    const v2Changes =
      atoms === undefined || !('expectedRevision' in atoms)
        ? changes
        : {
            ...changes,
            providerOptions: { ...changes.providerOptions, atoms: omit(atoms, 'expectedRevision') },
          };
    const ref = await this.#v2.editDraft(draft.agentId, v2Changes, { signal: opts.signal });
    return this.#v2.publish(ref, opts);
  }

  activate(agentId: string, versionId: string, opts: ActivateOptions = {}): Promise<VersionInfo> {
    const just = typeof agentId === 'string' ? this.#justLive.get(agentId) : undefined;
    this.#forget(agentId);
    if (just !== undefined && just.id === versionId) return Promise.resolve(just);
    return this.#route(
      agentId,
      'activate',
      () => this.#v1.activate(agentId, versionId, opts),
      () => this.#v2.activate(agentId, versionId, opts),
    );
  }

  getActiveVersion(agentId: string, opts: GetActiveVersionOptions = {}): Promise<VersionInfo | null> {
    this.#forget(agentId);
    return this.#route(
      agentId,
      'getActiveVersion',
      () => this.#v1.getActiveVersion(agentId, opts),
      () => this.#v2.getActiveVersion(agentId, opts),
    );
  }

  listVersions(agentId: string, opts: AtomsListVersionsOptions = {}): Promise<VersionInfo[]> {
    return this.#route(
      agentId,
      'listVersions',
      () => this.#v1.listVersions(agentId, opts),
      () => this.#v2.listVersions(agentId, opts),
    );
  }

  /**
   * The live configuration in neutral terms: one `GET /agent/{id}` under both generations, read
   * the v2 way (a `globalPrompt` v2 edits wrote wins; a v1 single-prompt agent has none, so its
   * prompt is read), because this agent may have moved to v2 without this releaser seeing it.
   */
  readConfig(agentId: string, opts: ReadConfigOptions = {}): Promise<ConfigSnapshot> {
    return this.#v2.readConfig(agentId, opts);
  }

  toJSON(): Record<string, unknown> {
    return { provider: this.provider, apiGeneration: 'auto', capabilities: this.capabilities };
  }

  #forget(agentId: unknown): void {
    if (typeof agentId === 'string') this.#justLive.delete(agentId);
  }

  #switchToV2(agentId: string, operation: string): void {
    this.#onV2.set(agentId, true);
    this.#logger.info('atoms agent is on versioning v2 (branches); switching it to the v2 API', {
      provider: ATOMS_PROVIDER,
      agentId,
      operation,
    });
  }

  /**
   * After a v1 migration refusal: switches the agent and runs `v2`. Should the agent have no
   * branches after all, neither API can serve it: the switch is undone and the refusal surfaces.
   */
  async #afterRefusal<T>(
    agentId: string,
    operation: string,
    refusal: unknown,
    v2: () => Promise<T>,
  ): Promise<T> {
    this.#switchToV2(agentId, operation);
    try {
      return await v2();
    } catch (error) {
      if (!isNotOnBranchModel(error)) throw error;
      this.#onV2.delete(agentId);
      throw refusal;
    }
  }

  /**
   * Runs `v1` or `v2` by what is known of the agent. A v1 migration refusal switches the agent
   * and runs `v2` once; a remembered v2 agent without branches falls back to v1 once.
   */
  async #route<T>(
    agentId: string,
    operation: string,
    v1: () => Promise<T>,
    v2: () => Promise<T>,
  ): Promise<T> {
    if (typeof agentId === 'string' && this.#onV2.has(agentId)) {
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
}

function mayNameBranch(draftId: string | undefined, error: unknown): boolean {
  return (
    draftId !== undefined && atomsObjectIdSchema.safeParse(draftId).success && isErrorCode(error, 'NOT_FOUND')
  );
}

function omit(record: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = record;
  return rest;
}
