import { AGENT, P, TOOLS, V1, V2 } from './fixtures.js';

/** The default branch `Main` (live unless a test says otherwise) and a second branch. */
export const MAIN = '65a1b2c3d4e5f60718293b01';
export const STAGING = '65a1b2c3d4e5f60718293b02';
/** The v2 draft id of an open branch draft (24-hex, like Atoms' own). */
export const BDRAFT = '65a1b2c3d4e5f60718293d02';
/** The draft row `_id` of a publish attempt (it becomes the revision id when the scan passes). */
export const ROW = '65a1b2c3d4e5f60718293e01';
/** A revision made by a restore. */
export const R4 = '65a1b2c3d4e5f60718293a04';

export const A = `${P}/agent/${AGENT}`;
export const branchPath = (branchId: string = MAIN) => `${A}/branches/${branchId}`;

/** A `BranchSummary` (the list/get/live item); `branch` fields and summary fields can be overridden. */
export function summary(
  branchId: string = MAIN,
  branch: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  return {
    branch: {
      _id: branchId,
      agent: AGENT,
      name: branchId === MAIN ? 'Main' : 'staging',
      isDefault: branchId === MAIN,
      sourceBranchId: branchId === MAIN ? null : MAIN,
      sourceRevisionId: branchId === MAIN ? null : V1,
      headRevisionId: V1,
      openDraftId: null,
      status: 'active',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      ...branch,
    },
    isLive: branchId === MAIN,
    hasOpenDraft: branch.openDraftId !== undefined && branch.openDraftId !== null,
    revisionsCount: 1,
    headRevisionNumber: 1,
    ...extra,
  };
}

/** `GET /agent/{id}/branches` success body. */
export function branchesBody(...branches: ReturnType<typeof summary>[]) {
  return { status: true, data: { branches: branches.length > 0 ? branches : [summary()] } };
}

const check = (status: string, reason: string | null = null) => ({
  status,
  reason,
  triggeredAt: '2026-01-01T00:00:00.000Z',
  completedAt: status === 'queued' ? null : '2026-01-01T00:00:06.000Z',
});

export { check as scan };

/** A committed `Revision` on a branch. */
export function revisionRow(id: string, extra: Record<string, unknown> = {}) {
  return {
    _id: id,
    agent: AGENT,
    branch: MAIN,
    status: 'published',
    revisionNumber: id === V1 ? 1 : id === V2 ? 2 : id === ROW ? 2 : 3,
    versionNumber: id === V1 ? 1 : null,
    label: null,
    isActive: false,
    pendingPublish: null,
    sourceDraftId: null,
    restoredFromRevisionId: null,
    publishedAt: '2026-01-01T00:00:06.000Z',
    createdAt: '2026-01-01T00:00:00.000Z',
    securityCheck: check('passed'),
    ...extra,
  };
}

/** The open draft row of a branch (`status: "draft"`). */
export function branchDraftRow(extra: Record<string, unknown> = {}) {
  return {
    _id: ROW,
    agent: AGENT,
    branch: MAIN,
    status: 'draft',
    revisionNumber: null,
    versionNumber: null,
    draftId: BDRAFT,
    draftRevision: 1,
    sourceVersionId: V1,
    isActive: false,
    pendingPublish: null,
    securityCheck: null,
    ...extra,
  };
}

/** A draft row being scanned after a 202 publish. */
export const scanningRow = (status = 'queued', extra: Record<string, unknown> = {}) =>
  branchDraftRow({
    securityCheck: check(status),
    pendingPublish: { state: 'active', startedBy: 'u1', startedAt: '2026-01-01T00:00:00.000Z' },
    ...extra,
  });

/** `GET /agent/{id}?versionId=` with the head's tools. */
export function agentAt(extra: Record<string, unknown> = {}, resolved: Record<string, unknown> = {}) {
  return {
    status: true,
    data: {
      _id: AGENT,
      workflowType: 'single_prompt',
      activeVersionId: V1,
      _resolvedConfig: { prompt: 'Old prompt', tools: TOOLS, workflowGraph: null, ...resolved },
      ...extra,
    },
  };
}

export const noDiff = { status: true, data: { unchangedSections: ['workflow_prompt'], diffs: [] } };
export const someDiff = {
  status: true,
  data: {
    unchangedSections: [],
    diffs: [{ section: 'workflow_prompt', changes: [{ path: 'prompt', oldValue: 'a', newValue: 'b' }] }],
  },
};
