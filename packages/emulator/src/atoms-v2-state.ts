import {
  ATOMS_SECTIONS,
  type AtomsConfig,
  type AtomsSection,
  CONFIG_FIELDS,
  changedSections,
  sectionsOf,
} from './atoms-config.js';
import { atomsError, conflictError } from './atoms-responses.js';
import {
  type AtomsSecurityCheckOptions,
  isCheckPending,
  passedSecurityCheck,
  type SecurityCheckView,
  securityCheckView,
  startSecurityCheck,
} from './atoms-security-check.js';
import type {
  AtomsAgentRecord,
  AtomsStore,
  AtomsVersion,
  AtomsVersionBlocks,
  AtomsVersionRecord,
} from './atoms-state.js';
import { EMULATOR_USER, iso } from './atoms-user.js';
import { validateV2DraftFields } from './atoms-v2-fields.js';
import { HttpError } from './http-kit.js';
import { objectId } from './ids.js';
import { cloneJson, deepEqual, isPlainObject, type LeafChange, leafChanges } from './json-utils.js';

/** `'v1'`: drafts + versions (default). `'v2'`: the branch model (every agent has branches). */
export type AtomsVersioning = 'v1' | 'v2';

/** `Branch` as the v2 API returns it. */
export interface AtomsBranch {
  _id: string;
  agent: string;
  name: string;
  isDefault: boolean;
  /** Null on `Main`. */
  sourceBranchId: string | null;
  /** The source branch's head when this branch was forked; null on `Main`. */
  sourceRevisionId: string | null;
  /** Null until the first commit on this branch. */
  headRevisionId: string | null;
  /** The open draft's `draftId`, or null. */
  openDraftId: string | null;
  status: 'active' | 'archived';
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

/** `BranchSummary`: the list/get/live item. `_id`, `isDefault` and `openDraftId` sit on `.branch`. */
export interface AtomsBranchSummary {
  branch: AtomsBranch;
  isLive: boolean;
  hasOpenDraft: boolean;
  /** Committed revisions on the branch. */
  revisionsCount: number;
  headRevisionNumber: number | null;
}

/** `Revision.pendingPublish`: set while a publish is armed against the draft row. */
export interface AtomsPendingPublish {
  state: 'active' | 'cancelled';
  startedBy: string;
  startedAt: string;
}

/** `Revision`: an `AgentVersion` document with the branch-model fields. */
export interface AtomsRevision extends AtomsVersion {
  branch: string | null;
  /** Per-branch number, set only on committed rows. */
  revisionNumber: number | null;
  pendingPublish: AtomsPendingPublish | null;
  restoredFromLabel: string | null;
  restoredFromRevisionId: string | null;
  sourceDraftId: string | null;
  publishedByName: string | null;
  promptScore: null;
  promptScoreStale: boolean;
  /** Always present under v2 (null when no scan ran, e.g. a workflow_graph commit). */
  securityCheck: SecurityCheckView | null;
}

/** A revision with its config, as the state helpers return it. */
export interface AtomsRevisionSnapshot extends AtomsRevision {
  config: AtomsConfig;
}

/** A branch's open draft, as `state.branchDraft` returns it. */
export interface AtomsBranchDraftSnapshot extends AtomsRevisionSnapshot {
  /** Number of `PUT .../draft` edits merged into the draft. */
  editCount: number;
}

/** `PublishResult`: `revision` only when the commit happened synchronously. */
export type AtomsPublishResult = { state: 'committed'; revision: AtomsRevision } | { state: 'scanning' };

interface PublishRecord {
  state: 'active' | 'cancelled';
  label: string | null;
  startedAt: number;
  startedBy: string;
}

/** The draft row as it was after one revision (index = `draftRevision`; 0 = the base). */
interface DraftRow {
  _id: string;
  draftRevision: number;
  blocks: AtomsVersionBlocks;
  config: AtomsConfig;
  changedSections: AtomsSection[];
  updatedAt: number;
}

interface BranchRecord {
  _id: string;
  agent: string;
  name: string;
  isDefault: boolean;
  sourceBranchId: string | null;
  sourceRevisionId: string | null;
  headRevisionId: string | null;
  status: 'active' | 'archived';
  createdAt: number;
  updatedAt: number;
  /** The open draft row (also in the agent's v1 draft map, so the kept v1 draft reads see it). */
  draft: AtomsVersionRecord | null;
  draftRows: DraftRow[];
  /** The publish armed against the draft, until its scan completes or the draft changes. */
  publish: PublishRecord | null;
}

/** An agent's branch-model state; `null` on the agent record means "not migrated". */
export interface AtomsBranchModel {
  branches: BranchRecord[];
  liveBranchId: string;
}

/** How the emulator reads what the spec leaves open (see `AtomsEmulatorOptions`). */
export interface AtomsV2Readings {
  /** `Branch.openDraftId`: the open draft's `draftId` (default) or its current row's `_id`. */
  openDraftId?: 'draftId' | '_id';
  /** A stale `expectedRevision`: `DraftConflictError` with `data.conflict` (default) or lean. */
  draftConflict?: 'rich' | 'lean';
}

/** Rows written under the branch model postdate playbooks: they carry its block. */
function withPlaybooks(blocks: AtomsVersionBlocks, now: number): AtomsVersionBlocks {
  return { ...blocks, playbooks: blocks.playbooks ?? objectId(now) };
}

/** Internal names sent at the top level of `PUT .../draft` are refused. */
const SECTION_NAMES = new Set<string>([...ATOMS_SECTIONS, 'playbooks']);

const NO_RECOGNIZED_FIELDS = 'No recognized config fields in request body';

/** Objects merge key by key; arrays, scalars and null replace (PUT draft "merge semantics"). */
function mergeValue(current: unknown, patch: unknown): unknown {
  if (!isPlainObject(current) || !isPlainObject(patch)) return cloneJson(patch);
  const out: Record<string, unknown> = cloneJson(current);
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) out[key] = mergeValue(current[key], value);
  }
  return out;
}

function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

/** Config leaf changes keyed `<section>.<field>...`, the paths `DraftConflictError` lists. */
function sectionLeafChanges(before: AtomsConfig, after: AtomsConfig): LeafChange[] {
  return leafChanges(sectionsOf(before), sectionsOf(after));
}

/**
 * The v2 branch model on top of the v1 store: branches, one draft per branch, revisions (which
 * are `AgentVersion` rows in the agent's version list, so v1 by-id reads resolve them and a
 * migrated v1 `versionId` is its `revisionId`), scanning publishes, the live branch, restore and
 * migration. Scans are timestamps compared on read (`settle`), like the v1 security check.
 */
export class AtomsBranchStore {
  constructor(
    private readonly store: AtomsStore,
    private readonly securityCheck: AtomsSecurityCheckOptions,
    private readonly readings: AtomsV2Readings = {},
  ) {}

  // ---- migration ---------------------------------------------------------------------------

  /**
   * Backfills the branch model: a live, default `Main` branch whose revisions are the v1
   * versions (same ids, `revisionNumber` = `versionNumber`) and whose head is the active version.
   * Open v1 drafts stay readable through the kept v1 endpoints but belong to no branch.
   */
  migrate(agent: AtomsAgentRecord): void {
    if (agent.branchModel) return;
    const now = this.store.now();
    const main = this.newBranch(agent, 'Main', now);
    main.isDefault = true;
    main.createdAt = agent.createdAt;
    main.headRevisionId = agent.activeVersionId;
    for (const version of agent.versions) {
      version.branch = main._id;
      version.revisionNumber = version.versionNumber;
    }
    agent.branchModel = { branches: [main], liveBranchId: main._id };
  }

  /**
   * Back to v1: revisions stay published versions (same ids; those without a legacy number get
   * the next ones), the live head stays the active version, open branch drafts become v1 drafts.
   */
  rollback(agent: AtomsAgentRecord): void {
    const model = agent.branchModel;
    if (!model) return;
    let next = Math.max(0, ...agent.versions.map((v) => v.versionNumber ?? 0));
    for (const version of agent.versions) {
      version.versionNumber ??= ++next;
      version.branch = null;
      version.revisionNumber = null;
    }
    for (const branch of model.branches) {
      if (!branch.draft) continue;
      branch.draft.branch = null;
      branch.draft.check = null;
    }
    agent.branchModel = null;
  }

  // ---- scans -------------------------------------------------------------------------------

  /** Applies every scan that completed since the last look: passed + armed → commit. */
  settle(agent: AtomsAgentRecord): void {
    const model = agent.branchModel;
    if (!model) return;
    const now = this.store.now();
    const due = model.branches.filter(
      (b) => b.publish && b.draft?.check && !isCheckPending(b.draft.check, now),
    );
    due.sort((a, b) => a.draft!.check!.completesAt - b.draft!.check!.completesAt);
    for (const branch of due) {
      const publish = branch.publish!;
      const check = branch.draft!.check!;
      branch.publish = null;
      if (publish.state === 'active' && check.outcome === 'passed') {
        this.commit(agent, branch, publish.label, check.completesAt);
      }
    }
  }

  /** A publish or restore is in flight on the branch (only one at a time). */
  private publishInFlight(branch: BranchRecord): boolean {
    return branch.publish?.state === 'active';
  }

  /** The branch's draft is being scanned (armed or cancelled: the scan runs to its end). */
  private scanning(branch: BranchRecord): boolean {
    const check = branch.draft?.check;
    return check !== undefined && check !== null && isCheckPending(check, this.store.now());
  }

  /** No scan ran (pre-feature rows, graph commits) or it passed. */
  private passedScan(record: AtomsVersionRecord): boolean {
    const check = record.check;
    return !check || (!isCheckPending(check, this.store.now()) && check.outcome === 'passed');
  }

  // ---- lookups -----------------------------------------------------------------------------

  /** The agent's branch model, or the 404 an unmigrated agent gets on the v2 routes. */
  requireModel(agent: AtomsAgentRecord): AtomsBranchModel {
    if (!agent.branchModel) throw atomsError(404, 'Resource not found');
    return agent.branchModel;
  }

  /** A branch of the agent (archived ones included: by-id reads still work), else a 404. */
  requireBranch(agent: AtomsAgentRecord, branchId: string): BranchRecord {
    const branch = this.requireModel(agent).branches.find((b) => b._id === branchId);
    if (!branch) throw atomsError(404, 'Resource not found');
    return branch;
  }

  private requireActive(branch: BranchRecord): void {
    if (branch.status === 'archived') throw atomsError(403, 'Branch is archived');
  }

  private requireDraft(branch: BranchRecord): AtomsVersionRecord {
    if (!branch.draft) throw atomsError(404, 'Resource not found');
    return branch.draft;
  }

  /** Committed revisions of a branch, newest first. */
  committed(agent: AtomsAgentRecord, branch: BranchRecord): AtomsVersionRecord[] {
    return agent.versions
      .filter((v) => v.branch === branch._id)
      .sort((a, b) => (b.revisionNumber ?? 0) - (a.revisionNumber ?? 0));
  }

  /** `GET .../revisions`: committed revisions plus the draft row a publish was attempted on. */
  listed(agent: AtomsAgentRecord, branch: BranchRecord): AtomsVersionRecord[] {
    const attempt = branch.draft?.check ? [branch.draft] : [];
    return [...attempt, ...this.committed(agent, branch)];
  }

  private head(agent: AtomsAgentRecord, branch: BranchRecord): AtomsVersionRecord | undefined {
    return agent.versions.find((v) => v._id === branch.headRevisionId);
  }

  /** A committed revision, or the current row of a branch's draft, by `_id`. */
  findRevision(agent: AtomsAgentRecord, revisionId: string): AtomsVersionRecord | undefined {
    return (
      agent.versions.find((v) => v._id === revisionId) ??
      agent.branchModel?.branches.find((b) => b.draft?._id === revisionId)?.draft ??
      undefined
    );
  }

  /** A revision on this branch: unknown → 404, on another branch → 400 (as documented). */
  requireRevision(agent: AtomsAgentRecord, branch: BranchRecord, revisionId: string): AtomsVersionRecord {
    const revision = this.findRevision(agent, revisionId);
    if (!revision) throw atomsError(404, 'Resource not found');
    if (revision.branch !== branch._id) {
      throw atomsError(400, 'Invalid input: revision does not belong to this branch');
    }
    return revision;
  }

  // ---- branches ----------------------------------------------------------------------------

  private newBranch(agent: AtomsAgentRecord, name: string, now: number): BranchRecord {
    return {
      _id: objectId(now),
      agent: agent._id,
      name,
      isDefault: false,
      sourceBranchId: null,
      sourceRevisionId: null,
      headRevisionId: null,
      status: 'active',
      createdAt: now,
      updatedAt: now,
      draft: null,
      draftRows: [],
      publish: null,
    };
  }

  private requireFreeName(model: AtomsBranchModel, name: string, except?: BranchRecord): void {
    const wanted = name.trim().toLowerCase();
    const taken = model.branches.some(
      (b) => b !== except && b.status === 'active' && b.name.trim().toLowerCase() === wanted,
    );
    if (taken) throw conflictError('branch_name_exists', `A branch named "${name}" already exists`);
  }

  /** `POST /branches`: forks the source branch's head; the new branch has no commit yet. */
  createBranch(agent: AtomsAgentRecord, sourceBranchId: string, name: string): BranchRecord {
    const model = this.requireModel(agent);
    const source = this.requireBranch(agent, sourceBranchId);
    if (this.scanning(source)) {
      throw conflictError('source_scanning', 'The source branch has a draft that is still scanning');
    }
    if (!source.headRevisionId) {
      throw conflictError('source_has_no_commit', 'The source branch has no committed revision');
    }
    this.requireFreeName(model, name);
    const branch = this.newBranch(agent, name, this.store.now());
    branch.sourceBranchId = source._id;
    branch.sourceRevisionId = source.headRevisionId;
    model.branches.push(branch);
    return branch;
  }

  /** `PATCH /branches/{branchId}`: not `Main`, not archived, name free. */
  rename(agent: AtomsAgentRecord, branch: BranchRecord, name: string): void {
    if (branch.isDefault) throw atomsError(403, 'The default branch cannot be renamed');
    this.requireActive(branch);
    this.requireFreeName(this.requireModel(agent), name, branch);
    branch.name = name;
    branch.updatedAt = this.store.now();
  }

  /** `POST /branches/{branchId}/archive`: not `Main`, not live; idempotent; cancels a publish. */
  archive(agent: AtomsAgentRecord, branch: BranchRecord): void {
    if (branch.isDefault) throw atomsError(403, 'The default branch cannot be archived');
    if (this.requireModel(agent).liveBranchId === branch._id) {
      throw atomsError(403, 'The live branch cannot be archived');
    }
    if (branch.status === 'archived') return;
    branch.status = 'archived';
    branch.publish = null;
    branch.updatedAt = this.store.now();
  }

  /** `POST /branches/{branchId}/live`: its head starts serving; idempotent. */
  makeLive(agent: AtomsAgentRecord, branch: BranchRecord): void {
    const model = this.requireModel(agent);
    if (branch.status === 'archived') throw atomsError(403, 'An archived branch cannot be made live');
    const head = this.head(agent, branch);
    if (!head) throw conflictError('no_committed_revision', 'The branch has no committed revision');
    if (!this.passedScan(head)) {
      throw atomsError(403, 'The head revision has not passed the security check');
    }
    if (model.liveBranchId === branch._id) return;
    const now = this.store.now();
    model.liveBranchId = branch._id;
    branch.updatedAt = now;
    this.syncLive(agent, now);
  }

  /** Points the agent's active version at the live branch's head (what `GET /agent` serves). */
  private syncLive(agent: AtomsAgentRecord, at: number): void {
    const model = agent.branchModel!;
    const live = model.branches.find((b) => b._id === model.liveBranchId)!;
    const headId = live.headRevisionId;
    if (!headId || agent.activeVersionId === headId) return;
    for (const version of agent.versions) {
      const isHead = version._id === headId;
      if (isHead && !version.isActive) {
        version.activatedAt = at;
        version.activatedBy = EMULATOR_USER.id;
      }
      version.isActive = isHead;
    }
    agent.activeVersionId = headId;
    agent.updatedAt = at;
  }

  // ---- draft -------------------------------------------------------------------------------

  /**
   * The config fields of a `PUT .../draft` body: at least one recognised field, plus any field
   * the spec does not type (`additionalProperties: true`: passed through into the draft), or the
   * documented 400 when none is recognised or an internal section name is sent at the top level.
   */
  draftPatch(body: Record<string, unknown>): Record<string, unknown> {
    if (Object.keys(body).some((key) => SECTION_NAMES.has(key))) throw atomsError(400, NO_RECOGNIZED_FIELDS);
    if (!CONFIG_FIELDS.some((f) => body[f] !== undefined)) throw atomsError(400, NO_RECOGNIZED_FIELDS);
    return Object.fromEntries(
      Object.entries(body).filter(([key, value]) => key !== 'expectedRevision' && value !== undefined),
    );
  }

  /**
   * `PUT .../draft`: merges the `draftPatch` fields into the branch's draft, opening one from the head (or,
   * before the first commit, from the fork point) when none is open. With `expectedRevision`,
   * an edit to a leaf someone else changed since that revision is a `DraftConflictError`.
   */
  putDraft(
    agent: AtomsAgentRecord,
    branch: BranchRecord,
    patch: Record<string, unknown>,
    expectedRevision: number | undefined,
  ): AtomsVersionRecord {
    const fields = Object.keys(patch);
    this.requireActive(branch);
    if (this.publishInFlight(branch)) {
      throw conflictError('publish_in_progress', 'A publish is in progress on this branch');
    }
    const now = this.store.now();
    let draft = branch.draft;
    let rows = branch.draftRows;
    if (!draft) {
      const baseId = branch.headRevisionId ?? branch.sourceRevisionId!;
      const base = agent.versions.find((v) => v._id === baseId)!;
      draft = this.store.newRecord(agent._id, 'draft', cloneJson(base.config), now);
      draft.branch = branch._id;
      draft.draftId = objectId(now);
      draft.draftRevision = 0;
      draft.sourceVersionId = baseId;
      draft.parentVersion = baseId;
      draft.blocks = withPlaybooks(base.blocks, now);
      rows = [this.row(draft, [])];
    }
    const latestRevision = draft.draftRevision ?? 0;
    if (expectedRevision !== undefined && expectedRevision > latestRevision) {
      throw new HttpError({ status: 409, body: { status: false, errors: ['base_revision_unavailable'] } });
    }
    if (expectedRevision !== undefined && expectedRevision < latestRevision) {
      this.checkConflicts(
        rows[expectedRevision]!.config,
        draft.config,
        patch,
        expectedRevision,
        latestRevision,
      );
    }
    const after: AtomsConfig = cloneJson(draft.config);
    for (const field of fields) after[field] = mergeValue(draft.config[field], patch[field]);
    this.validate(after, fields, draft.config);

    const sections = this.store.applyDraftConfig(draft, after);
    // The content changed: an earlier scan result no longer applies.
    draft.check = null;
    branch.publish = null;
    rows.push(this.row(draft, sections));
    if (!branch.draft) {
      branch.draft = draft;
      agent.drafts.set(draft.draftId!, draft);
    }
    branch.draftRows = rows;
    branch.updatedAt = now;
    return draft;
  }

  private row(draft: AtomsVersionRecord, sections: AtomsSection[]): DraftRow {
    return {
      _id: draft._id,
      draftRevision: draft.draftRevision ?? 0,
      blocks: { ...draft.blocks },
      config: cloneJson(draft.config),
      changedSections: sections,
      updatedAt: draft.updatedAt,
    };
  }

  private checkConflicts(
    base: AtomsConfig,
    latest: AtomsConfig,
    patch: Record<string, unknown>,
    expectedRevision: number,
    latestRevision: number,
  ): void {
    const theirs = sectionLeafChanges(base, latest);
    const mineAfter: AtomsConfig = cloneJson(base);
    for (const [field, value] of Object.entries(patch)) mineAfter[field] = mergeValue(base[field], value);
    const conflicts: { path: string; baseValue: unknown; latestValue: unknown; requestedValue: unknown }[] =
      [];
    for (const mine of sectionLeafChanges(base, mineAfter)) {
      const clashing = theirs.filter((t) => overlaps(t.path, mine.path));
      const sameEdit = clashing.every((t) => t.path === mine.path && deepEqual(t.newValue, mine.newValue));
      if (clashing.length === 0 || sameEdit) continue;
      conflicts.push({
        path: mine.path,
        baseValue: mine.oldValue,
        latestValue: clashing.length === 1 && clashing[0]!.path === mine.path ? clashing[0]!.newValue : null,
        requestedValue: mine.newValue,
      });
    }
    if (conflicts.length === 0) return;
    const errors = conflicts.map((c) => c.path);
    if (this.readings.draftConflict === 'lean')
      throw new HttpError({ status: 409, body: { status: false, errors } });
    throw new HttpError({
      status: 409,
      body: {
        status: false,
        errors,
        data: { conflict: { expectedRevision, latestRevision, diffs: conflicts } },
      },
    });
  }

  private validate(after: AtomsConfig, fields: string[], current: AtomsConfig): void {
    const error = validateV2DraftFields(after, fields, current);
    if (error) throw atomsError(400, error);
  }

  /** `DELETE .../draft`: the head stays; an armed publish goes with the draft. */
  discardDraft(agent: AtomsAgentRecord, branch: BranchRecord): void {
    const draft = this.requireDraft(branch);
    draft.status = 'archived';
    agent.drafts.delete(draft.draftId!);
    branch.draft = null;
    branch.draftRows = [];
    branch.publish = null;
    branch.updatedAt = this.store.now();
  }

  // ---- publish, cancel, restore ------------------------------------------------------------

  /**
   * `POST .../draft/publish`. A draft that already passed its scan (re-publish after a cancel)
   * or that is not scannable (`workflow_graph`) commits at once: 200 with the revision. A prompt
   * draft starts a scan: 202 `scanning`, committed when the scan passes. A failed scan leaves
   * the draft open and refuses re-publishing it until it is edited.
   */
  publish(agent: AtomsAgentRecord, branch: BranchRecord, label: string | null): AtomsPublishResult {
    this.requireActive(branch);
    const draft = this.requireDraft(branch);
    if (this.publishInFlight(branch)) {
      throw conflictError('publish_in_progress', 'A publish is already in progress on this branch');
    }
    const now = this.store.now();
    const arm = () => {
      branch.publish = { state: 'active', label, startedAt: now, startedBy: EMULATOR_USER.id };
    };
    if (draft.check) {
      if (isCheckPending(draft.check, now)) {
        arm();
        return { state: 'scanning' };
      }
      if (draft.check.outcome !== 'passed') {
        // The spec lists a failed scan among the 409 causes but names no error_type for it.
        throw atomsError(
          409,
          `Security check failed: ${draft.check.reason ?? draft.check.outcome}. Edit the draft and publish again.`,
        );
      }
      return this.committedResult(agent, this.commit(agent, branch, label, now));
    }
    if (draft.config.workflowType === 'workflow_graph') {
      return this.committedResult(agent, this.commit(agent, branch, label, now));
    }
    draft.check = startSecurityCheck(
      this.securityCheck,
      {
        agentId: agent._id,
        versionId: draft._id,
        versionNumber: this.nextRevisionNumber(agent, branch),
        branchId: branch._id,
        config: draft.config,
      },
      now,
    );
    arm();
    return { state: 'scanning' };
  }

  private committedResult(agent: AtomsAgentRecord, revision: AtomsVersionRecord): AtomsPublishResult {
    return { state: 'committed', revision: this.revisionView(agent, revision) };
  }

  private nextRevisionNumber(agent: AtomsAgentRecord, branch: BranchRecord): number {
    return Math.max(0, ...this.committed(agent, branch).map((v) => v.revisionNumber ?? 0)) + 1;
  }

  /** The draft row becomes the branch's new head revision (same `_id`); the draft closes. */
  private commit(
    agent: AtomsAgentRecord,
    branch: BranchRecord,
    label: string | null,
    at: number,
  ): AtomsVersionRecord {
    const row = branch.draft!;
    agent.drafts.delete(row.draftId!);
    row.status = 'published';
    row.revisionNumber = this.nextRevisionNumber(agent, branch);
    row.versionNumber = null;
    row.label = label;
    row.publishedBy = EMULATOR_USER.id;
    row.publishedAt = at;
    row.updatedAt = at;
    row.sourceDraftId = row.draftId;
    row.draftId = null;
    row.draftName = null;
    row.draftRevision = null;
    row.parentVersion = branch.headRevisionId ?? branch.sourceRevisionId;
    agent.versions.push(row);
    branch.draft = null;
    branch.draftRows = [];
    branch.publish = null;
    this.advanceHead(agent, branch, row, at);
    return row;
  }

  private advanceHead(agent: AtomsAgentRecord, branch: BranchRecord, row: AtomsVersionRecord, at: number) {
    branch.headRevisionId = row._id;
    branch.updatedAt = at;
    agent.updatedAt = at;
    if (agent.branchModel!.liveBranchId === branch._id) this.syncLive(agent, at);
  }

  /** `POST .../publish/cancel`: idempotent. The scan runs on; its result is kept on the draft. */
  cancelPublish(branch: BranchRecord): void {
    if (branch.publish?.state === 'active') branch.publish.state = 'cancelled';
  }

  /**
   * `POST .../revisions/{revisionId}/restore`: the revision's config is committed again as a new
   * head revision (synchronously: its content already passed a scan). Older revisions and the
   * draft slot are untouched.
   */
  restore(agent: AtomsAgentRecord, branch: BranchRecord, revisionId: string): AtomsPublishResult {
    this.requireActive(branch);
    const source = this.requireRevision(agent, branch, revisionId);
    if (this.publishInFlight(branch)) {
      throw conflictError('publish_in_progress', 'A publish is already in progress on this branch');
    }
    if (source.status !== 'published' || !this.passedScan(source)) {
      throw atomsError(403, 'Only a revision that passed the security check can be restored');
    }
    const now = this.store.now();
    const row = this.store.newRecord(agent._id, 'published', cloneJson(source.config), now);
    row.branch = branch._id;
    row.revisionNumber = this.nextRevisionNumber(agent, branch);
    row.restoredFromRevisionId = source._id;
    row.restoredFromLabel = source.label;
    row.publishedBy = EMULATOR_USER.id;
    row.publishedAt = now;
    row.sourceVersionId = source._id;
    row.parentVersion = branch.headRevisionId;
    row.blocks = withPlaybooks(source.blocks, now);
    row.check = passedSecurityCheck(now);
    agent.versions.push(row);
    this.advanceHead(agent, branch, row, now);
    return this.committedResult(agent, row);
  }

  // ---- views -------------------------------------------------------------------------------

  branchView(branch: BranchRecord): AtomsBranch {
    return {
      _id: branch._id,
      agent: branch.agent,
      name: branch.name,
      isDefault: branch.isDefault,
      sourceBranchId: branch.sourceBranchId,
      sourceRevisionId: branch.sourceRevisionId,
      headRevisionId: branch.headRevisionId,
      openDraftId: (this.readings.openDraftId === '_id' ? branch.draft?._id : branch.draft?.draftId) ?? null,
      status: branch.status,
      createdBy: EMULATOR_USER.id,
      updatedBy: EMULATOR_USER.id,
      createdAt: iso(branch.createdAt)!,
      updatedAt: iso(branch.updatedAt)!,
    };
  }

  summary(agent: AtomsAgentRecord, branch: BranchRecord): AtomsBranchSummary {
    return {
      branch: this.branchView(branch),
      isLive: agent.branchModel?.liveBranchId === branch._id,
      hasOpenDraft: branch.draft !== null,
      revisionsCount: this.committed(agent, branch).length,
      headRevisionNumber: this.head(agent, branch)?.revisionNumber ?? null,
    };
  }

  revisionView(agent: AtomsAgentRecord, record: AtomsVersionRecord): AtomsRevision {
    const branch = agent.branchModel?.branches.find((b) => b._id === record.branch);
    const publish = branch?.draft === record ? branch.publish : null;
    return {
      ...this.store.versionView(record),
      securityCheck: record.check ? securityCheckView(record.check, this.store.now()) : null,
      branch: record.branch,
      revisionNumber: record.revisionNumber,
      pendingPublish: publish
        ? { state: publish.state, startedBy: publish.startedBy, startedAt: iso(publish.startedAt)! }
        : null,
      restoredFromLabel: record.restoredFromLabel,
      restoredFromRevisionId: record.restoredFromRevisionId,
      sourceDraftId: record.sourceDraftId,
      publishedByName: record.publishedBy ? EMULATOR_USER.name : null,
      promptScore: null,
      promptScoreStale: false,
    };
  }

  revisionSnapshot(agent: AtomsAgentRecord, record: AtomsVersionRecord): AtomsRevisionSnapshot {
    return { ...this.revisionView(agent, record), config: cloneJson(record.config) };
  }

  /** `GET .../draft` (`DraftDetail`): edit history newest first, each with the row as it was. */
  draftDetail(agent: AtomsAgentRecord, branch: BranchRecord) {
    const draft = this.requireDraft(branch);
    const latest = this.revisionView(agent, draft);
    const editorName = EMULATOR_USER.name;
    const editHistory = branch.draftRows
      .slice(1)
      .reverse()
      .map((row) => ({
        revision: {
          ...latest,
          _id: row._id,
          draftRevision: row.draftRevision,
          blocks: { ...row.blocks },
          updatedAt: iso(row.updatedAt)!,
          securityCheck: row._id === draft._id ? latest.securityCheck : null,
          pendingPublish: row._id === draft._id ? latest.pendingPublish : null,
        },
        changedSections: [...row.changedSections],
        editorName,
      }));
    return { latest, editCount: editHistory.length, editHistory };
  }

  /** `GET .../revisions/{revisionId}/history`: the revision and the commits that led to it. */
  history(agent: AtomsAgentRecord, branch: BranchRecord, revision: AtomsVersionRecord) {
    const limit = revision.revisionNumber ?? Number.POSITIVE_INFINITY;
    const chain = [
      ...(revision.status === 'published' ? [] : [revision]),
      ...this.committed(agent, branch).filter((v) => (v.revisionNumber ?? 0) <= limit),
    ];
    const trail = chain.map((record) => {
      const parent = record.parentVersion ? this.findRevision(agent, record.parentVersion) : undefined;
      return {
        revision: this.revisionView(agent, record),
        changedSections: parent ? changedSections(parent.config, record.config) : [],
      };
    });
    return {
      revision: this.revisionView(agent, revision),
      // The spec types it as a string (the publisher's user id, as on `Revision.publishedBy`).
      ...(revision.publishedBy ? { publishedBy: revision.publishedBy } : {}),
      trail,
    };
  }

  /** One side of `GET /diff`: a revision id or `<branchId>:draft`; unknown → 404. */
  diffSide(agent: AtomsAgentRecord, token: string): AtomsConfig {
    const draftToken = /^([a-f\d]{24}):draft$/i.exec(token);
    if (draftToken) return this.requireDraft(this.requireBranch(agent, draftToken[1]!)).config;
    const revision = this.findRevision(agent, token);
    if (!revision) throw atomsError(404, 'Resource not found');
    return revision.config;
  }

  /** The config a v2 test call runs: the open draft, a revision, or the head. */
  testCallTarget(
    agent: AtomsAgentRecord,
    branch: BranchRecord,
    target: { includeDraft: boolean; revisionId?: string },
  ): void {
    if (target.includeDraft) {
      this.requireDraft(branch);
      return;
    }
    if (target.revisionId !== undefined) {
      const revision = this.findRevision(agent, target.revisionId);
      if (!revision || revision.branch !== branch._id) throw atomsError(404, 'Resource not found');
      return;
    }
    if (!branch.headRevisionId) {
      throw conflictError('no_committed_revision', 'The branch has no committed revision');
    }
  }

  // ---- state helpers -----------------------------------------------------------------------

  branches(agent: AtomsAgentRecord): AtomsBranchSummary[] {
    return (agent.branchModel?.branches ?? []).map((b) => this.summary(agent, b));
  }

  revisions(agent: AtomsAgentRecord, branchId: string): AtomsRevisionSnapshot[] {
    const branch = agent.branchModel?.branches.find((b) => b._id === branchId);
    return branch ? this.committed(agent, branch).map((r) => this.revisionSnapshot(agent, r)) : [];
  }

  branchDraft(agent: AtomsAgentRecord, branchId: string): AtomsBranchDraftSnapshot | undefined {
    const branch = agent.branchModel?.branches.find((b) => b._id === branchId);
    if (!branch?.draft) return undefined;
    return { ...this.revisionSnapshot(agent, branch.draft), editCount: branch.draftRows.length - 1 };
  }
}
