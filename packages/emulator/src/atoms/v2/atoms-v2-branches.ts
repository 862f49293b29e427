import { objectId } from '../../kit/ids.js';
import type { AtomsAgentRecord, AtomsVersionRecord } from '../atoms-records.js';
import { atomsError, conflictError } from '../atoms-responses.js';
import { EMULATOR_USER } from '../atoms-user.js';
import type { AtomsBranchModel, BranchRecord } from './atoms-v2-model.js';
import { BranchViews } from './atoms-v2-views.js';

/** Migration and the branch lifecycle: fork, rename, archive, live. */
export class BranchLifecycle extends BranchViews {
  // ---- migration ---------------------------------------------------------------------------

  /**
   * Backfills the branch model: a live, default `Main` branch whose revisions are the v1
   * versions (same ids, `revisionNumber` = `versionNumber`) and whose head is the active version.
   * Open v1 drafts stay readable through the kept v1 endpoints but belong to no branch.
   */
  migrate(agent: AtomsAgentRecord): void {
    if (this.modelOf(agent)) return;
    const now = this.store.now();
    const main = this.newBranch(agent, 'Main', now);
    main.isDefault = true;
    main.createdAt = agent.createdAt;
    main.headRevisionId = agent.activeVersionId;
    for (const version of agent.versions) {
      this.rev(version).branch = main._id;
      this.rev(version).revisionNumber = version.versionNumber;
    }
    this.models.set(agent._id, { branches: [main], liveBranchId: main._id });
  }

  /**
   * Back to v1: revisions stay published versions (same ids; those without a legacy number get
   * the next ones), the live head stays the active version, open branch drafts become v1 drafts.
   */
  rollback(agent: AtomsAgentRecord): void {
    const model = this.modelOf(agent);
    if (!model) return;
    let next = Math.max(0, ...agent.versions.map((v) => v.versionNumber ?? 0));
    for (const version of agent.versions) {
      version.versionNumber ??= ++next;
      this.forget(version);
    }
    for (const branch of model.branches) {
      if (!branch.draft) continue;
      this.forget(branch.draft);
      branch.draft.check = null;
    }
    this.models.delete(agent._id);
  }

  // ---- branches ----------------------------------------------------------------------------

  protected newBranch(agent: AtomsAgentRecord, name: string, now: number): BranchRecord {
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

  protected requireFreeName(model: AtomsBranchModel, name: string, except?: BranchRecord): void {
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
  protected syncLive(agent: AtomsAgentRecord, at: number): void {
    const model = this.modelOf(agent)!;
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

  /** The branch's new head; on the live branch it starts serving at once. */
  protected advanceHead(agent: AtomsAgentRecord, branch: BranchRecord, row: AtomsVersionRecord, at: number) {
    branch.headRevisionId = row._id;
    branch.updatedAt = at;
    agent.updatedAt = at;
    if (this.modelOf(agent)!.liveBranchId === branch._id) this.syncLive(agent, at);
  }
}
