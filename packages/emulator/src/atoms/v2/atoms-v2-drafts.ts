import { HttpError } from '../../kit/http-kit.js';
import { objectId } from '../../kit/ids.js';
import { cloneJson, deepEqual, isPlainObject, type LeafChange, leafChanges } from '../../kit/json-utils.js';
import {
  ATOMS_SECTIONS,
  type AtomsConfig,
  type AtomsSection,
  CONFIG_FIELDS,
  sectionsOf,
} from '../atoms-config.js';
import type { AtomsAgentRecord, AtomsVersionBlocks, AtomsVersionRecord } from '../atoms-records.js';
import { atomsError, conflictError } from '../atoms-responses.js';
import { BranchLifecycle } from './atoms-v2-branches.js';
import { validateV2DraftFields } from './atoms-v2-fields.js';
import type { BranchRecord, DraftRow } from './atoms-v2-model.js';

/** Rows written under the branch model postdate playbooks: they carry its block. */
export function withPlaybooks(blocks: AtomsVersionBlocks, now: number): AtomsVersionBlocks {
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

/** The branch's one draft: `PUT` (merge, optimistic concurrency), discard. */
export class BranchDrafts extends BranchLifecycle {
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
      this.rev(draft).branch = branch._id;
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

  protected row(draft: AtomsVersionRecord, sections: AtomsSection[]): DraftRow {
    return {
      _id: draft._id,
      draftRevision: draft.draftRevision ?? 0,
      blocks: { ...draft.blocks },
      config: cloneJson(draft.config),
      changedSections: sections,
      updatedAt: draft.updatedAt,
    };
  }

  protected checkConflicts(
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

  protected validate(after: AtomsConfig, fields: string[], current: AtomsConfig): void {
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
}
