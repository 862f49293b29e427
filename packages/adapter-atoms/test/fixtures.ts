import type { Logger } from '@agent-release/core';
import { ManualClock } from '@agent-release/core/testing';
import nock from 'nock';
import { afterEach, beforeAll, expect } from 'vitest';
import { type AtomsReleaserOptions, createAtomsReleaser } from '../src/index.js';

/** A sentinel key: it must never appear in an error, a log line or an inspected object. */
export const KEY = 'sk_SENTINEL_do_not_leak_123';
export const ORIGIN = 'https://api.smallest.ai';
/** Path prefix of the default base URL. */
export const P = '/atoms/v1';

export const AGENT = '65a1b2c3d4e5f60718293a4b';
export const V1 = '65a1b2c3d4e5f60718293a01';
export const V2 = '65a1b2c3d4e5f60718293a02';
export const V3 = '65a1b2c3d4e5f60718293a03';
export const DRAFT = 'draft_0123456789ab';

export const TOOLS = [
  { _id: 'tool-1', type: 'end_call', name: 'end_call', description: 'Ends the call', enabled: true },
  {
    _id: 'tool-2',
    type: 'transfer_call',
    name: 'transfer_to_human',
    description: 'Transfers to a human',
    transferNumber: '+14155550123',
    transferOption: { type: 'cold_transfer' },
  },
];

/** `GET /agent/{id}` success body. */
export function agentBody(extra: Record<string, unknown> = {}, resolved: Record<string, unknown> = {}) {
  return {
    status: true,
    data: {
      _id: AGENT,
      name: 'support',
      workflowType: 'single_prompt',
      activeVersionId: V1,
      versionId: V1,
      _resolvedConfig: {
        prompt: 'Old prompt',
        tools: TOOLS,
        workflowGraph: null,
        firstMessage: 'Hi',
        ...resolved,
      },
      ...extra,
    },
  };
}

/** An `AgentVersion` row. */
export function versionRow(id: string, extra: Record<string, unknown> = {}) {
  return {
    _id: id,
    agent: AGENT,
    status: 'published',
    versionNumber: id === V1 ? 1 : id === V2 ? 2 : 3,
    label: null,
    description: null,
    isPinned: false,
    isActive: false,
    sourceVersionId: V1,
    draftId: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    publishedAt: '2026-01-01T00:00:00.000Z',
    activatedAt: null,
    securityCheck: {
      status: 'queued',
      reason: null,
      triggeredAt: '2026-01-01T00:00:00.000Z',
      completedAt: null,
    },
    ...extra,
  };
}

export function draftRow(extra: Record<string, unknown> = {}) {
  return {
    _id: '65a1b2c3d4e5f60718293d01',
    agent: AGENT,
    status: 'draft',
    versionNumber: null,
    draftId: DRAFT,
    draftRevision: 0,
    sourceVersionId: V1,
    isActive: false,
    ...extra,
  };
}

export const ok = (data: unknown) => ({ status: true, data });
export const fail = (...errors: string[]) => ({ status: false, errors });

/** A nock scope on the Atoms origin that only matches requests carrying the bearer key. */
export function api() {
  return nock(ORIGIN, { reqheaders: { authorization: `Bearer ${KEY}` } });
}

/** A logger that records every line as JSON text, to assert on and to search for secrets. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(JSON.stringify({ level, message, fields }));
  };
  return {
    lines,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
}

/** A releaser on the default base URL with a manual clock and deterministic jitter. */
export function makeReleaser(options: Partial<AtomsReleaserOptions> = {}) {
  const clock = new ManualClock();
  const logger = captureLogger();
  const releaser = createAtomsReleaser({ apiKey: KEY, clock, logger, random: () => 0.5, ...options });
  return { releaser, clock, logger };
}

/** A connection reset after the request was sent (nock needs an Error instance here). */
export function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

/**
 * The nock setup every HTTP-level test file shares: no real network, and after each test every
 * arranged request must have been sent (and nothing else: an unarranged one fails the call).
 */
export function useNock(): void {
  beforeAll(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
}

// ---- v2 (branch model) rows ---------------------------------------------------------------

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
