import type { AtomsAgentRecord, AtomsVersionRecord } from '../atoms-records.js';
import { atomsError } from '../atoms-responses.js';
import { type AtomsSecurityCheckOptions, isCheckPending } from '../atoms-security-check.js';
import type { AtomsV1Store } from '../v1/atoms-v1-store.js';
import type { AtomsBranchModel, AtomsV2Readings, BranchRecord, RevisionMeta } from './atoms-v2-model.js';

/**
 * What every part of the branch model shares: the per-agent models, the branch-model fields of
 * rows (beside the v1 rows, which stay v1), scan predicates and lookups. The v2 store builds on
 * the v1 store, never the other way round.
 */
export class BranchBase {
  /** Branch models by agent id; an agent without one is not migrated. */
  protected readonly models = new Map<string, AtomsBranchModel>();
  private readonly metas = new WeakMap<AtomsVersionRecord, RevisionMeta>();

  constructor(
    protected readonly store: AtomsV1Store,
    protected readonly securityCheck: AtomsSecurityCheckOptions,
    protected readonly readings: AtomsV2Readings = {},
  ) {}

  /** The agent's branch model, or undefined when it is not migrated. */
  modelOf(agent: AtomsAgentRecord): AtomsBranchModel | undefined {
    return this.models.get(agent._id);
  }

  isMigrated(agentId: string): boolean {
    return this.models.has(agentId);
  }

  /** The branch-model fields of a row (all null on a row the branch model never touched). */
  protected rev(record: AtomsVersionRecord): RevisionMeta {
    let meta = this.metas.get(record);
    if (!meta) {
      meta = {
        branch: null,
        revisionNumber: null,
        sourceDraftId: null,
        restoredFromRevisionId: null,
        restoredFromLabel: null,
      };
      this.metas.set(record, meta);
    }
    return meta;
  }

  /** Drops a row's branch-model fields (rollback to v1). */
  protected forget(record: AtomsVersionRecord): void {
    this.metas.delete(record);
  }

  /** A publish or restore is in flight on the branch (only one at a time). */
  protected publishInFlight(branch: BranchRecord): boolean {
    return branch.publish?.state === 'active';
  }

  /** The branch's draft is being scanned (armed or cancelled: the scan runs to its end). */
  protected scanning(branch: BranchRecord): boolean {
    const check = branch.draft?.check;
    return check !== undefined && check !== null && isCheckPending(check, this.store.now());
  }

  /** No scan ran (pre-feature rows, graph commits) or it passed. */
  protected passedScan(record: AtomsVersionRecord): boolean {
    const check = record.check;
    return !check || (!isCheckPending(check, this.store.now()) && check.outcome === 'passed');
  }

  // ---- lookups -----------------------------------------------------------------------------

  /** The agent's branch model, or the 404 an unmigrated agent gets on the v2 routes. */
  requireModel(agent: AtomsAgentRecord): AtomsBranchModel {
    const model = this.modelOf(agent);
    if (!model) throw atomsError(404, 'Resource not found');
    return model;
  }

  /** A branch of the agent (archived ones included: by-id reads still work), else a 404. */
  requireBranch(agent: AtomsAgentRecord, branchId: string): BranchRecord {
    const branch = this.requireModel(agent).branches.find((b) => b._id === branchId);
    if (!branch) throw atomsError(404, 'Resource not found');
    return branch;
  }

  protected requireActive(branch: BranchRecord): void {
    if (branch.status === 'archived') throw atomsError(403, 'Branch is archived');
  }

  protected requireDraft(branch: BranchRecord): AtomsVersionRecord {
    if (!branch.draft) throw atomsError(404, 'Resource not found');
    return branch.draft;
  }

  /** Committed revisions of a branch, newest first. */
  committed(agent: AtomsAgentRecord, branch: BranchRecord): AtomsVersionRecord[] {
    return agent.versions
      .filter((v) => this.rev(v).branch === branch._id)
      .sort((a, b) => (this.rev(b).revisionNumber ?? 0) - (this.rev(a).revisionNumber ?? 0));
  }

  /** `GET .../revisions`: committed revisions plus the draft row a publish was attempted on. */
  listed(agent: AtomsAgentRecord, branch: BranchRecord): AtomsVersionRecord[] {
    const attempt = branch.draft?.check ? [branch.draft] : [];
    return [...attempt, ...this.committed(agent, branch)];
  }

  protected head(agent: AtomsAgentRecord, branch: BranchRecord): AtomsVersionRecord | undefined {
    return agent.versions.find((v) => v._id === branch.headRevisionId);
  }

  /** A committed revision, or the current row of a branch's draft, by `_id`. */
  findRevision(agent: AtomsAgentRecord, revisionId: string): AtomsVersionRecord | undefined {
    return (
      agent.versions.find((v) => v._id === revisionId) ??
      this.modelOf(agent)?.branches.find((b) => b.draft?._id === revisionId)?.draft ??
      undefined
    );
  }

  /** A revision on this branch: unknown → 404, on another branch → 400 (as documented). */
  requireRevision(agent: AtomsAgentRecord, branch: BranchRecord, revisionId: string): AtomsVersionRecord {
    const revision = this.findRevision(agent, revisionId);
    if (!revision) throw atomsError(404, 'Resource not found');
    if (this.rev(revision).branch !== branch._id) {
      throw atomsError(400, 'Invalid input: revision does not belong to this branch');
    }
    return revision;
  }
}
