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
  ConfigSnapshot,
  DraftRef,
  EditDraftOptions,
  GetActiveVersionOptions,
  PublishOptions,
  PublishOutcome,
  ReadConfigOptions,
  ReleaseInput,
  ReleaserCapabilities,
  VersionInfo,
} from '@agent-release/core';
import { BoundedMap } from '@agent-release/core/provider';
import type { AtomsChangeSet } from '../shared/changes.js';
import { ATOMS_PROVIDER, parseAgentId, parseVersionId } from '../shared/ids.js';
import {
  type AtomsListVersionsOptions,
  parseActivateArgs,
  parseEditArgs,
  parseListArgs,
  parsePublishArgs,
  parseReadArgs,
  validateRelease,
} from '../shared/input.js';
import { readAtomsConfig } from '../shared/read-config.js';
import { type AtomsReleaserDeps, getAtomsAgent } from '../shared/requests.js';
import { activateV1 } from './activate.js';
import {
  assertBaseLive,
  LiveMovedError,
  type PublishedPlan,
  restoreIfOverwritten,
} from './compare-and-swap.js';
import { editV1Draft } from './edit.js';
import { toVersionInfo } from './mapping.js';
import { publishV1 } from './publish.js';
import { getVersion, listVersionRows } from './requests.js';
import { awaitRestore } from './settle.js';

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
// How often one activation rebases onto versions other writers made live before it gives up.
const MAX_REBASES = 2;

/** The Atoms v1 implementation of `AgentReleaser`. */
export class AtomsV1Releaser implements AgentReleaser {
  readonly provider = ATOMS_PROVIDER;
  readonly capabilities = ATOMS_V1_CAPABILITIES;
  /** The API generation this releaser speaks. */
  readonly apiGeneration = 'v1' as const;
  readonly #deps: AtomsReleaserDeps;
  /**
   * Per agent, the version this instance last made live (and, when it published it, the base it
   * was made from), so `getActiveVersion` can confirm it from the agent read alone. Publish
   * answers are not remembered: they predate activation.
   */
  readonly #activated = new BoundedMap<string, { version: VersionInfo; base?: string | undefined }>(
    ACTIVATED_MEMORY_MAX,
  );
  /** Per draft, the edits applied to it; per published version, its base and edits (to rebase). */
  readonly #draftEdits = new BoundedMap<string, readonly AtomsChangeSet[]>(ACTIVATED_MEMORY_MAX);
  readonly #published = new BoundedMap<string, PublishedPlan>(ACTIVATED_MEMORY_MAX);

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

  /** Atoms version ids are ObjectIds on every generation; see {@link parseVersionId}. */
  validateVersionId(versionId: string, what = 'versionId'): void {
    parseVersionId(versionId, what);
  }

  /** Forks a draft from the active version (or uses `opts.draftId`) and PATCHes the mapped config. */
  async editDraft(agentId: string, changes: AgentChanges, opts: EditDraftOptions = {}): Promise<DraftRef> {
    const args = parseEditArgs(agentId, changes, opts, 'v1');
    const ref = await editV1Draft(this.#deps, args.agentId, args.changes, {
      draftId: args.draftId,
      signal: opts.signal,
    });
    const before = args.draftId === undefined ? [] : (this.#draftEdits.get(args.draftId) ?? []);
    this.#draftEdits.set(ref.draftId, [...before, args.changes]);
    return ref;
  }

  /** Publishes the draft as a new, inactive version; `unchanged` when it does not differ from its source. */
  async publish(draft: DraftRef, opts: PublishOptions = {}): Promise<PublishOutcome> {
    const target = parsePublishArgs(draft, opts);
    const outcome = await publishV1(this.#deps, target, opts.signal);
    const edits = this.#draftEdits.get(target.draftId);
    this.#draftEdits.delete(target.draftId);
    if (outcome.status === 'published' && target.baseVersionId !== undefined && edits !== undefined) {
      this.#published.set(outcome.version.id, {
        base: target.baseVersionId,
        edits,
        body: target.body,
        publishedAt: this.#deps.clock.now(),
      });
    }
    return outcome;
  }

  /**
   * Waits for the version's security check to pass, then activates it. A version this releaser
   * published is activated only while its base is still live; if another writer made a version
   * live meanwhile, the change is rebased onto it (a new version, returned) — see
   * `compare-and-swap.ts`.
   * @throws ConflictError when another version went live during the activation (it is restored).
   */
  async activate(agentId: string, versionId: string, opts: ActivateOptions = {}): Promise<VersionInfo> {
    const args = parseActivateArgs(agentId, versionId, opts);
    const maxWaitMs = args.maxWaitMs ?? this.#deps.securityCheck.maxWaitMs;
    let id = args.versionId;
    for (let rebases = 0; ; rebases++) {
      const plan = this.#published.get(id);
      try {
        const version = await activateV1(this.#deps, args.agentId, id, {
          ...opts,
          maxWaitMs,
          beforeActivate:
            plan && (() => assertBaseLive(this.#deps, args.agentId, id, plan.base, opts.signal)),
          checkStartedAt: plan?.publishedAt,
        });
        if (plan !== undefined) {
          this.#published.delete(id);
          await restoreIfOverwritten(this.#deps, args.agentId, version, plan.base, opts.signal);
        }
        this.#activated.set(args.agentId, { version, base: plan?.base });
        return version;
      } catch (error) {
        if (!(error instanceof LiveMovedError) || plan === undefined || rebases >= MAX_REBASES) throw error;
        id = await this.#rebase(args.agentId, plan, error, opts.signal);
      }
    }
  }

  /** Forks again from what is live, re-applies the edits, publishes: the new version's id. */
  async #rebase(
    agentId: string,
    plan: PublishedPlan,
    moved: LiveMovedError,
    signal: AbortSignal | undefined,
  ) {
    this.#deps.logger.warn('atoms v1 live version moved since the fork; rebasing the change onto it', {
      provider: ATOMS_PROVIDER,
      agentId,
      base: plan.base,
      live: moved.live,
    });
    let ref: DraftRef | undefined;
    for (const edit of plan.edits) {
      ref = await editV1Draft(this.#deps, agentId, edit, { draftId: ref?.draftId, signal });
    }
    const target = parsePublishArgs(ref as DraftRef, plan.body);
    const outcome = await publishV1(this.#deps, target, signal);
    if (outcome.status !== 'published') {
      // The live version already holds this change: nothing to activate.
      const live = await this.getActiveVersion(agentId, { signal });
      if (live !== null) return live.id;
      throw moved;
    }
    this.#published.set(outcome.version.id, {
      ...plan,
      base: target.baseVersionId ?? moved.live ?? plan.base,
      publishedAt: this.#deps.clock.now(),
    });
    return outcome.version.id;
  }

  /**
   * The agent's `activeVersionId` with its version row, or `null`. Right after this instance
   * activated a version, a concurrent writer's version that overwrote it is not reported while
   * that writer is restoring ours (bounded wait, see `settle.ts`).
   */
  async getActiveVersion(agentId: string, opts: GetActiveVersionOptions = {}): Promise<VersionInfo | null> {
    return this.#readActive(parseReadArgs(agentId, opts.signal, 'getActiveVersion'), opts.signal, true);
  }

  async #readActive(
    id: string,
    signal: AbortSignal | undefined,
    settle: boolean,
  ): Promise<VersionInfo | null> {
    const agent = await getAtomsAgent(this.#deps.http, id, {}, signal);
    const activeId = agent.activeVersionId ?? agent.versionId ?? undefined;
    if (activeId === undefined) return null;
    // The agent read proves which version is live. When it names the version this instance just
    // activated, the activate answer already gave its number, label and check (as of then).
    const remembered = this.#activated.get(id);
    if (remembered?.version.id === activeId) return { ...remembered.version, isActive: true };
    const row = await getVersion(this.#deps.http, id, activeId, signal);
    // A concurrent writer's version overwrote ours and is about to restore it: see settle.ts.
    if (settle && remembered && (await awaitRestore(this.#deps, id, remembered, row, signal))) {
      return this.#readActive(id, signal, false);
    }
    return { ...toVersionInfo(id, row, true), isActive: true };
  }

  /** Published versions, newest first, with their security-check state. */
  async listVersions(agentId: string, opts: AtomsListVersionsOptions = {}): Promise<VersionInfo[]> {
    const args = parseListArgs(agentId, opts);
    const { versions } = await listVersionRows(this.#deps.http, args.agentId, args, opts.signal);
    return versions.map((row) => toVersionInfo(args.agentId, row, false));
  }

  /** The live configuration in neutral terms (`GET /agent/{id}`). */
  async readConfig(agentId: string, opts: ReadConfigOptions = {}): Promise<ConfigSnapshot> {
    return readAtomsConfig(this.#deps.http, parseReadArgs(agentId, opts.signal, 'readConfig'), opts.signal);
  }

  toJSON(): Record<string, unknown> {
    return { provider: this.provider, apiGeneration: this.apiGeneration, capabilities: this.capabilities };
  }
}
