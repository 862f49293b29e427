import type { AgentChanges } from './changes.js';

/**
 * The neutral fields of an agent's configuration that a change touched, as they were (before) or
 * became (after). Only fields the change named are kept; never a secret.
 */
export interface ConfigSnapshot {
  instructions?: string | undefined;
  firstMessage?: string | undefined;
  model?: string | undefined;
  /** Vendor-only fields the change touched, keyed by provider id. */
  providerOptions?: Record<string, Record<string, unknown> | undefined> | undefined;
}

/**
 * How a provider behaves, so callers and {@link release} never test provider names.
 */
export interface ReleaserCapabilities {
  /**
   * `explicit`: a published version goes live only through `activate`. `on-publish`: a publish
   * that returns `published` has made the version live. With a `publishGate`, a publish that
   * throws (gate failed or timed out, crash while waiting) may still have created a version that
   * is not live; its error names it, and a resumed caller must look for it before publishing again.
   */
  readonly activation: 'explicit' | 'on-publish';
  /** What stands between publish and activation. `security-check`: a vendor scan that must pass first. */
  readonly publishGate: 'none' | 'security-check';
  /** Whether an agent has many named drafts or a single implicit one. */
  readonly drafts: 'one' | 'many';
  /** Whether published versions can be listed and read back. */
  readonly versionHistory: boolean;
  /**
   * How to go back to an older configuration: `reactivate` re-points the active version,
   * `republish` restores an old revision as a new head, `none` means only a new publish can.
   */
  readonly rollback: 'reactivate' | 'republish' | 'none';
  /** Whether `getActiveVersion` can name the live version's id, so a release can be confirmed. */
  readonly confirmsActiveVersion: boolean;
}

/** A draft an adapter created or edited, to be handed to `publish`. Treat it as opaque. */
export interface DraftRef {
  readonly provider: string;
  readonly agentId: string;
  readonly draftId: string;
  /** The version the draft was forked from, when the provider has one. */
  readonly baseVersionId?: string | undefined;
  /** The provider's draft revision counter after the edit, when it has one. */
  readonly revision?: number | undefined;
  /**
   * What the adapter could not check while editing, one sentence each (e.g. a vendor answer that
   * did not show the draft). `release()` passes them on as {@link ReleaseResult.caveats}.
   */
  readonly caveats?: readonly string[] | undefined;
  /** Adapter-private facts needed to publish this draft (never secrets). */
  readonly meta?: Readonly<Record<string, unknown>> | undefined;
}

/** Outcome of the provider's publish gate for one version. */
export interface PublishGateInfo {
  /** `passed`, `pending` or `failed` after normalisation; `raw` keeps the vendor's word. */
  readonly status: 'passed' | 'pending' | 'failed' | 'unknown';
  readonly raw?: string | undefined;
  readonly reason?: string | undefined;
}

/** A published version of an agent's configuration. */
export interface VersionInfo {
  readonly provider: string;
  readonly agentId: string;
  /** The provider's version id, usable with `activate`. */
  readonly id: string;
  /** The provider's human-facing version number, when it has one. */
  readonly number?: number | undefined;
  readonly label?: string | undefined;
  readonly description?: string | undefined;
  /** Whether this version is the live one, as far as the provider told us in this response. */
  readonly isActive: boolean;
  readonly createdAt?: string | undefined;
  readonly activatedAt?: string | undefined;
  /** The publish gate state, for providers that have one. */
  readonly gate?: PublishGateInfo | undefined;
}

/**
 * The result of `publish`.
 * - `published`: a new version exists; `version.isActive` tells whether it is already live.
 * - `unchanged`: there was nothing to publish and no version was created.
 */
export type PublishOutcome =
  | {
      readonly status: 'published';
      readonly version: VersionInfo;
      /**
       * True when the vendor's answer was lost and this call learned afterwards that its own
       * publish had taken effect: the version exists because of this call, seen by reconciliation.
       */
      readonly reconciled?: boolean | undefined;
    }
  | {
      readonly status: 'unchanged';
      /**
       * `no-changes`: the draft equals what is live. A retried publish that finds its own lost
       * attempt took effect is `published` with `reconciled: true`, never `unchanged`.
       */
      readonly reason?: 'no-changes' | undefined;
    };

/** Options of {@link AgentReleaser.editDraft}. */
export interface EditDraftOptions {
  /** Edit this existing draft instead of forking a new one (providers with many drafts). */
  draftId?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** Options of {@link AgentReleaser.publish}. */
export interface PublishOptions {
  label?: string | undefined;
  description?: string | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Upper bound on waiting inside publish, for providers whose publish waits for a gate (a scan)
   * before it can say what was committed.
   */
  maxWaitMs?: number | undefined;
  /** Called after each look at a publish gate while publish waits for it. Must not throw. */
  onGateProgress?: ((progress: GateProgress) => void) | undefined;
}

/** One observation of a publish gate while `activate` waits for it. */
export interface GateProgress extends PublishGateInfo {
  /** 1 for the first poll. */
  readonly attempt: number;
  /** Time spent waiting so far. */
  readonly elapsedMs: number;
}

/** Options of {@link AgentReleaser.activate}. */
export interface ActivateOptions {
  signal?: AbortSignal | undefined;
  /** Upper bound on waiting for a publish gate (security check) before giving up. */
  maxWaitMs?: number | undefined;
  /** Called after each look at the publish gate, for progress reporting. Must not throw. */
  onGateProgress?: ((progress: GateProgress) => void) | undefined;
}

/** Options of {@link AgentReleaser.getActiveVersion}. */
export interface GetActiveVersionOptions {
  signal?: AbortSignal | undefined;
}

/** Options of {@link AgentReleaser.listVersions}. */
export interface ListVersionsOptions {
  /** At most this many, newest first. Default 20. */
  limit?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** Options of {@link AgentReleaser.readConfig}. */
export interface ReadConfigOptions {
  signal?: AbortSignal | undefined;
}

/** Everything a release will send, so an adapter can reject it before any request. */
export interface ReleaseInput {
  agentId: string;
  changes: AgentChanges;
  label?: string | undefined;
  description?: string | undefined;
  draftId?: string | undefined;
}

/**
 * The provider-neutral port. One implementation per vendor; user code never branches on the vendor.
 *
 * Every method validates its input before any request and throws a typed
 * {@link AgentReleaseError} subclass.
 */
export interface AgentReleaser {
  /** Provider id, e.g. `'atoms'` or `'langdock'`. */
  readonly provider: string;
  readonly capabilities: ReleaserCapabilities;
  /** Applies `changes` to a draft of the agent (forking one if the provider needs to). */
  editDraft(agentId: string, changes: AgentChanges, opts?: EditDraftOptions): Promise<DraftRef>;
  /** Turns the draft into a version. Never creates a version when nothing changed. */
  publish(draft: DraftRef, opts?: PublishOptions): Promise<PublishOutcome>;
  /** Makes `versionId` the live version, waiting for any publish gate. Idempotent. */
  activate(agentId: string, versionId: string, opts?: ActivateOptions): Promise<VersionInfo>;
  /** The live version, or `null` when the agent has none. */
  getActiveVersion(agentId: string, opts?: GetActiveVersionOptions): Promise<VersionInfo | null>;
  /**
   * Takes this draft's edits back out, when the release that made them stops before publishing
   * (abort, lost lease, deadline). Best effort: where a draft is shared (one per agent or branch),
   * an edit left behind would ship with someone else's next publish. Not cut by any signal of the
   * release; the request timeout bounds it.
   */
  discardDraft?(draft: DraftRef): Promise<void>;
  /**
   * Published versions, newest first, with their publish gate state. Present exactly when
   * `capabilities.versionHistory` is true.
   */
  listVersions?(agentId: string, opts?: ListVersionsOptions): Promise<VersionInfo[]>;
  /**
   * The live configuration in neutral terms (plus this provider's `providerOptions` fields it can
   * read), so a ledger can record what a release replaced and a rollback can restore it.
   */
  readConfig?(agentId: string, opts?: ReadConfigOptions): Promise<ConfigSnapshot>;
  /**
   * Throws a `ValidationError` if any part of a whole release would be rejected, without sending
   * anything. {@link release} calls it first so that nothing is half-done on bad input.
   */
  validate?(input: ReleaseInput): void;
  /**
   * Throws a `ValidationError` if `versionId` cannot be a version id of this provider, without
   * sending anything; `what` names the field in the message (default `versionId`). `rollback()`
   * calls it in its validate step, so a malformed target takes no lease, sends no request and
   * leaves no ledger entry.
   */
  validateVersionId?(versionId: string, what?: string): void;
}
