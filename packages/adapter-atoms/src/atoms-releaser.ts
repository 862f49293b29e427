/**
 * The `AgentReleaser` port for Atoms. It validates every input before any request, then
 * delegates the lifecycle to the strategy for the account's API generation (v1 today).
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
import { ATOMS_PROVIDER, parseAgentId, parseDraftId, parseVersionId } from './atoms-ids.js';
import { atomsListVersionsOptionsSchema, parseAtomsChanges, toPublishBody } from './atoms-mapping.js';
import type { AtomsApiGeneration, AtomsLifecycleStrategy, AtomsVersionPage } from './atoms-strategy.js';

/**
 * How Atoms (v1) behaves: a published version goes live only through an explicit activate,
 * which the post-publish security check gates; many drafts per agent; full version history;
 * rollback by re-activating an older version; the agent names its active version.
 */
export const ATOMS_CAPABILITIES: ReleaserCapabilities = Object.freeze({
  activation: 'explicit',
  publishGate: 'security-check',
  drafts: 'many',
  versionHistory: true,
  rollback: 'reactivate',
  confirmsActiveVersion: true,
});

/** Options of {@link AtomsReleaser.listVersions}. */
export interface ListVersionsOptions {
  /** Page size, 1–100. Default 20. */
  limit?: number | undefined;
  /** Versions to skip (newest first). Default 0. */
  skip?: number | undefined;
  signal?: AbortSignal | undefined;
}

const maxWaitSchema = z.int('must be an integer number of ms').nonnegative('must not be negative').optional();

/** The Atoms implementation of {@link AgentReleaser}; build it with `createAtomsReleaser`. */
export class AtomsReleaser implements AgentReleaser {
  readonly provider = ATOMS_PROVIDER;
  readonly capabilities: ReleaserCapabilities = ATOMS_CAPABILITIES;
  readonly #strategy: AtomsLifecycleStrategy;

  constructor(strategy: AtomsLifecycleStrategy) {
    this.#strategy = strategy;
  }

  /** The Atoms API generation this releaser speaks. */
  get apiGeneration(): AtomsApiGeneration {
    return this.#strategy.generation;
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
   * Forks a draft from the active version (or uses `opts.draftId`) and PATCHes the mapped config.
   * `instructions` keep the agent's existing tools. Nothing that maps to Atoms → no PATCH.
   */
  async editDraft(agentId: string, changes: AgentChanges, opts: EditDraftOptions = {}): Promise<DraftRef> {
    const id = parseAgentId(agentId);
    const changeSet = parseAtomsChanges(changes);
    const draftId = opts.draftId === undefined ? undefined : parseDraftId(opts.draftId);
    throwIfAborted(opts.signal, `${ATOMS_PROVIDER} editDraft`);
    return this.#strategy.editDraft(id, changeSet, { draftId, signal: opts.signal });
  }

  /**
   * Publishes the draft as a new, inactive version, or discards it and returns `unchanged` when
   * it does not differ from its source. Publishes at most once even when an answer is lost.
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
    const body = toPublishBody(opts);
    throwIfAborted(opts.signal, `${ATOMS_PROVIDER} publish`);
    return this.#strategy.publish({ agentId, draftId, baseVersionId }, body, opts.signal);
  }

  /**
   * Waits for the version's security check to pass, then activates it. Already active → returned
   * without a write. `opts.onGateProgress` hears every look at the check (for progress UIs).
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

  /** The live version (from the agent's `activeVersionId`), or `null` when it has none. */
  async getActiveVersion(agentId: string, opts: GetActiveVersionOptions = {}): Promise<VersionInfo | null> {
    const id = parseAgentId(agentId);
    throwIfAborted(opts.signal, `${ATOMS_PROVIDER} getActiveVersion`);
    return this.#strategy.getActiveVersion(id, opts.signal);
  }

  /** One page of the agent's published versions, newest first (Atoms-only). */
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
