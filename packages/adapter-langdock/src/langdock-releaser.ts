import {
  type ActivateOptions,
  type AgentChanges,
  type AgentReleaser,
  type Clock,
  type ConfigSnapshot,
  type DraftRef,
  type EditDraftOptions,
  type GetActiveVersionOptions,
  type Logger,
  type PublishOptions,
  type PublishOutcome,
  type ReadConfigOptions,
  type ReleaseInput,
  type ReleaserCapabilities,
  UnsupportedOperationError,
  type VersionInfo,
  versionIdSchema,
} from '@agent-release/core';
import { type HttpClient, parseInput, throwIfAborted } from '@agent-release/core/provider';
import type { LangdockAgent } from './langdock-api.js';
import { LANGDOCK_CAPABILITIES, LANGDOCK_PROVIDER } from './langdock-capabilities.js';
import { toConfigSnapshot } from './langdock-config.js';
import { draftConflictError } from './langdock-draft-conflict.js';
import {
  draftFromUpdateAnswer,
  fieldsThatDiffer,
  foreignDraftFields,
  restoreFields,
} from './langdock-draft-diff.js';
import {
  checkDraftId,
  draftRefAgentId,
  mayHaveWritten,
  restoreOf,
  wroteNothing,
} from './langdock-draft-ref.js';
import { draftReset, draftResetNote } from './langdock-draft-reset.js';
import { LANGDOCK_DRAFT_ID, LANGDOCK_LIVE_VERSION_ID, langdockAgentIdSchema } from './langdock-ids.js';
import { toLangdockUpdate, toPublishDescription, toPublishedVersion } from './langdock-mapping.js';
import { foreignDraftEditsSchema, type LangdockForeignDraftEdits } from './langdock-options.js';
import { publishExactlyOnce } from './langdock-publish-once.js';
import { type LangdockIo, publishOnce, putBack, readAgent, updateDraft } from './langdock-requests.js';

/**
 * How many agents' last published version one releaser remembers. Bounded so a long-lived
 * releaser serving a huge tenant cannot grow without limit; the oldest entry is forgotten first.
 */
const REMEMBERED_AGENTS_MAX = 10_000;

/** What a {@link LangdockReleaser} is built from (see `createLangdockReleaser`). */
export interface LangdockReleaserDeps {
  http: HttpClient;
  logger: Logger;
  clock: Clock;
  random: () => number;
  /** Default for {@link LangdockEditDraftOptions.foreignDraftEdits}; `'refuse'` when omitted. */
  foreignDraftEdits?: LangdockForeignDraftEdits | undefined;
}

/** Langdock-only options of `editDraft`, next to the port's own. */
export interface LangdockEditDraftOptions {
  /**
   * Edits someone else left unpublished in the shared draft: `'refuse'` (the releaser's default
   * unless built otherwise) or `'include'` (publish them with this release).
   */
  foreignDraftEdits?: LangdockForeignDraftEdits | undefined;
}

/**
 * The Langdock implementation of the port. Build it with `createLangdockReleaser`.
 *
 * Langdock keeps one implicit draft per agent (`PATCH /agent/v1/update`), and
 * `POST /agent/v1/publish` turns it into a new version that is live at once, or answers 409 when
 * the draft equals the live version. There is no API to list versions, read the live version's
 * id, or re-activate an older version; see {@link LANGDOCK_CAPABILITIES}.
 *
 * The draft is shared with Langdock's web UI, so `editDraft` reads the live agent first, writes
 * only when a value differs, and never publishes someone else's unpublished edits unknowingly:
 * it refuses those it can see and overwrites, in the fields it manages, those it cannot (see
 * `editDraft` and the README's "The shared draft").
 *
 * The releaser remembers, per agent, the last version it published itself: that is the only
 * version id it can vouch for (for `activate` and `getActiveVersion`).
 */
export class LangdockReleaser implements AgentReleaser {
  readonly provider = LANGDOCK_PROVIDER;
  readonly capabilities: ReleaserCapabilities = LANGDOCK_CAPABILITIES;
  readonly #http: HttpClient;
  readonly #logger: Logger;
  readonly #io: LangdockIo;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #foreignDraftEdits: LangdockForeignDraftEdits;
  readonly #lastPublished = new Map<string, VersionInfo>();

  constructor(deps: LangdockReleaserDeps) {
    this.#http = deps.http;
    this.#logger = deps.logger;
    this.#io = { http: deps.http, logger: deps.logger };
    this.#clock = deps.clock;
    this.#random = deps.random;
    this.#foreignDraftEdits = deps.foreignDraftEdits ?? 'refuse';
  }

  /**
   * Rejects, without sending anything, whatever part of a release Langdock would refuse: a
   * non-UUID agent id, malformed or un-mappable changes (`firstMessage`, both prompt fields,
   * limits), a publish description over 100 characters, both `label` and `description`, or a
   * `draftId` other than the implicit draft.
   */
  validate(input: ReleaseInput): void {
    this.#agentId(input.agentId);
    toLangdockUpdate(input.changes);
    toPublishDescription(input);
    checkDraftId(input.draftId, 'draftId');
  }

  /**
   * Writes the changes into the agent's one draft, which Langdock's web UI shares:
   *
   * 1. `GET /agent/v1/get` reads the live agent. When it already holds every requested value,
   *    nothing is written and the returned ref publishes nothing (`unchanged`, no request).
   * 2. `PATCH /agent/v1/update {agentId, ...fields}` writes every requested field. If it fails
   *    in a way that may still have written (answer lost, aborted in flight), the written fields
   *    are put back to their live values before the error is thrown.
   * 3. Unless `foreignDraftEdits` is `'include'`, the draft the update answer shows is compared
   *    with the live agent outside the written fields. A difference is someone else's unpublished
   *    edit: the written fields are put back to their live values and a `ConflictError` is
   *    thrown, so nothing of this release is left in the draft for someone else's publish.
   * 4. Langdock documents no body for the update answer, so it may not show the draft
   *    (`{status, message}` alone, or the live agent). Refusing then would fail every release,
   *    and Langdock has no other read of the draft; so a second `PATCH` sets every field this
   *    adapter manages to live + this change (`draftReset`): foreign edits to those fields are
   *    overwritten, not shipped. Edits to fields the adapter does not manage cannot be checked;
   *    the ref's `caveats` (passed on as `release()`'s `ReleaseResult.caveats`) say so. If the reset fails, the written fields are put back and its error is thrown.
   *
   * Sends nothing at all when no change is for Langdock (e.g. only `providerOptions.atoms`).
   *
   * @throws ConflictError `details.reason` `foreign-draft-edits` (with `details.fields`);
   *   `details.restored` says whether the write was undone.
   */
  async editDraft(
    agentId: string,
    changes: AgentChanges,
    opts: EditDraftOptions & LangdockEditDraftOptions = {},
  ): Promise<DraftRef> {
    this.#agentId(agentId);
    const fields = toLangdockUpdate(changes) as Record<string, unknown>;
    checkDraftId(opts.draftId, 'draftId');
    const mode =
      parseInput(
        foreignDraftEditsSchema.optional(),
        opts.foreignDraftEdits,
        'options.foreignDraftEdits',
        LANGDOCK_PROVIDER,
      ) ?? this.#foreignDraftEdits;
    throwIfAborted(opts.signal, `${LANGDOCK_PROVIDER} editDraft`);
    // `restore`: the live values of the written fields, for `discardDraft`; `caveat`: a reset's note.
    const ref = (updatedFields: string[], restore?: Record<string, unknown>, caveat?: string): DraftRef => ({
      provider: LANGDOCK_PROVIDER,
      agentId,
      draftId: LANGDOCK_DRAFT_ID,
      ...(caveat !== undefined ? { caveats: [caveat] } : {}),
      meta: restore ? { updatedFields, restore } : { updatedFields },
    });
    if (Object.keys(fields).length === 0) return ref([]);

    const live = await readAgent(this.#io, agentId, 'editDraft', opts.signal);
    if (fieldsThatDiffer(live, fields).length === 0) return ref([]);

    const written = Object.keys(fields);
    throwIfAborted(opts.signal, `${LANGDOCK_PROVIDER} editDraft`);
    let answer: unknown;
    try {
      answer = await updateDraft(this.#io, agentId, fields, opts.signal);
    } catch (error) {
      // The write may have landed although its answer did not: take it back out of the shared
      // draft so no one else's publish ships half of a failed release.
      if (mayHaveWritten(error)) await putBack(this.#io, agentId, restoreFields(live, written).fields);
      throw error;
    }
    const restore = restoreFields(live, written);
    if (mode === 'include') return ref(written, restore.fields);
    const draft = draftFromUpdateAnswer(answer, fields);
    if (draft === undefined) {
      return ref(
        written,
        restore.fields,
        await this.#resetDraft(agentId, live, fields, restore.fields, opts.signal),
      );
    }
    const foreign = foreignDraftFields(live, draft, written);
    if (foreign.length > 0) {
      // Put the written fields back to their live values, so nothing of a refused release waits
      // in the shared draft, and say why and whether that worked.
      const restoreError = await putBack(this.#io, agentId, restore.fields);
      throw draftConflictError({ agentId, foreign, restore, restoreError });
    }
    return ref(written, restore.fields);
  }

  /**
   * Step 4 of `editDraft`: sets every managed field of the unseen draft to live + `fields` and
   * returns the note for the ref's `caveats`. On failure puts `restore` back and rethrows.
   */
  async #resetDraft(
    agentId: string,
    live: LangdockAgent,
    fields: Record<string, unknown>,
    restore: Record<string, unknown>,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const reset = draftReset(live, fields);
    try {
      await updateDraft(this.#io, agentId, reset.fields, signal);
    } catch (error) {
      // Whatever part of the reset landed only wrote live values; the first write must go.
      await putBack(this.#io, agentId, restore);
      throw error;
    }
    this.#logger.warn(
      'langdock editDraft: the update answer did not show the draft; its managed fields were set to live + this change, others were not checked',
      { agentId, notReset: reset.notReset },
    );
    return draftResetNote(reset);
  }

  /**
   * Puts the fields this draft's `editDraft` wrote back to the values that were live, so a release
   * that stopped before publishing leaves nothing in the shared draft. Never throws.
   */
  async discardDraft(draft: DraftRef): Promise<void> {
    const agentId = draftRefAgentId(draft);
    await putBack(this.#io, agentId, restoreOf(draft));
  }

  /**
   * `POST /agent/v1/publish {agentId, description?}`: a new version, live at once; 409 (no draft
   * changes) is `unchanged` / `no-changes`.
   *
   * When the response is lost (connection dropped, deadline, 5xx) the publish may have happened.
   * It is re-sent once ({@link publishExactlyOnce}): a 409 then means the lost attempt made the
   * draft live, which is reported as `published` with `reconciled: true` and the version
   * `{ id: 'live' }` (Langdock does not name it) — never `unchanged`, which means no version was
   * created, and never a second version.
   */
  async publish(draft: DraftRef, opts: PublishOptions = {}): Promise<PublishOutcome> {
    const agentId = draftRefAgentId(draft);
    const description = toPublishDescription(opts);
    throwIfAborted(opts.signal, `${LANGDOCK_PROVIDER} publish`);
    // editDraft found every value live already: publishing would only ship what others left in
    // the shared draft.
    if (wroteNothing(draft)) return { status: 'unchanged', reason: 'no-changes' };
    const body = { agentId, ...(description !== undefined ? { description } : {}) };

    const result = await publishExactlyOnce(
      () => publishOnce(this.#io, body, opts.signal),
      { retryPolicy: this.#http.retryPolicy, clock: this.#clock, random: this.#random, logger: this.#logger },
      { agentId, signal: opts.signal },
    );
    if (result.kind === 'no-changes') return { status: 'unchanged', reason: 'no-changes' };
    if (result.kind === 'reconciled') {
      // A version this releaser cannot name is live now; whatever it remembered is stale.
      this.#lastPublished.delete(agentId);
      const version: VersionInfo = {
        ...liveVersion(agentId),
        ...(opts.label !== undefined ? { label: opts.label } : {}),
        ...(description !== undefined ? { description } : {}),
      };
      // A version was created, seen only through the 409 of the re-send, not through Langdock's answer.
      return { status: 'published', version, reconciled: true };
    }
    const version = toPublishedVersion(agentId, result.response, { label: opts.label, description });
    this.#remember(version);
    return { status: 'published', version };
  }

  /**
   * Langdock has no activate call: publishing made the version live. Activating the version
   * this releaser just published (or {@link LANGDOCK_LIVE_VERSION_ID}) returns it, sending
   * nothing. Any other version cannot be made live again through the API.
   *
   * @throws UnsupportedOperationError for any other version id.
   */
  async activate(agentId: string, versionId: string, opts: ActivateOptions = {}): Promise<VersionInfo> {
    this.#agentId(agentId);
    parseInput(versionIdSchema, versionId, 'versionId', LANGDOCK_PROVIDER);
    throwIfAborted(opts.signal, `${LANGDOCK_PROVIDER} activate`);
    const known = this.#lastPublished.get(agentId);
    if (known?.id === versionId) return known;
    if (versionId === LANGDOCK_LIVE_VERSION_ID) return liveVersion(agentId);
    throw new UnsupportedOperationError(
      `${LANGDOCK_PROVIDER}: cannot activate version ${versionId} of agent ${agentId}: Langdock makes a version live when it is published and has no API to re-activate an older version. To roll back, publish the old configuration again (editDraft with the old values, then publish).`,
      { provider: LANGDOCK_PROVIDER, operation: 'activate', details: { agentId, versionId } },
    );
  }

  /**
   * `GET /agent/v1/get?agentId=`: proves the agent exists and is readable, but Langdock does not
   * return the live version's id. Returns the version this releaser last published for the
   * agent when it knows one (it may have been superseded by another writer since; Langdock
   * cannot tell), otherwise `{ id: 'live', isActive: true }` meaning "the live configuration,
   * version unknown". Never `null`: Langdock cannot tell an unpublished agent apart either.
   *
   * @throws NotFoundError for an unknown agent; ValidationError for a non-UUID id (nothing sent).
   */
  async getActiveVersion(agentId: string, opts: GetActiveVersionOptions = {}): Promise<VersionInfo | null> {
    this.#agentId(agentId);
    throwIfAborted(opts.signal, `${LANGDOCK_PROVIDER} getActiveVersion`);
    await readAgent(this.#io, agentId, 'getActiveVersion', opts.signal);
    return this.#lastPublished.get(agentId) ?? liveVersion(agentId);
  }

  /**
   * The live configuration (`GET /agent/v1/get`) as a {@link ConfigSnapshot}: `instructions`,
   * `model` and every `providerOptions.langdock` field, ready to be released again (the only
   * way back on Langdock). Never the unpublished draft, which Langdock does not let anyone read.
   * A value a release would refuse is left out and logged.
   *
   * @throws NotFoundError for an unknown agent; ValidationError for a non-UUID id (nothing sent).
   */
  async readConfig(agentId: string, opts: ReadConfigOptions = {}): Promise<ConfigSnapshot> {
    this.#agentId(agentId);
    throwIfAborted(opts.signal, `${LANGDOCK_PROVIDER} readConfig`);
    const { snapshot, skipped } = toConfigSnapshot(
      await readAgent(this.#io, agentId, 'readConfig', opts.signal),
    );
    if (skipped.length > 0) {
      this.#logger.warn('langdock readConfig: left out fields a release could not write back', {
        agentId,
        fields: skipped,
      });
    }
    return snapshot;
  }

  #remember(version: VersionInfo): void {
    this.#lastPublished.delete(version.agentId);
    this.#lastPublished.set(version.agentId, version);
    if (this.#lastPublished.size > REMEMBERED_AGENTS_MAX) {
      const oldest = this.#lastPublished.keys().next().value;
      if (oldest !== undefined) this.#lastPublished.delete(oldest);
    }
  }

  #agentId(agentId: unknown): string {
    return parseInput(langdockAgentIdSchema, agentId, 'agentId', LANGDOCK_PROVIDER);
  }
}

function liveVersion(agentId: string): VersionInfo {
  return { provider: LANGDOCK_PROVIDER, agentId, id: LANGDOCK_LIVE_VERSION_ID, isActive: true };
}
