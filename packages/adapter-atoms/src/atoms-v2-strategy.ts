/**
 * The Atoms v2 lifecycle (branch model, since 2026-07): one draft per branch, edited with
 * `PUT .../branches/{branchId}/draft`; publishing commits it as a revision (200 at once, or 202
 * while a security scan runs); the live branch's head revision is what serves, so publishing on
 * the live branch goes to production at once. Going live otherwise means making a branch live or
 * restoring an older revision as a new head.
 *
 * Under v2 a port "version" is a revision: `VersionInfo.id` is the revision id (a migrated v1
 * version keeps its id), `number` its revision number on its branch, and `isActive` whether it is
 * the live branch's head. The decisions live in `atoms-v2-mapping.ts`; this file is the I/O.
 */
import {
  AbortedError,
  type Clock,
  ConflictError,
  type DraftRef,
  type GateProgress,
  type HttpClient,
  type Logger,
  NotFoundError,
  type PublishGateInfo,
  type PublishOutcome,
  pathOf,
  SecurityCheckFailedError,
  SecurityCheckTimeoutError,
  UnexpectedResponseError,
  type VersionInfo,
  waitUntil,
} from '@agent-release/core';
import { BoundedMap } from '@agent-release/core/provider';
import type { AtomsAgentRow } from './atoms-api.js';
import { errorTypeOfError, isErrorCode, isLostWrite } from './atoms-errors.js';
import { ATOMS_PROVIDER } from './atoms-ids.js';
import {
  type AtomsChangeSet,
  needsCurrentConfig,
  toDraftConfigBody,
  toolsOf,
  workflowTypeOf,
} from './atoms-mapping.js';
import type { AtomsSecurityCheckOptions } from './atoms-options.js';
import { gateOf } from './atoms-security-check.js';
import { discardEmptyDraft, getAtomsAgent } from './atoms-shared-requests.js';
import type {
  AtomsActivateOptions,
  AtomsDraftTarget,
  AtomsLifecycleStrategy,
  AtomsVersionPage,
} from './atoms-strategy.js';
import {
  type AtomsBranchSummaryRow,
  type AtomsRevisionRow,
  branchSummaryResponseSchema,
  diffResponseSchema,
  getBranchDraftResponseSchema,
  getRevisionResponseSchema,
  ignoredResponseSchema,
  listBranchesResponseSchema,
  listRevisionsResponseSchema,
  publishResultResponseSchema,
  putDraftResponseSchema,
} from './atoms-v2-api.js';
import { PUBLISH_IN_PROGRESS } from './atoms-v2-errors.js';
import {
  baseRevisionOf,
  diffHasChanges,
  hasOpenDraft,
  isCommitted,
  isReady,
  pickBranch,
  revisionToVersionInfo,
  scanStateOf,
} from './atoms-v2-mapping.js';

/** What the v2 strategy needs; built by `createAtomsReleaser`. */
export interface AtomsV2StrategyDeps {
  http: HttpClient;
  logger: Logger;
  clock: Clock;
  random: () => number;
  /** The scan after a publish is waited for like v1's security check (same delays and deadline). */
  securityCheck: Readonly<Required<AtomsSecurityCheckOptions>>;
}

/**
 * `details.reason` of the `ConflictError` thrown when an agent has no branches: it is not on the
 * branch model (yet). The generation router reads it to fall back to v1.
 */
export const NOT_ON_BRANCH_MODEL = 'not-on-branch-model';

// Per-agent memory is bounded (see BoundedMap); forgetting only costs a request later.
const MEMORY_MAX = 10_000;
// The cancel after an abort or a deadline must not wait on the caller's (fired) signal, but it
// must not hang either: a short deadline of its own, best effort.
const CANCEL_TIMEOUT_MS = 10_000;

/** Where a publish (or restore) commits, and what reconciliation needs to recognise it. */
interface PublishContext {
  agentId: string;
  branchId: string;
  /** The draft being published (`openDraftId`), for messages and logs. */
  draftId: string;
  /** The branch head before the write: a head that moved since is the new revision. */
  preHead: string | undefined;
  /** Whether the branch was live when published: the new revision then serves at once. */
  isLive: boolean;
  label: string | undefined;
  signal: AbortSignal | undefined;
}

type Reconciled =
  | { kind: 'committed'; row: AtomsRevisionRow }
  | { kind: 'scanning'; rowId: string }
  | { kind: 'failed'; row: AtomsRevisionRow; gate: PublishGateInfo }
  | { kind: 'not-applied' }
  | { kind: 'missing' };

/** {@link AtomsLifecycleStrategy} over the v2 branch endpoints. */
export class AtomsV2Strategy implements AtomsLifecycleStrategy {
  readonly generation = 'v2' as const;
  readonly currentGeneration = 'v2' as const;
  readonly #http: HttpClient;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #securityCheck: Readonly<Required<AtomsSecurityCheckOptions>>;
  /**
   * Per agent, the revision this releaser last made or saw live. Publishing on the live branch
   * already made it live, so `activate` of that id is answered from here without a request (as
   * the port's on-publish contract asks). Another writer may have moved on since; `release()`
   * confirms with `getActiveVersion`, which reads Atoms.
   */
  readonly #live = new BoundedMap<string, VersionInfo>(MEMORY_MAX);
  /** Revision id → branch id for revisions this releaser saw, to find them again in one read. */
  readonly #branchOfRevision = new BoundedMap<string, string>(MEMORY_MAX);

  constructor(deps: AtomsV2StrategyDeps) {
    this.#http = deps.http;
    this.#logger = deps.logger;
    this.#clock = deps.clock;
    this.#random = deps.random;
    this.#securityCheck = deps.securityCheck;
  }

  generationOf(_agentId: string): 'v2' {
    return 'v2';
  }

  // ---- edit --------------------------------------------------------------------------------

  /**
   * `PUT`s the mapped changes into the target branch's draft (the live branch unless `draftId`
   * names a branch or its open draft), opening the draft if none is open. The edit carries
   * `expectedRevision` (the caller's, else the draft revision read here, 0 when no draft was
   * open), so a concurrent edit of the same fields is a `DraftConflictError` instead of a silent
   * overwrite. `instructions` keep the existing tools (read from the draft or the head first).
   */
  async editDraft(
    agentId: string,
    changes: AtomsChangeSet,
    opts: { draftId?: string | undefined; signal?: AbortSignal | undefined },
  ): Promise<DraftRef> {
    const { signal } = opts;
    const target = this.#target(
      agentId,
      await this.#listBranches(agentId, signal),
      opts.draftId,
      'editDraft',
    );
    const branchId = target.branch._id;
    const openDraftId = target.branch.openDraftId ?? undefined;
    const draftOpen = hasOpenDraft(target);

    let expectedRevision = changes.expectedRevision;
    if (expectedRevision === undefined) {
      // The revision this edit is based on; a fresh draft starts at 0.
      expectedRevision = draftOpen
        ? ((await this.#getBranchDraft(agentId, branchId, signal)).draftRevision ?? null)
        : 0;
    }

    let agent: AtomsAgentRow | undefined;
    if (needsCurrentConfig(changes)) {
      // The tools (and workflow type) of what the edit builds on: the open draft, else the head.
      // `GET /agent/{id}?draftId=|versionId=` is documented as unchanged under v2.
      const base = baseRevisionOf(target);
      const source =
        draftOpen && openDraftId ? { draftId: openDraftId } : base ? { versionId: base } : undefined;
      if (source === undefined) {
        throw new ConflictError(
          `${ATOMS_PROVIDER} editDraft: branch ${branchId} of agent ${agentId} has no revision to build on (no head, no fork point); publish a first revision on it another way or name another branch`,
          { provider: ATOMS_PROVIDER, operation: 'editDraft', details: { agentId, branchId } },
        );
      }
      agent = await getAtomsAgent(this.#http, agentId, source, signal);
    }

    // Built before the first write, so an edit Atoms cannot take fails with nothing written.
    const config = toDraftConfigBody(
      changes,
      agent
        ? { workflowType: workflowTypeOf(agent), tools: toolsOf(agent) }
        : { workflowType: 'single_prompt', tools: undefined },
    );
    const fields = Object.keys(config);
    let row: AtomsRevisionRow | undefined;
    if (fields.length > 0) {
      const { data } = await this.#http.request({
        operation: 'putDraft',
        method: 'PUT',
        path: pathOf`/agent/${agentId}/branches/${branchId}/draft`,
        body: expectedRevision === null ? config : { ...config, expectedRevision },
        schema: putDraftResponseSchema,
        // Merging the same fields again gives the same draft, so a lost answer is simply re-sent.
        idempotent: true,
        signal,
      });
      row = data.data;
    }
    const draftId = row?.draftId ?? openDraftId ?? branchId;
    const baseVersionId = row?.sourceVersionId ?? baseRevisionOf(target);
    this.#logger.info('atoms draft edited', {
      provider: ATOMS_PROVIDER,
      apiGeneration: 'v2',
      agentId,
      branchId,
      draftId,
      baseVersionId,
      fields,
      expectedRevision,
    });
    return {
      provider: ATOMS_PROVIDER,
      agentId,
      draftId,
      baseVersionId,
      revision: row?.draftRevision ?? undefined,
      meta: {
        apiGeneration: 'v2',
        branchId,
        edited: fields.length > 0,
        ...(agent ? { workflowType: workflowTypeOf(agent) } : {}),
      },
    };
  }

  // ---- publish -----------------------------------------------------------------------------

  /**
   * Publishes the branch's draft. Nothing written by `editDraft`, or a draft that does not differ
   * from its base (`GET /diff`), is `unchanged` (the empty draft is discarded). Otherwise
   * `POST .../draft/publish`: 200 is committed at once; 202 means a scan runs, which is waited
   * for (the scan's `securityCheck`, with the releaser's security-check delays and deadline).
   * Aborting or reaching the deadline cancels the publish, so nothing goes live behind the
   * caller's back. A lost answer is reconciled before anything is re-sent.
   */
  async publish(
    draft: AtomsDraftTarget,
    body: { label?: string; description?: string },
    signal: AbortSignal | undefined,
  ): Promise<PublishOutcome> {
    const { agentId } = draft;
    if (draft.edited === false) {
      // A release publishes what it wrote, never a draft others left open on the branch.
      this.#logger.info('atoms nothing was written to the draft; nothing to publish', {
        provider: ATOMS_PROVIDER,
        apiGeneration: 'v2',
        agentId,
        draftId: draft.draftId,
      });
      return { status: 'unchanged', reason: 'no-changes' };
    }
    const summary =
      draft.branchId !== undefined
        ? await this.#getBranch(agentId, draft.branchId, signal)
        : this.#target(agentId, await this.#listBranches(agentId, signal), draft.draftId, 'publish');
    const branchId = summary.branch._id;
    const openDraftId = summary.branch.openDraftId ?? undefined;
    const ours =
      hasOpenDraft(summary) &&
      (openDraftId === undefined || draft.draftId === branchId || draft.draftId === openDraftId);
    if (!ours) return this.#draftNoLongerOpen(draft, summary, signal);

    const base = baseRevisionOf(summary);
    if (base !== undefined) {
      const { data: diff } = await this.#http.request({
        operation: 'diffDraft',
        method: 'GET',
        path: pathOf`/agent/${agentId}/diff`,
        query: { a: `${branchId}:draft`, b: base },
        schema: diffResponseSchema,
        signal,
      });
      if (!diffHasChanges(diff.data)) {
        await discardEmptyDraft(
          this.#http,
          this.#logger,
          pathOf`/agent/${agentId}/branches/${branchId}/draft`,
          { agentId, branchId },
          signal,
        );
        this.#logger.info('atoms draft had no changes; discarded', {
          provider: ATOMS_PROVIDER,
          apiGeneration: 'v2',
          agentId,
          branchId,
        });
        return { status: 'unchanged', reason: 'no-changes' };
      }
    }
    if (body.description !== undefined) {
      this.#logger.debug('atoms v2 revisions have no description; not sent', {
        provider: ATOMS_PROVIDER,
        agentId,
        branchId,
      });
    }
    return this.#publishExactlyOnce({
      agentId,
      branchId,
      draftId: openDraftId ?? draft.draftId,
      preHead: summary.branch.headRevisionId ?? undefined,
      isLive: summary.isLive,
      label: body.label,
      signal,
    });
  }

  /** Our draft is not the branch's open draft any more: published already, or gone. */
  async #draftNoLongerOpen(
    draft: AtomsDraftTarget,
    summary: AtomsBranchSummaryRow,
    signal: AbortSignal | undefined,
  ): Promise<PublishOutcome> {
    const { agentId, draftId } = draft;
    const branchId = summary.branch._id;
    const head = summary.branch.headRevisionId ?? undefined;
    if (head !== undefined) {
      const row = await this.#getRevision(agentId, branchId, head, signal);
      // A publish of this very draft already committed (a repeated publish call).
      if (row.sourceDraftId === draftId) {
        return this.#published(
          {
            agentId,
            branchId,
            draftId,
            preHead: undefined,
            isLive: summary.isLive,
            label: undefined,
            signal,
          },
          row,
          'already-committed',
        );
      }
    }
    throw new ConflictError(
      `${ATOMS_PROVIDER} publish: draft ${draftId} is no longer the open draft of branch ${branchId}: it was published or discarded by someone else. Nothing was released; edit again (calling release again does).`,
      { provider: ATOMS_PROVIDER, operation: 'publish', details: { agentId, branchId, draftId } },
    );
  }

  /**
   * Publishes so that at most one revision results, even when an answer is lost. After a lost
   * answer the branch tells what happened before anything is re-sent:
   * - the head moved: the publish committed; the new head is ours;
   * - the draft has an armed publish (`pendingPublish.state: active`): it is scanning; wait;
   * - the draft's scan failed: `SecurityCheckFailedError`;
   * - the draft is open and not armed: nothing happened, re-send once (a 409
   *   `publish_in_progress` then means the first did land: wait for it);
   * - no draft and no new head: someone discarded it (`ConflictError`).
   */
  async #publishExactlyOnce(ctx: PublishContext): Promise<PublishOutcome> {
    const { agentId, branchId, signal } = ctx;
    const send = async () => {
      const response = await this.#http.request({
        operation: 'publish',
        method: 'POST',
        path: pathOf`/agent/${agentId}/branches/${branchId}/draft/publish`,
        body: ctx.label !== undefined ? { label: ctx.label } : {},
        schema: publishResultResponseSchema,
        // Never re-sent by the HTTP layer after it may have reached Atoms: see above.
        idempotent: false,
        signal,
      });
      return response.data.data;
    };
    const settle = async (reconciled: Reconciled, cause: unknown): Promise<PublishOutcome | undefined> => {
      switch (reconciled.kind) {
        case 'committed':
          return this.#published(ctx, reconciled.row, 'reconciled');
        case 'scanning':
          return this.#published(ctx, await this.#awaitScan(ctx, reconciled.rowId, true), 'scanned');
        case 'failed':
          throw this.#scanFailed(ctx, reconciled.row._id, reconciled.gate);
        case 'missing':
          throw new ConflictError(
            `${ATOMS_PROVIDER} publish: the answer was lost and the draft of branch ${branchId} no longer exists, but no revision was committed from it; it may have been discarded by someone else. Nothing was released.`,
            { provider: ATOMS_PROVIDER, operation: 'publish', cause, details: { agentId, branchId } },
          );
        default:
          return undefined;
      }
    };

    try {
      return await this.#afterPublish(ctx, await send(), 'direct');
    } catch (error) {
      if (!isLostWrite(error)) throw error;
      this.#logger.warn('atoms publish answer lost; reconciling before any re-send', {
        provider: ATOMS_PROVIDER,
        apiGeneration: 'v2',
        agentId,
        branchId,
        status: error.status,
        reason: error.reason,
      });
      const first = await settle(await this.#reconcilePublish(ctx), error);
      if (first !== undefined) return first;
      try {
        return await this.#afterPublish(ctx, await send(), 'resent');
      } catch (second) {
        // Only one publish runs per branch: "in progress" now means the first one did land.
        if (isErrorCode(second, 'CONFLICT') && errorTypeOfError(second) === PUBLISH_IN_PROGRESS) {
          return this.#published(ctx, await this.#awaitScan(ctx, undefined, true), 'scanned');
        }
        if (!isLostWrite(second) && !isErrorCode(second, 'NOT_FOUND')) throw second;
        const again = await settle(await this.#reconcilePublish(ctx), second);
        if (again !== undefined) return again;
        throw second;
      }
    }
  }

  /** 200 `committed` carries the revision; 202 `scanning` has none: wait for the scan. */
  async #afterPublish(
    ctx: PublishContext,
    result: { state: string; revision?: AtomsRevisionRow | null | undefined },
    how: string,
  ): Promise<PublishOutcome> {
    if (result.state === 'committed' && result.revision) return this.#published(ctx, result.revision, how);
    if (result.state === 'scanning') {
      return this.#published(ctx, await this.#awaitScan(ctx, undefined, true), 'scanned');
    }
    throw new UnexpectedResponseError(
      `${ATOMS_PROVIDER} publish: unexpected publish result state "${result.state}"${result.state === 'committed' ? ' without a revision' : ''}`,
      { provider: ATOMS_PROVIDER, operation: 'publish', field: 'data.state' },
    );
  }

  async #reconcilePublish(ctx: PublishContext): Promise<Reconciled> {
    const { agentId, branchId, signal } = ctx;
    const summary = await this.#getBranch(agentId, branchId, signal);
    const head = summary.branch.headRevisionId ?? undefined;
    if (head !== undefined && head !== ctx.preHead) {
      return { kind: 'committed', row: await this.#getRevision(agentId, branchId, head, signal) };
    }
    if (!hasOpenDraft(summary)) return { kind: 'missing' };
    let latest: AtomsRevisionRow;
    try {
      latest = await this.#getBranchDraft(agentId, branchId, signal);
    } catch (error) {
      if (isErrorCode(error, 'NOT_FOUND')) return { kind: 'missing' };
      throw error;
    }
    if (latest.pendingPublish?.state === 'active') return { kind: 'scanning', rowId: latest._id };
    const state = scanStateOf(latest);
    if (state.kind === 'failed') return { kind: 'failed', row: latest, gate: state.gate };
    return { kind: 'not-applied' };
  }

  /**
   * Waits for a scanning publish (or restore) to commit, the documented way: the newest row of
   * `GET .../revisions?limit=1` is the attempt (unless `rowId` is already known), then
   * `GET .../revisions/{rowId}` until its `status` is `published`. A failed/errored scan, a
   * cancel by someone else, the deadline and an abort all end the wait; the last two cancel the
   * publish first when `cancelOnStop` (a draft publish; a restore has no documented cancel).
   */
  async #awaitScan(
    ctx: PublishContext,
    rowId: string | undefined,
    cancelOnStop: boolean,
  ): Promise<AtomsRevisionRow> {
    const { agentId, branchId, signal } = ctx;
    let candidate = rowId;
    let lastGate: PublishGateInfo | undefined;
    let idlePolls = 0;
    const maxWaitMs = this.#securityCheck.maxWaitMs;
    const result = await waitUntil<AtomsRevisionRow>(
      async () => {
        let row: AtomsRevisionRow;
        if (candidate === undefined) {
          const [top] = await this.#listRevisionRows(agentId, branchId, { limit: 1, skip: 0 }, signal);
          if (top === undefined || top._id === ctx.preHead) {
            return { state: 'retry', reason: 'publish not listed yet' };
          }
          candidate = top._id;
          row = top;
        } else {
          try {
            row = await this.#getRevision(agentId, branchId, candidate, signal);
          } catch (error) {
            if (!isErrorCode(error, 'NOT_FOUND')) throw error;
            throw new ConflictError(
              `${ATOMS_PROVIDER} publish: the draft of branch ${branchId} was discarded while its scan ran; nothing was committed.`,
              { provider: ATOMS_PROVIDER, operation: 'publish', details: { agentId, branchId } },
            );
          }
        }
        const state = scanStateOf(row);
        if (state.kind === 'committed') return { state: 'success', value: row };
        if (state.kind === 'failed') {
          lastGate = state.gate;
          return { state: 'failure', value: row, reason: 'scan failed' };
        }
        idlePolls = state.kind === 'idle' ? idlePolls + 1 : 0;
        if (state.kind === 'cancelled' || idlePolls >= 2) {
          return { state: 'failure', value: row, reason: 'cancelled' };
        }
        lastGate = state.gate;
        return { state: 'retry', value: row, reason: `scan ${state.gate?.raw ?? 'running'}` };
      },
      {
        minDelayMs: this.#securityCheck.minDelayMs,
        maxDelayMs: this.#securityCheck.maxDelayMs,
        maxWaitMs,
        signal,
        clock: this.#clock,
        random: this.#random,
      },
    );

    switch (result.state) {
      case 'success':
        return result.value!;
      case 'failure':
        if (result.reason === 'cancelled') {
          throw new ConflictError(
            `${ATOMS_PROVIDER} publish: the publish on branch ${branchId} was cancelled by someone else while its scan ran; nothing was committed. Release again to publish.`,
            {
              provider: ATOMS_PROVIDER,
              operation: 'publish',
              details: { agentId, branchId, revisionId: candidate },
            },
          );
        }
        throw this.#scanFailed(ctx, candidate, lastGate ?? { status: 'failed' });
      case 'timeout': {
        const cancelled = cancelOnStop ? await this.#cancelPublish(agentId, branchId) : false;
        throw new SecurityCheckTimeoutError(
          `${ATOMS_PROVIDER} publish: the security scan on branch ${branchId} did not finish within ${maxWaitMs} ms (last status: ${lastGate?.raw ?? 'unknown'}). ${cancelled ? 'The publish was cancelled, so nothing goes live later; the draft stays open: release again.' : 'It may still commit later.'}`,
          {
            provider: ATOMS_PROVIDER,
            operation: 'publish',
            ...(candidate !== undefined ? { versionId: candidate } : {}),
            ...(lastGate?.raw !== undefined ? { lastStatus: lastGate.raw } : {}),
            waitedMs: result.elapsedMs,
            details: { agentId, branchId, cancelled },
          },
        );
      }
      default: {
        const cancelled = cancelOnStop ? await this.#cancelPublish(agentId, branchId) : false;
        throw new AbortedError(
          `${ATOMS_PROVIDER} publish was aborted while the security scan ran${cancelled ? '; the publish was cancelled' : ''}`,
          {
            provider: ATOMS_PROVIDER,
            operation: 'publish',
            details: { agentId, branchId, revisionId: candidate, cancelled },
          },
        );
      }
    }
  }

  #scanFailed(
    ctx: PublishContext,
    rowId: string | undefined,
    gate: PublishGateInfo,
  ): SecurityCheckFailedError {
    return new SecurityCheckFailedError(
      `${ATOMS_PROVIDER} publish: the draft of branch ${ctx.branchId} failed its security scan (${gate.raw ?? 'failed'})${gate.reason ? `: ${gate.reason}` : ''}. Nothing was committed; the draft stays open with the rejected content: change it (release again with a fixed configuration) or discard it.`,
      {
        provider: ATOMS_PROVIDER,
        operation: 'publish',
        ...(rowId !== undefined ? { versionId: rowId } : {}),
        checkStatus: gate.raw ?? 'failed',
        ...(gate.reason !== undefined ? { reason: gate.reason } : {}),
        details: { agentId: ctx.agentId, branchId: ctx.branchId },
      },
    );
  }

  /** `POST .../draft/publish/cancel`, best effort and idempotent: true when Atoms confirmed it. */
  async #cancelPublish(agentId: string, branchId: string): Promise<boolean> {
    try {
      await this.#http.request({
        operation: 'cancelPublish',
        method: 'POST',
        path: pathOf`/agent/${agentId}/branches/${branchId}/draft/publish/cancel`,
        schema: ignoredResponseSchema,
        // Documented as idempotent (200 even when nothing is scanning), so it may be re-sent.
        idempotent: true,
        timeoutMs: CANCEL_TIMEOUT_MS,
      });
      this.#logger.info('atoms publish cancelled', { provider: ATOMS_PROVIDER, agentId, branchId });
      return true;
    } catch (error) {
      this.#logger.warn('atoms could not cancel the publish; it may still commit', {
        provider: ATOMS_PROVIDER,
        agentId,
        branchId,
        code: isErrorCode(error, 'ABORTED') ? 'ABORTED' : ((error as { code?: string }).code ?? 'error'),
      });
      return false;
    }
  }

  #published(ctx: PublishContext, row: AtomsRevisionRow, how: string): PublishOutcome {
    const version = revisionToVersionInfo(ctx.agentId, row, ctx.isLive);
    this.#branchOfRevision.set(row._id, ctx.branchId);
    if (ctx.isLive) this.#live.set(ctx.agentId, version);
    this.#logger.info('atoms revision published', {
      provider: ATOMS_PROVIDER,
      apiGeneration: 'v2',
      agentId: ctx.agentId,
      branchId: ctx.branchId,
      revisionId: version.id,
      revisionNumber: version.number,
      live: ctx.isLive,
      how,
    });
    return { status: 'published', version };
  }

  // ---- activate ----------------------------------------------------------------------------

  /**
   * Makes a revision serve:
   * - the revision this releaser just made live (published on the live branch): returned, no request;
   * - the live branch's head: returned after one read (idempotent);
   * - a branch head that is not live: `POST .../branches/{branchId}/live`;
   * - an older revision (rollback): `POST .../revisions/{revisionId}/restore`, which commits its
   *   config again as a **new** head revision (a new id, returned), then makes its branch live
   *   if it is not;
   * - a revision still scanning: waits for it to commit first (the security-check waiter).
   * @throws NotFoundError when no active branch has the revision; SecurityCheckFailedError for
   *   a revision whose scan failed; SecurityCheckTimeoutError, AbortedError.
   */
  async activate(agentId: string, versionId: string, opts: AtomsActivateOptions): Promise<VersionInfo> {
    const { signal } = opts;
    const known = this.#live.get(agentId);
    if (known?.id === versionId) return known;

    const branches = await this.#listBranches(agentId, signal);
    if (branches.length === 0) throw notOnBranchModel(agentId, 'activate');
    let { summary, row } = await this.#locateRevision(agentId, versionId, branches, signal);
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
      row = await this.#awaitReady(agentId, summary.branch._id, row, opts, report);
      summary = await this.#getBranch(agentId, summary.branch._id, signal);
    } else {
      report(gate, 1, 0);
    }
    const branchId = summary.branch._id;

    if (summary.branch.headRevisionId === row._id) {
      if (!summary.isLive) await this.#makeLive(agentId, branchId, signal);
      return this.#nowLive(agentId, branchId, row, summary.isLive ? 'already live' : 'branch made live');
    }

    // An older revision: restore it as a new head (rollback = republish under v2).
    const restored = await this.#restore(agentId, summary, row._id, signal);
    if (!summary.isLive) await this.#makeLive(agentId, branchId, signal);
    return this.#nowLive(agentId, branchId, restored, `restored from ${row._id}`);
  }

  #nowLive(agentId: string, branchId: string, row: AtomsRevisionRow, how: string): VersionInfo {
    const version = revisionToVersionInfo(agentId, row, true);
    this.#live.set(agentId, version);
    this.#branchOfRevision.set(row._id, branchId);
    this.#logger.info('atoms revision live', {
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
  async #locateRevision(
    agentId: string,
    revisionId: string,
    branches: readonly AtomsBranchSummaryRow[],
    signal: AbortSignal | undefined,
  ): Promise<{ summary: AtomsBranchSummaryRow; row: AtomsRevisionRow }> {
    const remembered = this.#branchOfRevision.get(revisionId);
    const ordered = [...branches].sort(
      (a, b) =>
        Number(b.branch._id === remembered) - Number(a.branch._id === remembered) ||
        Number(b.isLive) - Number(a.isLive),
    );
    for (const summary of ordered) {
      try {
        const row = await this.#getRevision(agentId, summary.branch._id, revisionId, signal);
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
  async #awaitReady(
    agentId: string,
    branchId: string,
    first: AtomsRevisionRow,
    opts: AtomsActivateOptions,
    report: (gate: PublishGateInfo | undefined, attempt: number, elapsedMs: number) => void,
  ): Promise<AtomsRevisionRow> {
    const { signal } = opts;
    const maxWaitMs = opts.maxWaitMs ?? this.#securityCheck.maxWaitMs;
    const started = this.#clock.now();
    let lastGate: PublishGateInfo | undefined;
    let idlePolls = 0;
    const result = await waitUntil<AtomsRevisionRow>(
      async (attempt) => {
        const row = attempt === 1 ? first : await this.#getRevision(agentId, branchId, first._id, signal);
        const state = scanStateOf(row);
        lastGate = gateOf(row) ?? lastGate;
        report(lastGate, attempt, this.#clock.now() - started);
        if (isReady(row)) return { state: 'success', value: row };
        if (state.kind === 'failed' || (state.kind === 'committed' && lastGate?.status === 'failed')) {
          return { state: 'failure', value: row, reason: 'scan failed' };
        }
        idlePolls = state.kind === 'idle' ? idlePolls + 1 : 0;
        if (state.kind === 'cancelled' || idlePolls >= 2) {
          return { state: 'failure', value: row, reason: 'cancelled' };
        }
        return { state: 'retry', value: row, reason: 'scanning' };
      },
      {
        minDelayMs: this.#securityCheck.minDelayMs,
        maxDelayMs: this.#securityCheck.maxDelayMs,
        maxWaitMs,
        signal,
        clock: this.#clock,
        random: this.#random,
      },
    );
    switch (result.state) {
      case 'success':
        return result.value!;
      case 'failure':
        if (result.reason === 'cancelled') {
          throw new ConflictError(
            `${ATOMS_PROVIDER} activate: the publish of ${first._id} was cancelled; it will not commit, so it cannot be made live.`,
            { provider: ATOMS_PROVIDER, operation: 'activate', details: { agentId, branchId } },
          );
        }
        throw new SecurityCheckFailedError(
          `${ATOMS_PROVIDER} activate: ${first._id} failed its security scan (${lastGate?.raw ?? 'failed'})${lastGate?.reason ? `: ${lastGate.reason}` : ''}; it was not committed and cannot go live.`,
          {
            provider: ATOMS_PROVIDER,
            operation: 'activate',
            versionId: first._id,
            checkStatus: lastGate?.raw ?? 'failed',
            ...(lastGate?.reason !== undefined ? { reason: lastGate.reason } : {}),
          },
        );
      case 'timeout':
        throw new SecurityCheckTimeoutError(
          `${ATOMS_PROVIDER} activate: ${first._id} was still being scanned after ${maxWaitMs} ms (last status: ${lastGate?.raw ?? 'unknown'}); call activate again later.`,
          {
            provider: ATOMS_PROVIDER,
            operation: 'activate',
            versionId: first._id,
            ...(lastGate?.raw !== undefined ? { lastStatus: lastGate.raw } : {}),
            waitedMs: result.elapsedMs,
          },
        );
      default:
        throw new AbortedError(`${ATOMS_PROVIDER} activate was aborted`, {
          provider: ATOMS_PROVIDER,
          operation: 'activate',
          details: { versionId: first._id },
        });
    }
  }

  async #makeLive(agentId: string, branchId: string, signal: AbortSignal | undefined): Promise<void> {
    await this.#http.request({
      operation: 'makeLive',
      method: 'POST',
      path: pathOf`/agent/${agentId}/branches/${branchId}/live`,
      schema: branchSummaryResponseSchema,
      // Making the live branch live again changes nothing, so a lost answer is re-sent.
      idempotent: true,
      signal,
    });
  }

  /**
   * `POST .../revisions/{revisionId}/restore`: the old config becomes a new head revision (200,
   * or 202 while scanned). A lost answer is reconciled: a new head restored from this revision
   * is ours; otherwise the restore is re-sent once.
   */
  async #restore(
    agentId: string,
    summary: AtomsBranchSummaryRow,
    revisionId: string,
    signal: AbortSignal | undefined,
  ): Promise<AtomsRevisionRow> {
    const branchId = summary.branch._id;
    const ctx: PublishContext = {
      agentId,
      branchId,
      draftId: revisionId,
      preHead: summary.branch.headRevisionId ?? undefined,
      isLive: summary.isLive,
      label: undefined,
      signal,
    };
    const send = async () => {
      const { data } = await this.#http.request({
        operation: 'restore',
        method: 'POST',
        path: pathOf`/agent/${agentId}/branches/${branchId}/revisions/${revisionId}/restore`,
        schema: publishResultResponseSchema,
        idempotent: false,
        signal,
      });
      const result = data.data;
      if (result.state === 'committed' && result.revision) return result.revision;
      if (result.state === 'scanning') return this.#awaitScan(ctx, undefined, false);
      throw new UnexpectedResponseError(
        `${ATOMS_PROVIDER} restore: unexpected result state "${result.state}"`,
        { provider: ATOMS_PROVIDER, operation: 'restore', field: 'data.state' },
      );
    };
    const reconcile = async (): Promise<AtomsRevisionRow | undefined> => {
      const now = await this.#getBranch(agentId, branchId, signal);
      const head = now.branch.headRevisionId ?? undefined;
      if (head === undefined || head === ctx.preHead) return undefined;
      const row = await this.#getRevision(agentId, branchId, head, signal);
      return row.restoredFromRevisionId === revisionId ? row : undefined;
    };
    try {
      return await send();
    } catch (error) {
      if (!isLostWrite(error)) throw error;
      this.#logger.warn('atoms restore answer lost; reconciling before any re-send', {
        provider: ATOMS_PROVIDER,
        agentId,
        branchId,
        revisionId,
      });
      const done = await reconcile();
      if (done !== undefined) return done;
      return send();
    }
  }

  // ---- reads -------------------------------------------------------------------------------

  /** The live branch's head revision, or `null` when the live branch has no commit. */
  async getActiveVersion(agentId: string, signal: AbortSignal | undefined): Promise<VersionInfo | null> {
    const branches = await this.#listBranches(agentId, signal);
    if (branches.length === 0) throw notOnBranchModel(agentId, 'getActiveVersion');
    const live = branches.find((b) => b.isLive);
    const head = live?.branch.headRevisionId ?? undefined;
    if (live === undefined || head === undefined) return null;
    const row = await this.#getRevision(agentId, live.branch._id, head, signal);
    const version = revisionToVersionInfo(agentId, row, true);
    this.#live.set(agentId, version);
    this.#branchOfRevision.set(head, live.branch._id);
    return version;
  }

  /** Committed revisions of the live branch, newest first. */
  async listVersions(
    agentId: string,
    page: { limit: number; skip: number },
    signal: AbortSignal | undefined,
  ): Promise<AtomsVersionPage> {
    const branches = await this.#listBranches(agentId, signal);
    const live = pickBranch(branches, undefined);
    if (live === undefined) throw notOnBranchModel(agentId, 'listVersions');
    const { data } = await this.#http.request({
      operation: 'listRevisions',
      method: 'GET',
      path: pathOf`/agent/${agentId}/branches/${live.branch._id}/revisions`,
      query: { limit: page.limit, skip: page.skip },
      schema: listRevisionsResponseSchema,
      signal,
    });
    const { revisions, total } = data.data;
    // The list also shows a publish attempt's draft row; only committed revisions are versions.
    const committed = revisions.filter(isCommitted);
    const head = live.isLive ? (live.branch.headRevisionId ?? undefined) : undefined;
    return {
      versions: committed.map((row) => revisionToVersionInfo(agentId, row, row._id === head)),
      total: Math.max(0, total - (revisions.length - committed.length)),
      ...page,
    };
  }

  /** The branch an edit targets, or the typed error saying why there is none. */
  #target(
    agentId: string,
    branches: readonly AtomsBranchSummaryRow[],
    draftId: string | undefined,
    operation: string,
  ): AtomsBranchSummaryRow {
    if (branches.length === 0) throw notOnBranchModel(agentId, operation);
    const target = pickBranch(branches, draftId);
    if (target !== undefined) return target;
    if (draftId !== undefined) {
      throw new NotFoundError(
        `${ATOMS_PROVIDER} ${operation}: agent ${agentId} has no active branch and no open draft with id ${draftId} (under Atoms versioning v2, draftId names a branch or its open draft)`,
        { provider: ATOMS_PROVIDER, operation, details: { agentId, draftId } },
      );
    }
    throw new ConflictError(
      `${ATOMS_PROVIDER} ${operation}: agent ${agentId} has neither a live nor a default branch`,
      { provider: ATOMS_PROVIDER, operation, details: { agentId } },
    );
  }

  async #listBranches(agentId: string, signal: AbortSignal | undefined): Promise<AtomsBranchSummaryRow[]> {
    const { data } = await this.#http.request({
      operation: 'listBranches',
      method: 'GET',
      path: pathOf`/agent/${agentId}/branches`,
      schema: listBranchesResponseSchema,
      signal,
    });
    return data.data.branches;
  }

  async #getBranch(
    agentId: string,
    branchId: string,
    signal: AbortSignal | undefined,
  ): Promise<AtomsBranchSummaryRow> {
    const { data } = await this.#http.request({
      operation: 'getBranch',
      method: 'GET',
      path: pathOf`/agent/${agentId}/branches/${branchId}`,
      schema: branchSummaryResponseSchema,
      signal,
    });
    return data.data;
  }

  async #getBranchDraft(
    agentId: string,
    branchId: string,
    signal: AbortSignal | undefined,
  ): Promise<AtomsRevisionRow> {
    const { data } = await this.#http.request({
      operation: 'getDraft',
      method: 'GET',
      path: pathOf`/agent/${agentId}/branches/${branchId}/draft`,
      schema: getBranchDraftResponseSchema,
      signal,
    });
    return data.data.latest;
  }

  async #getRevision(
    agentId: string,
    branchId: string,
    revisionId: string,
    signal: AbortSignal | undefined,
  ): Promise<AtomsRevisionRow> {
    const { data } = await this.#http.request({
      operation: 'getRevision',
      method: 'GET',
      path: pathOf`/agent/${agentId}/branches/${branchId}/revisions/${revisionId}`,
      schema: getRevisionResponseSchema,
      signal,
    });
    return data.data.revision;
  }

  async #listRevisionRows(
    agentId: string,
    branchId: string,
    page: { limit: number; skip: number },
    signal: AbortSignal | undefined,
  ): Promise<AtomsRevisionRow[]> {
    const { data } = await this.#http.request({
      operation: 'listRevisions',
      method: 'GET',
      path: pathOf`/agent/${agentId}/branches/${branchId}/revisions`,
      query: { limit: page.limit, skip: page.skip },
      schema: listRevisionsResponseSchema,
      signal,
    });
    return data.data.revisions;
  }
}

/** The agent has no branches: it is on v1 (not migrated yet). */
function notOnBranchModel(agentId: string, operation: string): ConflictError {
  return new ConflictError(
    `${ATOMS_PROVIDER} ${operation}: agent ${agentId} has no branches, so it is not on the Atoms branch model (versioning v2) yet. Use apiGeneration 'auto' (the default) or 'v1' for it.`,
    { provider: ATOMS_PROVIDER, operation, details: { agentId, reason: NOT_ON_BRANCH_MODEL } },
  );
}
