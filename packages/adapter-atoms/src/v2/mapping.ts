/**
 * Pure decisions of the v2 strategy, kept apart from its I/O: which branch an edit targets, how a
 * revision reads as a neutral `VersionInfo`, whether a diff found anything, and what a scanning
 * draft row says about its publish.
 */
import type { PublishGateInfo, VersionInfo } from '@agent-release/core';
import { ATOMS_PROVIDER } from '../shared/ids.js';
import { gateOf } from '../shared/security-check.js';
import type { AtomsBranchSummaryRow, AtomsRevisionRow } from './api.js';

/**
 * The branch an edit or publish targets. With `draftId` (the port's "edit this draft"), the
 * branch whose id or whose open draft's id it is: under v2 a draft is "the draft of a branch", so
 * naming either names the same thing. Without it, the live branch (where a publish goes to
 * production), else the default branch (`Main`). `undefined` when nothing matches.
 */
export function pickBranch(
  branches: readonly AtomsBranchSummaryRow[],
  draftId: string | undefined,
): AtomsBranchSummaryRow | undefined {
  if (draftId !== undefined) {
    return (
      branches.find((b) => b.branch._id === draftId) ?? branches.find((b) => b.branch.openDraftId === draftId)
    );
  }
  return branches.find((b) => b.isLive) ?? branches.find((b) => b.branch.isDefault === true);
}

/** The revision a branch's draft was opened from: its head, or before the first commit its fork point. */
export function baseRevisionOf(summary: AtomsBranchSummaryRow): string | undefined {
  return summary.branch.headRevisionId ?? summary.branch.sourceRevisionId ?? undefined;
}

/** Whether the branch has an open draft (`openDraftId`, or the summary's `hasOpenDraft`). */
export function hasOpenDraft(summary: AtomsBranchSummaryRow): boolean {
  return (summary.branch.openDraftId ?? undefined) !== undefined || summary.hasOpenDraft === true;
}

/** A committed revision (the lifecycle field is `status`; committed rows are `published`). */
export function isCommitted(row: Pick<AtomsRevisionRow, 'status'>): boolean {
  return row.status === 'published';
}

/**
 * A revision as a neutral {@link VersionInfo}: `id` is the revision id (a migrated v1 version
 * keeps its id), `number` the revision number on its branch (else the legacy v1 number), and
 * `isActive` what the caller knows from the branch: whether it is the live branch's head.
 */
export function revisionToVersionInfo(
  agentId: string,
  row: AtomsRevisionRow,
  isActive: boolean,
): VersionInfo {
  const gate = gateOf(row);
  const number = row.revisionNumber ?? row.versionNumber ?? undefined;
  return {
    provider: ATOMS_PROVIDER,
    agentId,
    id: row._id,
    ...(typeof number === 'number' ? { number } : {}),
    ...(typeof row.label === 'string' ? { label: row.label } : {}),
    ...(typeof row.description === 'string' ? { description: row.description } : {}),
    isActive,
    ...(row.publishedAt || row.createdAt ? { createdAt: (row.publishedAt ?? row.createdAt) as string } : {}),
    ...(row.activatedAt ? { activatedAt: row.activatedAt } : {}),
    ...(gate ? { gate } : {}),
  };
}

/**
 * Whether a revision can go live: committed, and its scan (if it has one) neither pending nor
 * failed. Unknown scan words count as ready: a committed revision passed whatever scan ran.
 */
export function isReady(row: AtomsRevisionRow): boolean {
  if (!isCommitted(row)) return false;
  const status = gateOf(row)?.status;
  return status !== 'pending' && status !== 'failed';
}

/** Whether a `DiffResult` lists any change. */
export function diffHasChanges(diff: {
  diffs: ReadonlyArray<{ changes?: readonly unknown[] | null }>;
}): boolean {
  return diff.diffs.some((d) => d.changes === undefined || d.changes === null || d.changes.length > 0);
}

/** One changed field of a draft, as `GET /diff` lists it. */
export interface DraftEdit {
  section: string;
  path?: string | undefined;
  oldValue?: unknown;
  newValue?: unknown;
}

/** The changed fields a `DiffResult` lists (a section without details counts as one edit). */
export function draftEditsOf(diff: {
  diffs: ReadonlyArray<{ section?: string | null; changes?: readonly unknown[] | null }>;
}): DraftEdit[] {
  const edits: DraftEdit[] = [];
  for (const d of diff.diffs) {
    const section = d.section ?? '(section)';
    if (d.changes === undefined || d.changes === null) {
      edits.push({ section });
      continue;
    }
    for (const change of d.changes) {
      const c = (typeof change === 'object' && change !== null ? change : {}) as Record<string, unknown>;
      edits.push({
        section,
        ...(typeof c.path === 'string' ? { path: c.path } : {}),
        ...('oldValue' in c ? { oldValue: c.oldValue } : {}),
        ...('newValue' in c ? { newValue: c.newValue } : {}),
      });
    }
  }
  return edits;
}

/** What one look at a publish's draft row (or the revision it became) says. */
export type ScanState =
  | { kind: 'committed' }
  | { kind: 'failed'; gate: PublishGateInfo }
  | { kind: 'cancelled' }
  | { kind: 'idle'; gate: PublishGateInfo }
  | { kind: 'scanning'; gate: PublishGateInfo | undefined };

/**
 * Reads a publish attempt's row: committed once `status` is `published`; a failed/errored
 * `securityCheck` is terminal; a `pendingPublish` in state `cancelled` means someone cancelled
 * it (the scan runs on but nothing will commit). `idle`: the scan passed but no publish is armed
 * (`pendingPublish: null`) and nothing committed, which is what a publish cancelled before its
 * scan ended looks like afterwards; callers treat it as cancelled once it persists, since a
 * commit may trail the scan result by a moment. Anything else is still scanning.
 */
export function scanStateOf(row: AtomsRevisionRow): ScanState {
  if (isCommitted(row)) return { kind: 'committed' };
  const gate = gateOf(row);
  if (gate?.status === 'failed') return { kind: 'failed', gate };
  if (row.pendingPublish?.state === 'cancelled') return { kind: 'cancelled' };
  if (gate?.status === 'passed' && row.pendingPublish === null) return { kind: 'idle', gate };
  return { kind: 'scanning', gate };
}
