/**
 * The Atoms v1 releaser (drafts + versions): fork a draft from the active version, PATCH its
 * config, publish it as a new inactive version, wait for the post-publish security check, then
 * activate. Each step lives in its own file (`edit.ts`, `publish.ts`, `activate.ts`); this class
 * validates input, holds the per-agent memory and answers the reads.
 */
import type {
  ActivateOptions,
  AgentChanges,
  AgentReleaser,
  DraftRef,
  EditDraftOptions,
  GetActiveVersionOptions,
  PublishOptions,
  PublishOutcome,
  ReleaseInput,
  ReleaserCapabilities,
  VersionInfo,
} from '@agent-release/core';
import { BoundedMap } from '@agent-release/core/provider';
import { ATOMS_PROVIDER, parseAgentId } from '../shared/ids.js';
import {
  type AtomsListVersionsOptions,
  parseActivateArgs,
  parseEditArgs,
  parseListArgs,
  parsePublishArgs,
  parseReadArgs,
  validateRelease,
} from '../shared/input.js';
import { type AtomsReleaserDeps, getAtomsAgent } from '../shared/requests.js';
import { activateV1 } from './activate.js';
import { editV1Draft } from './edit.js';
import { toVersionInfo } from './mapping.js';
import { publishV1 } from './publish.js';
import { getVersion, listVersionRows } from './requests.js';

/**
 * Atoms v1: a published version goes live only through an explicit activate, which the
 * post-publish security check gates; many drafts per agent; full version history; rollback by
 * re-activating an older version; the agent names its active version.
 */
export const ATOMS_V1_CAPABILITIES: ReleaserCapabilities = Object.freeze({
  activation: 'explicit',
  publishGate: 'security-check',
  drafts: 'many',
  versionHistory: true,
  rollback: 'reactivate',
  confirmsActiveVersion: true,
});

// How many agents' last activated version `getActiveVersion` remembers (see BoundedMap).
const ACTIVATED_MEMORY_MAX = 1000;

/** The Atoms v1 implementation of `AgentReleaser`. */
export class AtomsV1Releaser implements AgentReleaser {
  readonly provider = ATOMS_PROVIDER;
  readonly capabilities = ATOMS_V1_CAPABILITIES;
  /** The API generation this releaser speaks. */
  readonly apiGeneration = 'v1' as const;
  readonly #deps: AtomsReleaserDeps;
  /**
   * Per agent, the version this instance last made live, so `getActiveVersion` can confirm it
   * from the agent read alone. Publish answers are not remembered: they predate activation.
   */
  readonly #activated = new BoundedMap<string, VersionInfo>(ACTIVATED_MEMORY_MAX);

  constructor(deps: AtomsReleaserDeps) {
    this.#deps = deps;
  }

  /** Always `'v1'` (the same question the `auto` releaser answers per agent). Sends nothing. */
  generationOf(agentId: string): 'v1' {
    parseAgentId(agentId);
    return 'v1';
  }

  validate(input: ReleaseInput): void {
    validateRelease(input, 'v1');
  }

  /** Forks a draft from the active version (or uses `opts.draftId`) and PATCHes the mapped config. */
  async editDraft(agentId: string, changes: AgentChanges, opts: EditDraftOptions = {}): Promise<DraftRef> {
    const args = parseEditArgs(agentId, changes, opts, 'v1');
    return editV1Draft(this.#deps, args.agentId, args.changes, {
      draftId: args.draftId,
      signal: opts.signal,
    });
  }

  /** Publishes the draft as a new, inactive version; `unchanged` when it does not differ from its source. */
  async publish(draft: DraftRef, opts: PublishOptions = {}): Promise<PublishOutcome> {
    return publishV1(this.#deps, parsePublishArgs(draft, opts), opts.signal);
  }

  /** Waits for the version's security check to pass, then activates it. */
  async activate(agentId: string, versionId: string, opts: ActivateOptions = {}): Promise<VersionInfo> {
    const args = parseActivateArgs(agentId, versionId, opts);
    const version = await activateV1(this.#deps, args.agentId, args.versionId, {
      ...opts,
      maxWaitMs: args.maxWaitMs ?? this.#deps.securityCheck.maxWaitMs,
    });
    this.#activated.set(args.agentId, version);
    return version;
  }

  /** The agent's `activeVersionId` with its version row, or `null`. */
  async getActiveVersion(agentId: string, opts: GetActiveVersionOptions = {}): Promise<VersionInfo | null> {
    const id = parseReadArgs(agentId, opts.signal, 'getActiveVersion');
    const agent = await getAtomsAgent(this.#deps.http, id, {}, opts.signal);
    const activeId = agent.activeVersionId ?? agent.versionId ?? undefined;
    if (activeId === undefined) return null;
    // The agent read proves which version is live. When it names the version this instance just
    // activated, the activate answer already gave its number, label and check (as of then).
    const remembered = this.#activated.get(id);
    if (remembered !== undefined && remembered.id === activeId) return { ...remembered, isActive: true };
    const row = await getVersion(this.#deps.http, id, activeId, opts.signal);
    return { ...toVersionInfo(id, row, true), isActive: true };
  }

  /** Published versions, newest first, with their security-check state. */
  async listVersions(agentId: string, opts: AtomsListVersionsOptions = {}): Promise<VersionInfo[]> {
    const args = parseListArgs(agentId, opts);
    const { versions } = await listVersionRows(this.#deps.http, args.agentId, args, opts.signal);
    return versions.map((row) => toVersionInfo(args.agentId, row, false));
  }

  toJSON(): Record<string, unknown> {
    return { provider: this.provider, apiGeneration: this.apiGeneration, capabilities: this.capabilities };
  }
}
