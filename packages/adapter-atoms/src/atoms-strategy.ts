/**
 * The seam between the port and an Atoms API generation. `AtomsReleaser` validates input and
 * delegates every lifecycle step to one strategy: the v1 drafts/versions API
 * (`AtomsV1Strategy`), the v2 branch model (`AtomsV2Strategy`), or the router that starts on v1
 * and switches an agent to v2 when Atoms says it migrated (`AtomsGenerationRouter`).
 */
import type { DraftRef, GateProgress, PublishOutcome, VersionInfo } from '@agent-release/core';
import type { AtomsChangeSet } from './atoms-mapping.js';

/** An Atoms agent-versioning API generation: `v1` drafts + versions, `v2` branches + revisions. */
export type AtomsApiGeneration = 'v1' | 'v2';

/**
 * The `apiGeneration` option: one generation, or `auto` (the default), which speaks v1 until an
 * agent's v1 call answers `409 versioning_v2_migration_required`, then v2 for that agent.
 */
export type AtomsApiGenerationOption = AtomsApiGeneration | 'auto';

/** One page of published versions (v2: committed revisions of the live branch), newest first. */
export interface AtomsVersionPage {
  versions: VersionInfo[];
  /** All published versions of the agent (v2: revisions of the live branch). */
  total: number;
  limit: number;
  skip: number;
}

/** A draft reference after validation. */
export interface AtomsDraftTarget {
  agentId: string;
  draftId: string;
  /** The version (v2: revision) the draft was based on, when known. */
  baseVersionId: string | undefined;
  /** The generation whose API made the draft (`DraftRef.meta.apiGeneration`), when known. */
  generation?: AtomsApiGeneration | undefined;
  /** v2: the branch whose draft this is (`DraftRef.meta.branchId`), when known. */
  branchId?: string | undefined;
  /** v2: whether `editDraft` wrote to the draft (`DraftRef.meta.edited`), when known. */
  edited?: boolean | undefined;
  /**
   * v1: the server's creation time of the draft row (`DraftRef.meta.draftCreatedAt`, ISO 8601),
   * when known; lets publish reconcile a lost answer without a pre-publish version read.
   */
  draftCreatedAt?: string | undefined;
  /** The caller's `DraftRef` object itself, so the generation router can find what it edited. */
  ref?: DraftRef | undefined;
}

/** Options a strategy's `activate` receives. */
export interface AtomsActivateOptions {
  signal?: AbortSignal | undefined;
  maxWaitMs?: number | undefined;
  onGateProgress?: ((progress: GateProgress) => void) | undefined;
}

/** A lifecycle implementation for one API generation (or the router). Inputs are already validated. */
export interface AtomsLifecycleStrategy {
  /** What the strategy was configured as. */
  readonly generation: AtomsApiGenerationOption;
  /**
   * The generation the releaser as a whole reports (its `capabilities`): fixed for `v1` and
   * `v2`; for `auto`, `v1` until any agent was found on v2 (Atoms migrates whole accounts).
   */
  readonly currentGeneration: AtomsApiGeneration;
  /** The generation the next call for this agent will use. */
  generationOf(agentId: string): AtomsApiGeneration;
  editDraft(
    agentId: string,
    changes: AtomsChangeSet,
    opts: { draftId?: string | undefined; signal?: AbortSignal | undefined },
  ): Promise<DraftRef>;
  publish(
    draft: AtomsDraftTarget,
    body: { label?: string; description?: string },
    signal: AbortSignal | undefined,
  ): Promise<PublishOutcome>;
  activate(agentId: string, versionId: string, opts: AtomsActivateOptions): Promise<VersionInfo>;
  getActiveVersion(agentId: string, signal: AbortSignal | undefined): Promise<VersionInfo | null>;
  listVersions(
    agentId: string,
    page: { limit: number; skip: number },
    signal: AbortSignal | undefined,
  ): Promise<AtomsVersionPage>;
}
