/**
 * v2 activate: make a revision serve. The live branch's head is returned after a read; a branch
 * head that is not live makes its branch live; an older revision is restored as a new head
 * (rollback = republish); a revision still scanning is waited for first.
 */
import {
  type ActivateOptions,
  ConflictError,
  type GateProgress,
  NotFoundError,
  type PublishGateInfo,
  SecurityCheckFailedError,
  UnexpectedResponseError,
  type VersionInfo,
} from '@agent-release/core';
import { pathOf, publishExactlyOnce, waitForGate } from '@agent-release/core/provider';
import { isErrorCode, isLostWrite } from '../shared/errors.js';
import { ATOMS_PROVIDER } from '../shared/ids.js';
import { gateOf } from '../shared/security-check.js';
import { type AtomsBranchSummaryRow, type AtomsRevisionRow, publishResultResponseSchema } from './api.js';
import { isCommitted, isReady, revisionToVersionInfo, scanStateOf } from './mapping.js';
import type { PublishContext } from './publish.js';
import {
  getBranch,
  getRevision,
  listBranches,
  makeLive,
  notOnBranchModel,
  type V2Context,
} from './requests.js';
import { awaitScan } from './scan.js';

type AtomsActivateOptions = ActivateOptions & { maxWaitMs?: number | undefined };

/**
 * Makes a revision serve:
 * - the revision the previous call (a publish on the live branch) just made live: returned, no request;
 * - the live branch's head: returned after one read (idempotent);
 * - a branch head that is not live: `POST .../branches/{branchId}/live`;
 * - an older revision (rollback): `POST .../revisions/{revisionId}/restore`, which commits its
 *   config again as a **new** head revision (a new id, returned), then makes its branch live
 *   if it is not;
 * - a revision still scanning: waits for it to commit first (the security-check waiter).
 * @throws NotFoundError when no active branch has the revision; SecurityCheckFailedError for
 *   a revision whose scan failed; SecurityCheckTimeoutError, AbortedError.
 */
export async function activate(
  ctx: V2Context,
  agentId: string,
  versionId: string,
  opts: AtomsActivateOptions,
): Promise<VersionInfo> {
  const { signal } = opts;
  const known = ctx.justPublished.get(agentId);
  ctx.justPublished.delete(agentId);
  if (known?.id === versionId) return known;

  const branches = await listBranches(ctx, agentId, signal);
  if (branches.length === 0) throw notOnBranchModel(agentId, 'activate');
  let { summary, row } = await locateRevision(ctx, agentId, versionId, branches, signal);
  const report = (gate: PublishGateInfo | undefined, attempt: number, elapsedMs: number) => {
    try {
      opts.onGateProgress?.({ ...(gate ?? { status: 'passed' }), attempt, elapsedMs } as GateProgress);
    } catch {
      // Progress reporting must never break an activation.
    }
  };

  const gate = gateOf(row);
  if (isCommitted(row) && gate?.status === 'failed') {
    // Only revisions that passed their scan can be made live or restored (Atoms answers 403).
    throw new SecurityCheckFailedError(
      `${ATOMS_PROVIDER} activate: revision ${versionId} failed its security scan (${gate.raw ?? 'failed'})${gate.reason ? `: ${gate.reason}` : ''}; only revisions that passed can be made live or restored.`,
      {
        provider: ATOMS_PROVIDER,
        operation: 'activate',
        versionId,
        checkStatus: gate.raw ?? 'failed',
        ...(gate.reason !== undefined ? { reason: gate.reason } : {}),
      },
    );
  }
  if (!isReady(row)) {
    row = await awaitReady(ctx, agentId, summary.branch._id, row, opts, report);
    summary = await getBranch(ctx, agentId, summary.branch._id, signal);
  } else {
    report(gate, 1, 0);
  }
  const branchId = summary.branch._id;

  if (summary.branch.headRevisionId === row._id) {
    if (!summary.isLive) await makeLive(ctx, agentId, branchId, signal);
    return nowLive(ctx, agentId, branchId, row, summary.isLive ? 'already live' : 'branch made live');
  }

  // An older revision: restore it as a new head (rollback = republish under v2).
  const restored = await restore(ctx, agentId, summary, row._id, signal);
  if (!summary.isLive) await makeLive(ctx, agentId, branchId, signal);
  return nowLive(ctx, agentId, branchId, restored, `restored from ${row._id}`);
}

export function nowLive(
  ctx: V2Context,
  agentId: string,
  branchId: string,
  row: AtomsRevisionRow,
  how: string,
): VersionInfo {
  const version = revisionToVersionInfo(agentId, row, true);
  ctx.branchOfRevision.set(row._id, branchId);
  ctx.logger.info('atoms revision live', {
    provider: ATOMS_PROVIDER,
    apiGeneration: 'v2',
    agentId,
    branchId,
    revisionId: row._id,
    how,
  });
  return version;
}

/** Finds the branch that has the revision: the one it was seen on, the live one, then the rest. */
export async function locateRevision(
  ctx: V2Context,
  agentId: string,
  revisionId: string,
  branches: readonly AtomsBranchSummaryRow[],
  signal: AbortSignal | undefined,
): Promise<{ summary: AtomsBranchSummaryRow; row: AtomsRevisionRow }> {
  const remembered = ctx.branchOfRevision.get(revisionId);
  const ordered = [...branches].sort(
    (a, b) =>
      Number(b.branch._id === remembered) - Number(a.branch._id === remembered) ||
      Number(b.isLive) - Number(a.isLive),
  );
  for (const summary of ordered) {
    try {
      const row = await getRevision(ctx, agentId, summary.branch._id, revisionId, signal);
      return { summary, row };
    } catch (error) {
      // Atoms answers 400 for a revision of another branch and 404 for an unknown one.
      if (!isErrorCode(error, 'NOT_FOUND') && !isErrorCode(error, 'VALIDATION')) throw error;
    }
  }
  throw new NotFoundError(
    `${ATOMS_PROVIDER} activate: revision ${revisionId} is not on any active branch of agent ${agentId}`,
    { provider: ATOMS_PROVIDER, operation: 'activate', details: { agentId, revisionId } },
  );
}

/**
 * Waits until a row can go live: a draft row being scanned commits (someone's publish in
 * flight; never cancelled from here), or a committed revision's pending scan (a v1 version
 * migrated mid-check) passes.
 */
export async function awaitReady(
  ctx: V2Context,
  agentId: string,
  branchId: string,
  first: AtomsRevisionRow,
  opts: AtomsActivateOptions,
  report: (gate: PublishGateInfo | undefined, attempt: number, elapsedMs: number) => void,
): Promise<AtomsRevisionRow> {
  const { signal } = opts;
  const maxWaitMs = opts.maxWaitMs ?? ctx.securityCheck.maxWaitMs;
  const started = ctx.clock.now();
  let lastGate: PublishGateInfo | undefined;
  let idlePolls = 0;
  const { value } = await waitForGate<AtomsRevisionRow>(
    async (attempt) => {
      const row = attempt === 1 ? first : await getRevision(ctx, agentId, branchId, first._id, signal);
      const state = scanStateOf(row);
      lastGate = gateOf(row) ?? lastGate;
      report(lastGate, attempt, ctx.clock.now() - started);
      if (isReady(row)) return { state: 'success', value: row };
      if (state.kind === 'failed' || (state.kind === 'committed' && lastGate?.status === 'failed')) {
        return { state: 'failure', value: row, reason: lastGate?.reason };
      }
      idlePolls = state.kind === 'idle' ? idlePolls + 1 : 0;
      if (state.kind === 'cancelled' || idlePolls >= 2)
        return { state: 'failure', value: row, reason: CANCELLED };
      return { state: 'retry', value: row, reason: 'scanning' };
    },
    {
      minDelayMs: ctx.securityCheck.minDelayMs,
      maxDelayMs: ctx.securityCheck.maxDelayMs,
      maxWaitMs,
      signal,
      clock: ctx.clock,
      random: ctx.random,
      statusOf: () => lastGate?.raw,
      subject: {
        provider: ATOMS_PROVIDER,
        operation: 'activate',
        what: first._id,
        versionId: first._id,
        details: { agentId, branchId },
        failedAdvice: 'It was not committed and cannot go live.',
        timeoutAdvice: 'Call activate again later.',
      },
      // Someone else's publish that was cancelled is no failed scan: say so.
      settle: async (stop) => {
        if (stop.kind === 'failure' && stop.reason === CANCELLED) {
          throw new ConflictError(
            `${ATOMS_PROVIDER} activate: the publish of ${first._id} was cancelled; it will not commit, so it cannot be made live.`,
            { provider: ATOMS_PROVIDER, operation: 'activate', details: { agentId, branchId } },
          );
        }
        return undefined;
      },
    },
  );
  return value;
}

const CANCELLED = 'cancelled by someone else';

/**
 * `POST .../revisions/{revisionId}/restore`: the old config becomes a new head revision (200,
 * or 202 while scanned). A lost answer is reconciled: a new head restored from this revision
 * is ours; otherwise the restore is re-sent once.
 */
export async function restore(
  ctx: V2Context,
  agentId: string,
  summary: AtomsBranchSummaryRow,
  revisionId: string,
  signal: AbortSignal | undefined,
): Promise<AtomsRevisionRow> {
  const branchId = summary.branch._id;
  const pub: PublishContext = {
    agentId,
    branchId,
    draftId: revisionId,
    preHead: summary.branch.headRevisionId ?? undefined,
    isLive: summary.isLive,
    label: undefined,
    signal,
  };
  const send = async () => {
    const { data } = await ctx.http.request({
      operation: 'restore',
      method: 'POST',
      path: pathOf`/agent/${agentId}/branches/${branchId}/revisions/${revisionId}/restore`,
      schema: publishResultResponseSchema,
      idempotent: false,
      signal,
    });
    const result = data.data;
    if (result.state === 'committed' && result.revision) return result.revision;
    if (result.state === 'scanning') return awaitScan(ctx, pub, undefined, false);
    throw new UnexpectedResponseError(
      `${ATOMS_PROVIDER} restore: unexpected result state "${result.state}"`,
      { provider: ATOMS_PROVIDER, operation: 'restore', field: 'data.state' },
    );
  };
  const { value } = await publishExactlyOnce<AtomsRevisionRow>({
    send,
    mayHaveApplied: (error) => isLostWrite(error),
    onPossiblyApplied: () =>
      ctx.logger.warn('atoms restore answer lost; reconciling before any re-send', {
        provider: ATOMS_PROVIDER,
        agentId,
        branchId,
        revisionId,
      }),
    // A head that moved since and was restored from this revision is ours.
    reconcile: async () => {
      const now = await getBranch(ctx, agentId, branchId, signal);
      const head = now.branch.headRevisionId ?? undefined;
      if (head === undefined || head === pub.preHead) return { kind: 'not-applied' };
      const row = await getRevision(ctx, agentId, branchId, head, signal);
      return row.restoredFromRevisionId === revisionId
        ? { kind: 'applied', value: row }
        : { kind: 'not-applied' };
    },
  });
  return value;
}
