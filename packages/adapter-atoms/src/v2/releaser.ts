/**
 * The Atoms v2 releaser (branch model, since 2026-07): one draft per branch, edited with
 * `PUT .../branches/{branchId}/draft`; publishing commits it as a revision (200 at once, or 202
 * while a security scan runs); the live branch's head revision is what serves, so publishing on
 * the live branch goes to production at once. Rollback restores an older revision as a new head.
 *
 * A port "version" is a revision: `VersionInfo.id` is the revision id (a migrated v1 version keeps
 * its id), `number` its revision number on its branch, and `isActive` whether it is the live
 * branch's head. Steps live in `edit.ts`, `publish.ts`, `scan.ts`, `activate.ts`.
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
import type { AtomsReleaserDeps } from '../shared/requests.js';
import { activate } from './activate.js';
import { editDraft } from './edit.js';
import { isCommitted, pickBranch, revisionToVersionInfo } from './mapping.js';
import { publish } from './publish.js';
import {
  getRevision,
  listBranches,
  listRevisionRows,
  notOnBranchModel,
  type V2Context,
  v2Context,
} from './requests.js';

/**
 * Atoms v2 (branch model): publishing on the live branch (the default target) is live at once,
 * after the publish's security scan; one draft per branch; revisions are listed per branch;
 * rollback restores an older revision as a **new** head revision (`republish`); the live
 * branch's head names the active revision.
 */
export const ATOMS_V2_CAPABILITIES: ReleaserCapabilities = Object.freeze({
  activation: 'on-publish',
  publishGate: 'security-check',
  drafts: 'one',
  versionHistory: true,
  rollback: 'republish',
  confirmsActiveVersion: true,
});

/** The Atoms v2 implementation of `AgentReleaser`. */
export class AtomsV2Releaser implements AgentReleaser {
  readonly provider = ATOMS_PROVIDER;
  readonly capabilities = ATOMS_V2_CAPABILITIES;
  /** The API generation this releaser speaks. */
  readonly apiGeneration = 'v2' as const;
  readonly #ctx: V2Context;

  constructor(deps: AtomsReleaserDeps) {
    this.#ctx = v2Context(deps);
  }

  /** Always `'v2'` (the same question the `auto` releaser answers per agent). Sends nothing. */
  generationOf(agentId: string): 'v2' {
    parseAgentId(agentId);
    return 'v2';
  }

  validate(input: ReleaseInput): void {
    validateRelease(input, 'v2');
  }

  /** Atoms version ids are ObjectIds on every generation; see {@link parseVersionId}. */
  validateVersionId(versionId: string, what = 'versionId'): void {
    parseVersionId(versionId, what);
  }

  /**
   * `PUT`s the mapped config into the live branch's draft (or, with `opts.draftId`, the draft of
   * the branch it names: a branch id or its open draft's id).
   * @throws DraftConflictError when the draft changed since the revision the edit was based on.
   */
  async editDraft(agentId: string, changes: AgentChanges, opts: EditDraftOptions = {}): Promise<DraftRef> {
    const args = parseEditArgs(agentId, changes, opts, 'v2');
    this.#ctx.justPublished.delete(args.agentId);
    return editDraft(this.#ctx, args.agentId, args.changes, { draftId: args.draftId, signal: opts.signal });
  }

  /**
   * Commits the branch's draft as a new revision, waiting for its security scan; on the live
   * branch it is live at once (`version.isActive: true`).
   * @throws SecurityCheckFailedError, SecurityCheckTimeoutError (the publish is cancelled),
   *   ConfigFreezeError (423), AbortedError (the publish is cancelled).
   */
  async publish(draft: DraftRef, opts: PublishOptions = {}): Promise<PublishOutcome> {
    const target = parsePublishArgs(draft, opts);
    this.#ctx.justPublished.delete(target.agentId);
    return publish(this.#ctx, target, opts.signal, opts.onGateProgress);
  }

  /**
   * Makes the revision serve: its branch made live, or (an older revision: rollback) restored
   * as a **new** head revision, whose `VersionInfo` (new id) is returned.
   */
  async activate(agentId: string, versionId: string, opts: ActivateOptions = {}): Promise<VersionInfo> {
    const args = parseActivateArgs(agentId, versionId, opts);
    return activate(this.#ctx, args.agentId, args.versionId, { ...opts, maxWaitMs: args.maxWaitMs });
  }

  /** The live branch's head revision, or `null` when the live branch has no commit. */
  async getActiveVersion(agentId: string, opts: GetActiveVersionOptions = {}): Promise<VersionInfo | null> {
    const id = parseReadArgs(agentId, opts.signal, 'getActiveVersion');
    this.#ctx.justPublished.delete(id);
    const ctx = this.#ctx;
    const branches = await listBranches(ctx, id, opts.signal);
    if (branches.length === 0) throw notOnBranchModel(id, 'getActiveVersion');
    const live = branches.find((b) => b.isLive);
    const head = live?.branch.headRevisionId ?? undefined;
    if (live === undefined || head === undefined) return null;
    const row = await getRevision(ctx, id, live.branch._id, head, opts.signal);
    const version = revisionToVersionInfo(id, row, true);
    ctx.branchOfRevision.set(head, live.branch._id);
    return version;
  }

  /** Committed revisions of the live branch, newest first, with their scan state. */
  async listVersions(agentId: string, opts: AtomsListVersionsOptions = {}): Promise<VersionInfo[]> {
    const args = parseListArgs(agentId, opts);
    this.#ctx.justPublished.delete(args.agentId);
    const ctx = this.#ctx;
    const branches = await listBranches(ctx, args.agentId, opts.signal);
    const live = pickBranch(branches, undefined);
    if (live === undefined) throw notOnBranchModel(args.agentId, 'listVersions');
    const rows = await listRevisionRows(ctx, args.agentId, live.branch._id, args, opts.signal);
    const head = live.isLive ? (live.branch.headRevisionId ?? undefined) : undefined;
    // The list also shows a publish attempt's draft row; only committed revisions are versions.
    return rows.filter(isCommitted).map((row) => revisionToVersionInfo(args.agentId, row, row._id === head));
  }

  /** The live configuration in neutral terms (`GET /agent/{id}`). */
  async readConfig(agentId: string, opts: ReadConfigOptions = {}): Promise<ConfigSnapshot> {
    return readAtomsConfig(
      this.#ctx.http,
      parseReadArgs(agentId, opts.signal, 'readConfig'),
      opts.signal,
      'v2',
    );
  }

  toJSON(): Record<string, unknown> {
    return { provider: this.provider, apiGeneration: this.apiGeneration, capabilities: this.capabilities };
  }
}
