import type { AtomsConfig, AtomsSection } from '../atoms-config.js';
import type { AtomsVersion, AtomsVersionBlocks, AtomsVersionRecord } from '../atoms-records.js';
import type { SecurityCheckView } from '../atoms-security-check.js';

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

export interface PublishRecord {
  state: 'active' | 'cancelled';
  label: string | null;
  startedAt: number;
  startedBy: string;
}

/** The draft row as it was after one revision (index = `draftRevision`; 0 = the base). */
export interface DraftRow {
  _id: string;
  draftRevision: number;
  blocks: AtomsVersionBlocks;
  config: AtomsConfig;
  changedSections: AtomsSection[];
  updatedAt: number;
}

export interface BranchRecord {
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

/**
 * The branch-model fields of an `AgentVersion` row (a revision or a branch draft). Kept beside the
 * v1 row, not on it: a v1 row knows nothing of branches.
 */
export interface RevisionMeta {
  /** The branch of a revision or branch draft. */
  branch: string | null;
  /** The per-branch number of a committed revision. */
  revisionNumber: number | null;
  sourceDraftId: string | null;
  restoredFromRevisionId: string | null;
  restoredFromLabel: string | null;
}
