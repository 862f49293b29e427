/**
 * The seam between the port and an Atoms API generation. `AtomsReleaser` validates input and
 * delegates every lifecycle step to one strategy: today the v1 drafts/versions API
 * (`AtomsV1Strategy`); the v2 branch model can be added as a second implementation without
 * changing the port or the releaser's callers.
 */
import type { DraftRef, GateProgress, PublishOutcome, VersionInfo } from '@agent-release/core';
import type { AtomsChangeSet } from './atoms-mapping.js';

/** Atoms agent-versioning API generations this package can speak. */
export type AtomsApiGeneration = 'v1';

/** One page of published versions, newest first. */
export interface AtomsVersionPage {
  versions: VersionInfo[];
  /** All published versions of the agent. */
  total: number;
  limit: number;
  skip: number;
}

/** A draft reference after validation. */
export interface AtomsDraftTarget {
  agentId: string;
  draftId: string;
  /** The version the draft was forked from, when known. */
  baseVersionId: string | undefined;
}

/** A lifecycle implementation for one API generation. Inputs are already validated. */
export interface AtomsLifecycleStrategy {
  readonly generation: AtomsApiGeneration;
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
  activate(
    agentId: string,
    versionId: string,
    opts: {
      signal?: AbortSignal | undefined;
      maxWaitMs?: number | undefined;
      onGateProgress?: ((progress: GateProgress) => void) | undefined;
    },
  ): Promise<VersionInfo>;
  getActiveVersion(agentId: string, signal: AbortSignal | undefined): Promise<VersionInfo | null>;
  listVersions(
    agentId: string,
    page: { limit: number; skip: number },
    signal: AbortSignal | undefined,
  ): Promise<AtomsVersionPage>;
}
