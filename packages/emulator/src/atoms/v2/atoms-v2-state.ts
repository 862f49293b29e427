import { cloneJson } from '../../kit/json-utils.js';
import type { AtomsAgentRecord, AtomsVersionRecord } from '../atoms-records.js';
import { atomsError, conflictError } from '../atoms-responses.js';
import { isCheckPending, passedSecurityCheck, startSecurityCheck } from '../atoms-security-check.js';
import { EMULATOR_USER } from '../atoms-user.js';
import { BranchDrafts, withPlaybooks } from './atoms-v2-drafts.js';
import type { AtomsPublishResult, BranchRecord } from './atoms-v2-model.js';

export type {
  AtomsBranch,
  AtomsBranchDraftSnapshot,
  AtomsBranchModel,
  AtomsBranchSummary,
  AtomsPendingPublish,
  AtomsPublishResult,
  AtomsRevision,
  AtomsRevisionSnapshot,
  AtomsV2Readings,
  AtomsVersioning,
} from './atoms-v2-model.js';

/**
 * The v2 branch model on top of the v1 store: branches, one draft per branch, revisions (which
 * are `AgentVersion` rows in the agent's version list, so v1 by-id reads resolve them and a
 * migrated v1 `versionId` is its `revisionId`), scanning publishes, the live branch, restore and
 * migration. Scans are timestamps compared on read (`settle`), like the v1 security check.
 * This file holds the scans, publish, cancel and restore; the layers below hold the rest.
 */
export class AtomsBranchStore extends BranchDrafts {
  // ---- scans -------------------------------------------------------------------------------

  /** Applies every scan that completed since the last look: passed + armed → commit. */
  settle(agent: AtomsAgentRecord): void {
    const model = this.modelOf(agent);
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

  protected committedResult(agent: AtomsAgentRecord, revision: AtomsVersionRecord): AtomsPublishResult {
    return { state: 'committed', revision: this.revisionView(agent, revision) };
  }

  protected nextRevisionNumber(agent: AtomsAgentRecord, branch: BranchRecord): number {
    return Math.max(0, ...this.committed(agent, branch).map((v) => this.rev(v).revisionNumber ?? 0)) + 1;
  }

  /** The draft row becomes the branch's new head revision (same `_id`); the draft closes. */
  protected commit(
    agent: AtomsAgentRecord,
    branch: BranchRecord,
    label: string | null,
    at: number,
  ): AtomsVersionRecord {
    const row = branch.draft!;
    agent.drafts.delete(row.draftId!);
    row.status = 'published';
    this.rev(row).revisionNumber = this.nextRevisionNumber(agent, branch);
    row.versionNumber = null;
    row.label = label;
    row.publishedBy = EMULATOR_USER.id;
    row.publishedAt = at;
    row.updatedAt = at;
    this.rev(row).sourceDraftId = row.draftId;
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
    this.rev(row).branch = branch._id;
    this.rev(row).revisionNumber = this.nextRevisionNumber(agent, branch);
    this.rev(row).restoredFromRevisionId = source._id;
    this.rev(row).restoredFromLabel = source.label;
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
}
