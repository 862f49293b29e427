/**
 * The `AgentReleaser` port for Atoms. It validates every input before any request, then
 * delegates the lifecycle to the strategy for the configured API generation: v1, v2, or `auto`
 * (v1 until an agent's v1 call says it migrated to the v2 branch model, then v2 for that agent).
 */
import {
  type ActivateOptions,
  type AgentChanges,
  type AgentReleaser,
  type DraftRef,
  type EditDraftOptions,
  type GetActiveVersionOptions,
  type PublishOptions,
  type PublishOutcome,
  parseInput,
  type ReleaseInput,
  type ReleaserCapabilities,
  throwIfAborted,
  ValidationError,
  type VersionInfo,
} from '@agent-release/core';
import { z } from 'zod';
import { atomsCapabilitiesOf } from './atoms-capabilities.js';
import {
  ATOMS_PROVIDER,
  atomsObjectIdSchema,
  parseAgentId,
  parseDraftId,
  parseVersionId,
} from './atoms-ids.js';
import { atomsListVersionsOptionsSchema, parseAtomsChanges, toPublishBody } from './atoms-mapping.js';
import type {
  AtomsApiGeneration,
  AtomsApiGenerationOption,
  AtomsLifecycleStrategy,
  AtomsVersionPage,
} from './atoms-strategy.js';

/** Options of {@link AtomsReleaser.listVersions}. */
export interface ListVersionsOptions {
  /** Page size, 1–100. Default 20. */
  limit?: number | undefined;
  /** Versions to skip (newest first). Default 0. */
  skip?: number | undefined;
  signal?: AbortSignal | undefined;
}

const maxWaitSchema = z.int('must be an integer number of ms').nonnegative('must not be negative').optional();

// `DraftRef.meta` as this adapter writes it (other keys are ignored). A draft from elsewhere
// without meta still works: the strategy then finds its way from the ids.
const draftMetaSchema = z
  .object({
    apiGeneration: z.enum(['v1', 'v2'], "must be 'v1' or 'v2'").optional(),
    branchId: atomsObjectIdSchema.optional(),
    edited: z.boolean('must be a boolean').optional(),
    draftCreatedAt: z
      .string('must be a string')
      .refine((value) => Number.isFinite(Date.parse(value)), 'must be an ISO 8601 timestamp')
      .optional(),
  })
  .optional();

/** The Atoms implementation of {@link AgentReleaser}; build it with `createAtomsReleaser`. */
export class AtomsReleaser implements AgentReleaser {
  readonly provider = ATOMS_PROVIDER;
  readonly #strategy: AtomsLifecycleStrategy;

  constructor(strategy: AtomsLifecycleStrategy) {
    this.#strategy = strategy;
  }

  /** The configured API generation: `'v1'`, `'v2'` or `'auto'`. */
  get apiGeneration(): AtomsApiGenerationOption {
    return this.#strategy.generation;
  }

  /**
   * How this releaser behaves (`ATOMS_CAPABILITIES` for v1, `ATOMS_V2_CAPABILITIES` for v2).
   * With `apiGeneration: 'auto'` it reports v1 until any agent was found on v2, then v2: Atoms
   * migrates whole accounts, and a releaser serves one account. Per-agent truth:
   * {@link AtomsReleaser.capabilitiesFor}. `release()` does not depend on the difference: it
   * reads `isActive` of each published version and `confirmsActiveVersion` (true for both).
   */
  get capabilities(): ReleaserCapabilities {
    return atomsCapabilitiesOf(this.#strategy.currentGeneration);
  }

  /**
   * The generation the next call for this agent uses: fixed for `'v1'`/`'v2'`; with `'auto'`,
   * `'v2'` once one of the agent's v1 calls answered `409 versioning_v2_migration_required`,
   * else `'v1'`. Sends nothing.
   * @throws ValidationError for a malformed agent id.
   */
  generationOf(agentId: string): AtomsApiGeneration {
    return this.#strategy.generationOf(parseAgentId(agentId));
  }

  /** The capabilities that apply to this agent (by {@link AtomsReleaser.generationOf}). Sends nothing. */
  capabilitiesFor(agentId: string): ReleaserCapabilities {
    return atomsCapabilitiesOf(this.generationOf(agentId));
  }

  /**
   * Rejects, without sending anything, whatever a release would be refused for: ids, the changes
   * (incl. `providerOptions.atoms`), label (≤ 200) and description (≤ 2000). The globalPrompt
   * length of workflow_graph agents depends on the agent and is checked by `editDraft` before its
   * first write.
   * @throws ValidationError
   */
  validate(input: ReleaseInput): void {
    parseAgentId(input.agentId);
    parseAtomsChanges(input.changes);
    toPublishBody({ label: input.label, description: input.description });
    if (input.draftId !== undefined) parseDraftId(input.draftId);
  }

  /**
   * v1: forks a draft from the active version (or uses `opts.draftId`) and PATCHes the mapped
   * config. v2: `PUT`s the mapped config into the live branch's draft (or, with `opts.draftId`,
   * the draft of the branch it names: a branch id or its open draft's id), with
   * `expectedRevision`. `instructions` keep the agent's existing tools. Nothing that maps to
   * Atoms → no write.
   * @throws DraftConflictError when the draft changed since the revision the edit was based on.
   */
  async editDraft(agentId: string, changes: AgentChanges, opts: EditDraftOptions = {}): Promise<DraftRef> {
    const id = parseAgentId(agentId);
    const changeSet = parseAtomsChanges(changes);
    const draftId = opts.draftId === undefined ? undefined : parseDraftId(opts.draftId);
    throwIfAborted(opts.signal, `${ATOMS_PROVIDER} editDraft`);
    return this.#strategy.editDraft(id, changeSet, { draftId, signal: opts.signal });
  }

  /**
   * v1: publishes the draft as a new, inactive version. v2: commits the branch's draft as a new
   * revision, waiting for its security scan; on the live branch it is live at once
   * (`version.isActive: true`). Either way: `unchanged` (and the draft discarded) when it does not
   * differ from its base, and at most one version even when an answer is lost.
   * @throws SecurityCheckFailedError (v2 scan failed), SecurityCheckTimeoutError (v2 scan too
   *   slow: the publish is cancelled), ConfigFreezeError (423), AbortedError (v2: the publish is
   *   cancelled).
   */
  async publish(draft: DraftRef, opts: PublishOptions = {}): Promise<PublishOutcome> {
    if (typeof draft !== 'object' || draft === null || draft.provider !== ATOMS_PROVIDER) {
      throw new ValidationError(`Invalid draft: not an ${ATOMS_PROVIDER} draft`, {
        provider: ATOMS_PROVIDER,
        issues: [{ path: 'draft.provider', message: `must be "${ATOMS_PROVIDER}"` }],
      });
    }
    const agentId = parseAgentId(draft.agentId, 'draft.agentId');
    const draftId = parseDraftId(draft.draftId, 'draft.draftId');
    const baseVersionId =
      draft.baseVersionId === undefined
        ? undefined
        : parseVersionId(draft.baseVersionId, 'draft.baseVersionId');
    const meta = parseInput(draftMetaSchema, draft.meta, 'draft.meta', ATOMS_PROVIDER);
    const body = toPublishBody(opts);
    throwIfAborted(opts.signal, `${ATOMS_PROVIDER} publish`);
    return this.#strategy.publish(
      {
        agentId,
        draftId,
        baseVersionId,
        generation: meta?.apiGeneration,
        branchId: meta?.branchId,
        edited: meta?.edited,
        draftCreatedAt: meta?.draftCreatedAt,
        ref: draft,
      },
      body,
      opts.signal,
    );
  }

  /**
   * v1: waits for the version's security check to pass, then activates it. v2: makes the
   * revision serve: its branch made live, or (an older revision: rollback) restored as a **new**
   * head revision, whose `VersionInfo` (new id) is returned. Already live → returned without a
   * write. `opts.onGateProgress` hears every look at the check (for progress UIs).
   * @throws SecurityCheckFailedError, SecurityCheckTimeoutError, AbortedError
   */
  async activate(agentId: string, versionId: string, opts: ActivateOptions = {}): Promise<VersionInfo> {
    const id = parseAgentId(agentId);
    const version = parseVersionId(versionId);
    const maxWaitMs = parseInput(maxWaitSchema, opts.maxWaitMs, 'maxWaitMs', ATOMS_PROVIDER);
    throwIfAborted(opts.signal, `${ATOMS_PROVIDER} activate`);
    return this.#strategy.activate(id, version, {
      signal: opts.signal,
      maxWaitMs,
      onGateProgress: opts.onGateProgress,
    });
  }

  /**
   * The live version, or `null` when there is none: v1 the agent's `activeVersionId`, v2 the
   * live branch's head revision.
   */
  async getActiveVersion(agentId: string, opts: GetActiveVersionOptions = {}): Promise<VersionInfo | null> {
    const id = parseAgentId(agentId);
    throwIfAborted(opts.signal, `${ATOMS_PROVIDER} getActiveVersion`);
    return this.#strategy.getActiveVersion(id, opts.signal);
  }

  /** One page of the agent's published versions (v2: the live branch's revisions), newest first (Atoms-only). */
  async listVersions(agentId: string, opts: ListVersionsOptions = {}): Promise<AtomsVersionPage> {
    const id = parseAgentId(agentId);
    const page = parseInput(
      atomsListVersionsOptionsSchema,
      { limit: opts.limit, skip: opts.skip },
      'options',
      ATOMS_PROVIDER,
    );
    throwIfAborted(opts.signal, `${ATOMS_PROVIDER} listVersions`);
    return this.#strategy.listVersions(id, { limit: page.limit ?? 20, skip: page.skip ?? 0 }, opts.signal);
  }

  toJSON(): Record<string, unknown> {
    return { provider: this.provider, apiGeneration: this.apiGeneration, capabilities: this.capabilities };
  }
}
