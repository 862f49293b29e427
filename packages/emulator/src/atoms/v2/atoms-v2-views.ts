import { cloneJson } from '../../kit/json-utils.js';
import { type AtomsConfig, changedSections } from '../atoms-config.js';
import type { AtomsAgentRecord, AtomsVersionRecord } from '../atoms-records.js';
import { atomsError, conflictError } from '../atoms-responses.js';
import { securityCheckView } from '../atoms-security-check.js';
import { EMULATOR_USER, iso } from '../atoms-user.js';
import { BranchBase } from './atoms-v2-base.js';
import type {
  AtomsBranch,
  AtomsBranchDraftSnapshot,
  AtomsBranchSummary,
  AtomsRevision,
  AtomsRevisionSnapshot,
  BranchRecord,
} from './atoms-v2-model.js';

/** The branch model as the API and the state helpers show it. */
export class BranchViews extends BranchBase {
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

  private headNumber(agent: AtomsAgentRecord, branch: BranchRecord): number | null {
    const head = this.head(agent, branch);
    return head ? this.rev(head).revisionNumber : null;
  }

  summary(agent: AtomsAgentRecord, branch: BranchRecord): AtomsBranchSummary {
    return {
      branch: this.branchView(branch),
      isLive: this.modelOf(agent)?.liveBranchId === branch._id,
      hasOpenDraft: branch.draft !== null,
      revisionsCount: this.committed(agent, branch).length,
      headRevisionNumber: this.headNumber(agent, branch),
    };
  }

  revisionView(agent: AtomsAgentRecord, record: AtomsVersionRecord): AtomsRevision {
    const branch = this.modelOf(agent)?.branches.find((b) => b._id === this.rev(record).branch);
    const publish = branch?.draft === record ? branch.publish : null;
    return {
      ...this.store.versionView(record),
      securityCheck: record.check ? securityCheckView(record.check, this.store.now()) : null,
      branch: this.rev(record).branch,
      revisionNumber: this.rev(record).revisionNumber,
      pendingPublish: publish
        ? { state: publish.state, startedBy: publish.startedBy, startedAt: iso(publish.startedAt)! }
        : null,
      restoredFromLabel: this.rev(record).restoredFromLabel,
      restoredFromRevisionId: this.rev(record).restoredFromRevisionId,
      sourceDraftId: this.rev(record).sourceDraftId,
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
    const limit = this.rev(revision).revisionNumber ?? Number.POSITIVE_INFINITY;
    const chain = [
      ...(revision.status === 'published' ? [] : [revision]),
      ...this.committed(agent, branch).filter((v) => (this.rev(v).revisionNumber ?? 0) <= limit),
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
      if (!revision || this.rev(revision).branch !== branch._id) throw atomsError(404, 'Resource not found');
      return;
    }
    if (!branch.headRevisionId) {
      throw conflictError('no_committed_revision', 'The branch has no committed revision');
    }
  }

  // ---- state helpers -----------------------------------------------------------------------

  branches(agent: AtomsAgentRecord): AtomsBranchSummary[] {
    return (this.modelOf(agent)?.branches ?? []).map((b) => this.summary(agent, b));
  }

  revisions(agent: AtomsAgentRecord, branchId: string): AtomsRevisionSnapshot[] {
    const branch = this.modelOf(agent)?.branches.find((b) => b._id === branchId);
    return branch ? this.committed(agent, branch).map((r) => this.revisionSnapshot(agent, r)) : [];
  }

  branchDraft(agent: AtomsAgentRecord, branchId: string): AtomsBranchDraftSnapshot | undefined {
    const branch = this.modelOf(agent)?.branches.find((b) => b._id === branchId);
    if (!branch?.draft) return undefined;
    return { ...this.revisionSnapshot(agent, branch.draft), editCount: branch.draftRows.length - 1 };
  }
}
