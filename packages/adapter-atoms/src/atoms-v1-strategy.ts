/**
 * The Atoms v1 lifecycle (drafts + versions): fork a draft from the active version, PATCH its
 * config, publish it as a new inactive version, wait for the post-publish security check, then
 * activate. This is the I/O edge; the decisions live in small pure functions next door
 * (`atoms-mapping.ts`, `atoms-security-check.ts`).
 */
import {
  AbortedError,
  type Clock,
  ConflictError,
  type DraftRef,
  type HttpClient,
  type Logger,
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
import {
  type AtomsAgentRow,
  type AtomsVersionRow,
  activateResponseSchema,
  draftDiffResponseSchema,
  forkDraftResponseSchema,
  getDraftResponseSchema,
  getVersionResponseSchema,
  listVersionsResponseSchema,
  patchDraftConfigResponseSchema,
  publishResponseSchema,
} from './atoms-api.js';
import { isErrorCode, isLostWrite } from './atoms-errors.js';
import { ATOMS_PROVIDER, atomsDraftIdSchema } from './atoms-ids.js';
import {
  type AtomsChangeSet,
  needsCurrentConfig,
  toDraftConfigBody,
  toolsOf,
  toVersionInfo,
  workflowTypeOf,
} from './atoms-mapping.js';
import type { AtomsSecurityCheckOptions } from './atoms-options.js';
import { classifyActivateRefusal, gateOf } from './atoms-security-check.js';
import { discardEmptyDraft, getAtomsAgent } from './atoms-shared-requests.js';
import type {
  AtomsActivateOptions,
  AtomsDraftTarget,
  AtomsLifecycleStrategy,
  AtomsVersionPage,
} from './atoms-strategy.js';
import { DraftConflictError } from './atoms-v2-errors.js';

/** What the v1 strategy needs; built by `createAtomsReleaser`. */
export interface AtomsV1StrategyDeps {
  http: HttpClient;
  logger: Logger;
  clock: Clock;
  random: () => number;
  securityCheck: Readonly<Required<AtomsSecurityCheckOptions>>;
}

/** The newest published version before a publish, to tell "ours" from older versions afterwards. */
interface VersionMark {
  id: string;
  number: number | undefined;
}

/**
 * Where reconciliation of a lost publish starts looking ("ours is newer than this"):
 * - `since`: the server's creation time of the draft (ms since epoch, parsed from the draft row's
 *   `createdAt`). Our version was published after the draft existed, so its server-side
 *   `publishedAt` (else `createdAt`) is at or after it; anything published before is not ours.
 *   Both sides are server clocks, so client clock skew plays no part. Costs no request: the fork
 *   answer (or the draft read `editDraft` already makes for a given draftId) carries it.
 * - `mark`: the fallback when the draft's creation time is unknown (a `DraftRef` built by hand,
 *   or a server row without `createdAt`): the newest version read just before the POST
 *   (one `GET .../versions?limit=1`).
 */
type ReconcileFloor = { kind: 'since'; since: number } | { kind: 'mark'; mark: VersionMark | undefined };

type ReconcileResult =
  | { kind: 'published'; version: AtomsVersionRow }
  | { kind: 'draft-open' }
  | { kind: 'missing' };

// How far back reconciliation looks for the version a lost publish created (newest first).
const RECONCILE_PAGE_SIZE = 20;
const RECONCILE_MAX_PAGES = 5;

// How many agents' last activated version `getActiveVersion` remembers (see BoundedMap).
const ACTIVATED_MEMORY_MAX = 1000;

/** A server timestamp (ISO 8601) in ms since epoch; undefined when missing or unparsable. */
function serverTime(value: string | null | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * v1 has no server-side `expectedRevision`, so `providerOptions.atoms.expectedRevision` is checked
 * here against the `draftRevision` of the draft named by `draftId`, before anything is written:
 * v1 drafts have no field-level merge, so any difference is a conflict.
 */
function checkExpectedRevision(
  expected: number | null | undefined,
  actual: number | undefined,
  draftId: string,
): void {
  if (typeof expected !== 'number' || actual === undefined || expected === actual) return;
  const where = `draft ${draftId}`;
  throw new DraftConflictError(
    expected > actual
      ? `${ATOMS_PROVIDER} editDraft: expectedRevision ${expected} is not a revision of ${where} (it is at ${actual}). Nothing was written: re-read the draft and apply the change again, or send expectedRevision: null to skip the check.`
      : `${ATOMS_PROVIDER} editDraft: ${where} was edited since revision ${expected} (it is at ${actual}). Nothing was written: re-read the draft and apply the change again, or send expectedRevision: null to overwrite.`,
    {
      provider: ATOMS_PROVIDER,
      operation: 'editDraft',
      kind: expected > actual ? 'base-revision-unavailable' : 'concurrent-edit',
      expectedRevision: expected,
      latestRevision: actual,
    },
  );
}

/** {@link AtomsLifecycleStrategy} over the v1 drafts/versions endpoints. */
export class AtomsV1Strategy implements AtomsLifecycleStrategy {
  readonly generation = 'v1' as const;
  readonly currentGeneration = 'v1' as const;
  readonly #http: HttpClient;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #securityCheck: Readonly<Required<AtomsSecurityCheckOptions>>;
  /**
   * Per agent, the version this instance last made live (from the activate answer, or the fresh
   * version read that found it already active), so `getActiveVersion` can confirm it from the
   * agent read alone. Publish answers are not remembered: they predate activation (inactive,
   * check pending), so they would describe a live version wrongly.
   */
  readonly #activated = new BoundedMap<string, VersionInfo>(ACTIVATED_MEMORY_MAX);

  constructor(deps: AtomsV1StrategyDeps) {
    this.#http = deps.http;
    this.#logger = deps.logger;
    this.#clock = deps.clock;
    this.#random = deps.random;
    this.#securityCheck = deps.securityCheck;
  }

  generationOf(_agentId: string): 'v1' {
    return 'v1';
  }

  // ---- edit --------------------------------------------------------------------------------

  async editDraft(
    agentId: string,
    changes: AtomsChangeSet,
    opts: { draftId?: string | undefined; signal?: AbortSignal | undefined },
  ): Promise<DraftRef> {
    const { signal } = opts;
    let draftId = opts.draftId;
    let baseVersionId: string | undefined;
    let revision: number | undefined;
    let agent: AtomsAgentRow | undefined;
    // Server creation time of the draft row, for publish's reconciliation (see ReconcileFloor).
    let draftCreatedAt: string | undefined;

    if (draftId !== undefined) {
      // An existing draft: read it first (it must exist, and publish needs its source version to
      // reconcile a lost response), then its resolved config when the edit needs the tools.
      const draft = await this.#getDraft(agentId, draftId, signal);
      baseVersionId = draft.sourceVersionId ?? undefined;
      revision = draft.draftRevision ?? undefined;
      // The row we already read: its server time is a valid floor even if it is a later
      // revision's row (it still existed before any publish of this draft).
      draftCreatedAt = serverTime(draft.createdAt) !== undefined ? (draft.createdAt ?? undefined) : undefined;
      checkExpectedRevision(changes.expectedRevision, revision, draftId);
      if (needsCurrentConfig(changes)) agent = await getAtomsAgent(this.#http, agentId, { draftId }, signal);
    } else {
      // A fresh fork has no concurrent editors, so `expectedRevision` has nothing to guard here
      // (and checking it would stop an 'auto' releaser from reaching the fork that detects v2).
      agent = await getAtomsAgent(this.#http, agentId, {}, signal);
      baseVersionId = agent.activeVersionId ?? agent.versionId ?? undefined;
      if (baseVersionId === undefined) {
        throw new ConflictError(
          `${ATOMS_PROVIDER} editDraft: agent ${agentId} has no active version to fork a draft from; activate a version first or pass an existing draftId`,
          { provider: ATOMS_PROVIDER, operation: 'editDraft' },
        );
      }
    }

    // Built before the fork, so an edit Atoms cannot take (e.g. a globalPrompt over 4000
    // characters on a workflow_graph agent) fails without leaving a draft behind.
    const body = toDraftConfigBody(
      changes,
      agent
        ? { workflowType: workflowTypeOf(agent), tools: toolsOf(agent) }
        : { workflowType: 'single_prompt', tools: undefined },
    );

    if (draftId === undefined) {
      const forked = await this.#forkDraft(agentId, baseVersionId!, signal);
      draftId = forked.draftId;
      baseVersionId = forked.sourceVersionId ?? baseVersionId;
      revision = forked.draftRevision ?? undefined;
      draftCreatedAt = forked.createdAt;
    }

    const fields = Object.keys(body);
    if (fields.length > 0) {
      const { data } = await this.#http.request({
        operation: 'patchDraftConfig',
        method: 'PATCH',
        path: pathOf`/agent/${agentId}/drafts/${draftId}/config`,
        body,
        schema: patchDraftConfigResponseSchema,
        // Re-applying the same fields gives the same config (only the revision counter moves),
        // so a retry after a lost answer is safe.
        idempotent: true,
        signal,
      });
      revision = data.data?.draftRevision ?? revision;
    }
    this.#logger.info('atoms draft edited', {
      provider: ATOMS_PROVIDER,
      agentId,
      draftId,
      baseVersionId,
      forked: opts.draftId === undefined,
      fields,
    });
    return {
      provider: ATOMS_PROVIDER,
      agentId,
      draftId,
      baseVersionId,
      revision,
      meta: {
        apiGeneration: this.generation,
        ...(agent ? { workflowType: workflowTypeOf(agent) } : {}),
        ...(draftCreatedAt !== undefined ? { draftCreatedAt } : {}),
      },
    };
  }

  async #forkDraft(
    agentId: string,
    sourceVersionId: string,
    signal: AbortSignal | undefined,
  ): Promise<{
    draftId: string;
    sourceVersionId: string | undefined;
    draftRevision: number | null | undefined;
    createdAt: string | undefined;
  }> {
    const { data } = await this.#http.request({
      operation: 'forkDraft',
      method: 'POST',
      path: pathOf`/agent/${agentId}/drafts`,
      body: { sourceVersionId },
      schema: forkDraftResponseSchema,
      // A fork is not idempotent, but a duplicate is harmless: a lost answer leaves at worst an
      // orphan draft that nothing publishes. So it is retried like a read (502/503/504, network,
      // timeout) instead of failing the release.
      idempotent: true,
      signal,
    });
    // The lifecycle guide and SDK read `draftId`; one migration example reads `_id`.
    const draftId = data.data.draftId ?? data.data._id;
    if (!atomsDraftIdSchema.safeParse(draftId).success) {
      throw new UnexpectedResponseError(`${ATOMS_PROVIDER} forkDraft: the new draft has no usable draftId`, {
        provider: ATOMS_PROVIDER,
        operation: 'forkDraft',
        field: 'data.draftId',
      });
    }
    this.#logger.debug('atoms draft forked', { provider: ATOMS_PROVIDER, agentId, draftId, sourceVersionId });
    return {
      draftId,
      sourceVersionId: data.data.sourceVersionId ?? undefined,
      draftRevision: data.data.draftRevision,
      createdAt:
        serverTime(data.data.createdAt) !== undefined ? (data.data.createdAt ?? undefined) : undefined,
    };
  }

  // ---- publish -----------------------------------------------------------------------------

  async publish(
    draft: AtomsDraftTarget,
    body: { label?: string; description?: string },
    signal: AbortSignal | undefined,
  ): Promise<PublishOutcome> {
    const { agentId, draftId } = draft;
    // No compareTo: the draft is compared with its source version.
    const { data: diff } = await this.#http.request({
      operation: 'diffDraft',
      method: 'GET',
      path: pathOf`/agent/${agentId}/drafts/${draftId}/diff`,
      schema: draftDiffResponseSchema,
      signal,
    });
    if (!diff.data.hasChanges) {
      await discardEmptyDraft(
        this.#http,
        this.#logger,
        pathOf`/agent/${agentId}/drafts/${draftId}`,
        { agentId, draftId },
        signal,
      );
      this.#logger.info('atoms draft had no changes; discarded', {
        provider: ATOMS_PROVIDER,
        agentId,
        draftId,
      });
      return { status: 'unchanged', reason: 'no-changes' };
    }

    // What reconciliation needs, known before the write: the draft's source version, and a
    // floor that tells versions published since from older ones. The floor is the draft's
    // server-side creation time when editDraft saw it (no request); otherwise the newest version
    // that exists now (one request; anything newer afterwards was published since).
    let source = draft.baseVersionId;
    let since = serverTime(draft.draftCreatedAt);
    if (source === undefined) {
      const row = await this.#getDraft(agentId, draftId, signal);
      source = row.sourceVersionId ?? undefined;
      since ??= serverTime(row.createdAt);
    }
    const floor: ReconcileFloor =
      since !== undefined
        ? { kind: 'since', since }
        : { kind: 'mark', mark: await this.#newestVersion(agentId, signal) };
    return this.#publishExactlyOnce({ agentId, draftId, source, floor, body, signal });
  }

  /**
   * Publishes so that at most one version results, even when an answer is lost.
   *
   * Publishing consumes the draft. So after a lost answer (dropped connection, deadline, 5xx on
   * the POST) the draft tells what happened, before anything is re-sent:
   * - draft gone (404): the publish was applied. The version it created is the newest one that
   *   is at or after the floor (see {@link ReconcileFloor}: published, by the server's clock, no
   *   earlier than the draft was created; or newer than the pre-publish mark), has the draft's
   *   `sourceVersionId` (and our label, if we sent one); it is returned as published.
   *   With the creation-time floor, a version someone else published from the same source
   *   between our fork and our publish is also a candidate (the mark only excluded those before
   *   the POST): the label tells them apart; without one the newest candidate is taken and a
   *   warning logged, as with the mark when two publishes race.
   * - draft still open: the publish was not applied, so re-sending once is safe. If that answer
   *   is lost too, reconcile once more but never send a third time.
   * - draft gone and no such version: someone else discarded it; nothing to publish (Conflict).
   *
   * Caveat: if the server were still processing the first POST when the draft is read, the draft
   * would look open; Atoms publishes and removes the draft in one step, so this is not expected.
   */
  async #publishExactlyOnce(ctx: {
    agentId: string;
    draftId: string;
    source: string | undefined;
    floor: ReconcileFloor;
    body: { label?: string; description?: string };
    signal: AbortSignal | undefined;
  }): Promise<PublishOutcome> {
    const { agentId, draftId, body, signal } = ctx;
    const send = async () => {
      const { data } = await this.#http.request({
        operation: 'publish',
        method: 'POST',
        path: pathOf`/agent/${agentId}/drafts/${draftId}/publish`,
        body,
        schema: publishResponseSchema,
        // Never re-sent by the HTTP layer after it may have reached Atoms: see above.
        idempotent: false,
        signal,
      });
      return data.data;
    };
    const published = (row: AtomsVersionRow, how: string): PublishOutcome => {
      const version = toVersionInfo(agentId, row, false);
      this.#logger.info('atoms version published', {
        provider: ATOMS_PROVIDER,
        agentId,
        draftId,
        versionId: version.id,
        versionNumber: version.number,
        how,
      });
      return { status: 'published', version };
    };

    try {
      return published(await send(), 'direct');
    } catch (error) {
      if (!isLostWrite(error)) throw error;
      this.#logger.warn('atoms publish answer lost; reconciling before any re-send', {
        provider: ATOMS_PROVIDER,
        agentId,
        draftId,
        status: error.status,
        reason: error.reason,
      });
      const first = await this.#reconcilePublish(ctx);
      if (first.kind === 'published') return published(first.version, 'reconciled');
      if (first.kind === 'missing') throw this.#draftVanished(agentId, draftId, error);

      try {
        return published(await send(), 'resent');
      } catch (second) {
        // A 404 here means the first POST landed after all (the draft is gone now).
        if (!isLostWrite(second) && !isErrorCode(second, 'NOT_FOUND')) throw second;
        const again = await this.#reconcilePublish(ctx);
        if (again.kind === 'published') return published(again.version, 'reconciled');
        if (again.kind === 'missing') throw this.#draftVanished(agentId, draftId, second);
        throw second;
      }
    }
  }

  async #reconcilePublish(ctx: {
    agentId: string;
    draftId: string;
    source: string | undefined;
    floor: ReconcileFloor;
    body: { label?: string };
    signal: AbortSignal | undefined;
  }): Promise<ReconcileResult> {
    const { agentId, draftId, signal } = ctx;
    try {
      await this.#getDraft(agentId, draftId, signal);
      return { kind: 'draft-open' };
    } catch (error) {
      if (!isErrorCode(error, 'NOT_FOUND')) throw error;
    }
    const version = await this.#findVersionPublishedSince(ctx);
    return version ? { kind: 'published', version } : { kind: 'missing' };
  }

  /**
   * The newest version at or after the floor that was published from `source` (and has our
   * label). Versions come newest first, so the scan stops at the first one below the floor.
   * With a time floor, a row without a readable `publishedAt`/`createdAt` cannot be shown to be
   * ours and is skipped (at worst a Conflict is reported; never an older version as ours).
   */
  async #findVersionPublishedSince(ctx: {
    agentId: string;
    draftId: string;
    source: string | undefined;
    floor: ReconcileFloor;
    body: { label?: string };
    signal: AbortSignal | undefined;
  }): Promise<AtomsVersionRow | undefined> {
    const { agentId, source, floor, body, signal } = ctx;
    const candidates: AtomsVersionRow[] = [];
    scan: for (let page = 0; page < RECONCILE_MAX_PAGES; page++) {
      const { versions } = await this.#listVersionRows(
        agentId,
        { limit: RECONCILE_PAGE_SIZE, skip: page * RECONCILE_PAGE_SIZE },
        signal,
      );
      for (const row of versions) {
        if (floor.kind === 'since') {
          const at = serverTime(row.publishedAt) ?? serverTime(row.createdAt);
          if (at === undefined) continue;
          if (at < floor.since) break scan;
        } else {
          const { mark } = floor;
          const older =
            mark !== undefined &&
            (row._id === mark.id ||
              (mark.number !== undefined &&
                typeof row.versionNumber === 'number' &&
                row.versionNumber <= mark.number));
          if (older) break scan;
        }
        const sameSource = source === undefined || row.sourceVersionId === source;
        const sameLabel = body.label === undefined || row.label === body.label;
        if (sameSource && sameLabel) candidates.push(row);
      }
      if (versions.length < RECONCILE_PAGE_SIZE) break;
    }
    if (candidates.length > 1) {
      this.#logger.warn('atoms publish reconciliation found several candidate versions; taking the newest', {
        provider: ATOMS_PROVIDER,
        agentId,
        draftId: ctx.draftId,
        candidates: candidates.map((c) => c._id),
      });
    }
    return candidates[0];
  }

  #draftVanished(agentId: string, draftId: string, cause: unknown): ConflictError {
    return new ConflictError(
      `${ATOMS_PROVIDER} publish: the answer was lost and draft ${draftId} no longer exists, but no version published from it was found; it may have been discarded by someone else. Nothing was released.`,
      { provider: ATOMS_PROVIDER, operation: 'publish', cause, details: { agentId, draftId } },
    );
  }

  // ---- activate ----------------------------------------------------------------------------

  /**
   * Waits (core `waitUntil`: min/max delay with jitter, deadline, AbortSignal) until the security
   * check passed, then activates. Each poll reads the version; once a read shows no
   * `securityCheck` field (the v1 spec has none), polls go straight to the activate call and read
   * its "security check pending" refusal instead.
   */
  async activate(agentId: string, versionId: string, opts: AtomsActivateOptions): Promise<VersionInfo> {
    const { signal } = opts;
    const maxWaitMs = opts.maxWaitMs ?? this.#securityCheck.maxWaitMs;
    let lastStatus: string | undefined;
    let checkExposed: boolean | undefined;
    let failureReason: string | undefined;
    const started = this.#clock.now();
    const report = (attempt: number, gate: PublishGateInfo) => {
      try {
        opts.onGateProgress?.({ ...gate, attempt, elapsedMs: this.#clock.now() - started });
      } catch {
        // Progress reporting must never break an activation.
      }
    };

    const result = await waitUntil<VersionInfo>(
      async (attempt) => {
        if (checkExposed !== false) {
          const row = await this.#getVersion(agentId, versionId, signal);
          const gate = gateOf(row);
          // Activation is idempotent: an active version is returned as it is, nothing is sent.
          if (row.isActive === true) {
            report(attempt, gate ?? { status: 'passed' });
            return { state: 'success', value: toVersionInfo(agentId, row, true) };
          }
          checkExposed = gate !== undefined;
          if (gate !== undefined) {
            report(attempt, gate);
            lastStatus = gate.raw ?? gate.status;
            if (gate.status === 'failed') {
              failureReason = gate.reason;
              return { state: 'failure', reason: gate.reason ?? `security check ${lastStatus}` };
            }
            if (gate.status !== 'passed') return { state: 'retry', reason: `security check ${lastStatus}` };
          }
        }
        try {
          const row = await this.#activateNow(agentId, versionId, signal);
          // Without a check field, the accepted activation is what says the check passed.
          if (!checkExposed) report(attempt, { status: 'passed' });
          return { state: 'success', value: toVersionInfo(agentId, row, true) };
        } catch (error) {
          const refusal = classifyActivateRefusal(error);
          if (refusal === undefined) throw error;
          if (refusal.kind === 'failed') {
            lastStatus = 'failed';
            failureReason = refusal.reason;
            report(attempt, { status: 'failed', raw: 'failed', reason: refusal.reason });
            return { state: 'failure', reason: refusal.reason };
          }
          // Not ready yet (any 4xx saying the check is pending): poll again within the deadline.
          lastStatus = 'pending';
          report(attempt, { status: 'pending', raw: 'pending' });
          return { state: 'retry', reason: 'security check pending' };
        }
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
      case 'success': {
        const version = result.value!;
        this.#activated.set(agentId, version);
        this.#logger.info('atoms version active', {
          provider: ATOMS_PROVIDER,
          agentId,
          versionId,
          polls: result.attempts,
          waitedMs: result.elapsedMs,
        });
        return version;
      }
      case 'failure':
        throw new SecurityCheckFailedError(
          `${ATOMS_PROVIDER} activate: version ${versionId} failed its security check (${lastStatus ?? 'failed'})${failureReason ? `: ${failureReason}` : ''}. It stays published but cannot go live; change the draft and publish again.`,
          {
            provider: ATOMS_PROVIDER,
            operation: 'activate',
            versionId,
            ...(lastStatus !== undefined ? { checkStatus: lastStatus } : {}),
            ...(failureReason !== undefined ? { reason: failureReason } : {}),
          },
        );
      case 'timeout':
        throw new SecurityCheckTimeoutError(
          `${ATOMS_PROVIDER} activate: the security check of version ${versionId} did not pass within ${maxWaitMs} ms (last status: ${lastStatus ?? 'unknown'}). The version is published but not live; call activate again later.`,
          {
            provider: ATOMS_PROVIDER,
            operation: 'activate',
            versionId,
            ...(lastStatus !== undefined ? { lastStatus } : {}),
            waitedMs: result.elapsedMs,
          },
        );
      default:
        throw new AbortedError(`${ATOMS_PROVIDER} activate was aborted`, {
          provider: ATOMS_PROVIDER,
          operation: 'activate',
          details: { versionId, lastStatus },
        });
    }
  }

  async #activateNow(
    agentId: string,
    versionId: string,
    signal: AbortSignal | undefined,
  ): Promise<AtomsVersionRow> {
    const { data } = await this.#http.request({
      operation: 'activate',
      method: 'PATCH',
      path: pathOf`/agent/${agentId}/versions/${versionId}/activate`,
      schema: activateResponseSchema,
      // Documented as idempotent: activating the active version returns it unchanged.
      idempotent: true,
      signal,
    });
    return data.data;
  }

  // ---- reads -------------------------------------------------------------------------------

  async getActiveVersion(agentId: string, signal: AbortSignal | undefined): Promise<VersionInfo | null> {
    const agent = await getAtomsAgent(this.#http, agentId, {}, signal);
    const activeId = agent.activeVersionId ?? agent.versionId ?? undefined;
    if (activeId === undefined) return null;
    // The agent read is what proves which version is live. When it names the version this
    // instance just activated, the activate answer already gave its number, label and check, so
    // the version read is skipped. Trade-off: that row is as of our activation; a label or
    // description edited by someone else since (or an activatedAt moved by a re-activation
    // elsewhere) is not seen here. A different id (another writer) is always read fresh.
    const remembered = this.#activated.get(agentId);
    if (remembered !== undefined && remembered.id === activeId) return { ...remembered, isActive: true };
    const row = await this.#getVersion(agentId, activeId, signal);
    // The agent names this version as active; the version row adds number, label and check.
    return { ...toVersionInfo(agentId, row, true), isActive: true };
  }

  async listVersions(
    agentId: string,
    page: { limit: number; skip: number },
    signal: AbortSignal | undefined,
  ): Promise<AtomsVersionPage> {
    const { versions, total } = await this.#listVersionRows(agentId, page, signal);
    return { versions: versions.map((row) => toVersionInfo(agentId, row, false)), total, ...page };
  }

  async #newestVersion(agentId: string, signal: AbortSignal | undefined): Promise<VersionMark | undefined> {
    const { versions } = await this.#listVersionRows(agentId, { limit: 1, skip: 0 }, signal);
    const newest = versions[0];
    return newest ? { id: newest._id, number: newest.versionNumber ?? undefined } : undefined;
  }

  async #listVersionRows(
    agentId: string,
    page: { limit: number; skip: number },
    signal: AbortSignal | undefined,
  ) {
    const { data } = await this.#http.request({
      operation: 'listVersions',
      method: 'GET',
      path: pathOf`/agent/${agentId}/versions`,
      query: { limit: page.limit, skip: page.skip },
      schema: listVersionsResponseSchema,
      signal,
    });
    return data.data;
  }

  async #getDraft(
    agentId: string,
    draftId: string,
    signal: AbortSignal | undefined,
  ): Promise<AtomsVersionRow> {
    const { data } = await this.#http.request({
      operation: 'getDraft',
      method: 'GET',
      path: pathOf`/agent/${agentId}/drafts/${draftId}`,
      query: { limit: 1 },
      schema: getDraftResponseSchema,
      signal,
    });
    return data.data.latest;
  }

  async #getVersion(
    agentId: string,
    versionId: string,
    signal: AbortSignal | undefined,
  ): Promise<AtomsVersionRow> {
    const { data } = await this.#http.request({
      operation: 'getVersion',
      method: 'GET',
      path: pathOf`/agent/${agentId}/versions/${versionId}`,
      schema: getVersionResponseSchema,
      signal,
    });
    return data.data.version;
  }
}
