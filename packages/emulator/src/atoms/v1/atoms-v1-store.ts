import { HttpError } from '../../kit/http-kit.js';
import { objectId, randomHex } from '../../kit/ids.js';
import { cloneJson } from '../../kit/json-utils.js';
import { type AtomsConfig, type AtomsSection, CONFIG_FIELDS, changedSections } from '../atoms-config.js';
import { validateConfigFields } from '../atoms-config-checks.js';
import type {
  AtomsAgentRecord,
  AtomsDraftEdit,
  AtomsDraftSnapshot,
  AtomsVersion,
  AtomsVersionRecord,
  AtomsVersionSnapshot,
} from '../atoms-records.js';
import { atomsError } from '../atoms-responses.js';
import { isCheckPending, securityCheckView, startSecurityCheck } from '../atoms-security-check.js';
import { EMULATOR_USER, iso } from '../atoms-user.js';
import { AtomsAgentStore } from './atoms-v1-agents.js';

/** The v1 lifecycle: drafts (fork, edit, publish, discard), versions (activate) and their views. */
export class AtomsV1Store extends AtomsAgentStore {
  get exposeSecurityCheck(): boolean {
    return this.options.securityCheck.expose ?? true;
  }

  get pendingStatus(): number {
    return this.options.securityCheck.pendingStatus ?? 400;
  }

  // ---- drafts ----------------------------------------------------------------------------

  /** `POST /agent/{id}/drafts`: ids already shape-checked by the route. */
  fork(
    agent: AtomsAgentRecord,
    input: { sourceVersionId?: string; sourceDraftId?: string; draftName?: string },
  ): AtomsVersionRecord {
    let config: AtomsConfig;
    let sourceVersionId: string;
    if (input.sourceDraftId !== undefined) {
      const source = agent.drafts.get(input.sourceDraftId);
      if (!source) throw atomsError(404, 'Source draft not found');
      if (input.sourceVersionId !== undefined) this.requireSourceVersion(agent, input.sourceVersionId);
      config = source.config;
      sourceVersionId = input.sourceVersionId ?? source.sourceVersionId!;
    } else {
      config = this.requireSourceVersion(agent, input.sourceVersionId!).config;
      sourceVersionId = input.sourceVersionId!;
    }
    const now = this.clock.now();
    const draft = this.newRecord(agent._id, 'draft', cloneJson(config), now);
    draft.draftId = `draft_${randomHex(12)}`;
    draft.draftName = input.draftName ?? null;
    draft.draftRevision = 0;
    draft.sourceVersionId = sourceVersionId;
    draft.parentVersion = sourceVersionId;
    agent.drafts.set(draft.draftId, draft);
    return draft;
  }

  private requireSourceVersion(agent: AtomsAgentRecord, versionId: string): AtomsVersionRecord {
    const version = agent.versions.find((v) => v._id === versionId);
    if (!version) throw atomsError(404, 'Source version not found');
    return version;
  }

  /**
   * `PATCH .../config`: recognised top-level fields replace the stored value wholesale. Each
   * call is a new revision row (new `_id`, rotated block ids of the changed sections).
   */
  patchDraftConfig(draft: AtomsVersionRecord, body: Record<string, unknown>): AtomsVersionRecord {
    const fields = CONFIG_FIELDS.filter((f) => body[f] !== undefined);
    if (fields.length === 0) throw atomsError(400, 'No recognized config fields');
    const error = validateConfigFields(body, draft.config, 'draft');
    if (error) throw atomsError(400, error);
    const after: AtomsConfig = { ...cloneJson(draft.config) };
    for (const field of fields) after[field] = cloneJson(body[field]);
    if (body.singlePromptConfig !== undefined) {
      const spc = body.singlePromptConfig as { prompt: string; tools?: unknown[] };
      // The documented hazard: the schema default for tools is [], so omitting them clears them.
      after.singlePromptConfig = { prompt: spc.prompt, tools: cloneJson(spc.tools ?? []) };
    }
    this.applyDraftConfig(draft, after);
    return draft;
  }

  /**
   * Stores a draft's new config as its next revision (new `_id`, `draftRevision + 1`, rotated
   * block ids of the changed sections, an edit-history entry) and returns the changed sections.
   */
  applyDraftConfig(draft: AtomsVersionRecord, after: AtomsConfig): AtomsSection[] {
    const sections = changedSections(draft.config, after);
    const now = this.clock.now();
    draft.config = after;
    draft._id = objectId(now);
    draft.draftRevision = (draft.draftRevision ?? 0) + 1;
    draft.updatedAt = now;
    for (const section of sections) draft.blocks[section] = objectId(now);
    draft.editHistory.push({
      revision: draft.draftRevision,
      changedSections: sections,
      editorName: EMULATOR_USER.name,
      editorId: EMULATOR_USER.id,
      timestamp: iso(now)!,
    });
    draft.lastEditorName = EMULATOR_USER.name;
    return sections;
  }

  renameDraft(draft: AtomsVersionRecord, draftName: string): void {
    draft.draftName = draftName;
    draft.updatedAt = this.clock.now();
  }

  discardDraft(agent: AtomsAgentRecord, draftId: string): void {
    const draft = this.requireDraft(agent, draftId);
    draft.status = 'archived';
    agent.drafts.delete(draftId);
  }

  /** `POST .../publish`: a new, inactive version; `activate` is deliberately not honoured. */
  publish(
    agent: AtomsAgentRecord,
    draftId: string,
    meta: { label: string | null; description: string | null },
  ) {
    const draft = this.requireDraft(agent, draftId);
    const now = this.clock.now();
    const version = this.newRecord(agent._id, 'published', cloneJson(draft.config), now);
    version.versionNumber = Math.max(0, ...agent.versions.map((v) => v.versionNumber ?? 0)) + 1;
    version.label = meta.label;
    version.description = meta.description;
    version.publishedBy = EMULATOR_USER.id;
    version.publishedAt = now;
    version.sourceVersionId = draft.sourceVersionId;
    version.parentVersion = draft.sourceVersionId;
    version.blocks = { ...draft.blocks };
    version.check = startSecurityCheck(
      this.options.securityCheck,
      {
        agentId: agent._id,
        versionId: version._id,
        versionNumber: version.versionNumber,
        config: version.config,
      },
      now,
    );
    agent.versions.push(version);
    agent.drafts.delete(draftId);
    draft.status = 'published';
    agent.updatedAt = now;
    return version;
  }

  // ---- versions --------------------------------------------------------------------------

  /** `PATCH .../activate`: idempotent; refused until the security check passed. */
  activate(agent: AtomsAgentRecord, versionId: string): AtomsVersionRecord {
    const version = this.requireVersion(agent, versionId);
    if (version.isActive) return version;
    const now = this.clock.now();
    const check = version.check;
    if (check && isCheckPending(check, now)) {
      throw new HttpError({
        status: this.pendingStatus,
        body: {
          status: false,
          errors: ['Security check pending for this version. Retry activation once the check has passed.'],
        },
      });
    }
    if (check && check.outcome !== 'passed') {
      throw atomsError(400, `Security check failed: ${check.reason ?? check.outcome}`);
    }
    for (const v of agent.versions) v.isActive = false;
    version.isActive = true;
    version.activatedAt = now;
    version.activatedBy = EMULATOR_USER.id;
    version.updatedAt = now;
    agent.activeVersionId = version._id;
    agent.updatedAt = now;
    return version;
  }

  /**
   * Published versions newest first. The list is kept in publish order, so this is the
   * `versionNumber` order on v1 and stays right for v2 revisions (which have no v1 number).
   */
  publishedNewestFirst(agent: AtomsAgentRecord): AtomsVersionRecord[] {
    return [...agent.versions].reverse();
  }

  // ---- views -----------------------------------------------------------------------------

  /** The `AgentVersion` row as the API shows it (no config). */
  versionView(record: AtomsVersionRecord): AtomsVersion {
    const view: AtomsVersion = {
      _id: record._id,
      agent: record.agent,
      status: record.status,
      versionNumber: record.versionNumber,
      label: record.label,
      description: record.description,
      isPinned: record.isPinned,
      publishedBy: record.publishedBy,
      publishedAt: iso(record.publishedAt),
      activatedBy: record.activatedBy,
      activatedAt: iso(record.activatedAt),
      draftId: record.draftId,
      draftName: record.draftName,
      draftRevision: record.draftRevision,
      sourceVersionId: record.sourceVersionId,
      parentVersion: record.parentVersion,
      blocks: { ...record.blocks },
      workflowType: String(record.config.workflowType ?? 'single_prompt'),
      isActive: record.isActive,
      createdBy: record.createdBy,
      createdAt: iso(record.createdAt)!,
      updatedAt: iso(record.updatedAt)!,
    };
    if (this.exposeSecurityCheck) {
      view.securityCheck = record.check ? securityCheckView(record.check, this.clock.now()) : null;
    }
    return view;
  }

  protected snapshot(record: AtomsVersionRecord): AtomsVersionSnapshot {
    const view: AtomsVersionSnapshot = { ...this.versionView(record), config: cloneJson(record.config) };
    // State helpers always show the check, whatever the HTTP exposure setting.
    view.securityCheck = record.check ? securityCheckView(record.check, this.clock.now()) : null;
    return view;
  }

  protected draftSnapshot(record: AtomsVersionRecord): AtomsDraftSnapshot {
    return {
      ...this.snapshot(record),
      editHistory: cloneJson(record.editHistory),
      lastEditorName: record.lastEditorName,
    };
  }

  draftHistory(record: AtomsVersionRecord): AtomsDraftEdit[] {
    return cloneJson(record.editHistory);
  }

  /** A fresh `AgentVersion` row (new ids, nothing published). */
}
