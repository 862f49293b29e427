import type { AgentChanges } from './changes.js';
import { changesHold } from './config-snapshot.js';
import type { LeaseFence } from './lease-fence.js';
import { runFenced } from './lease-fence.js';
import type { AgentReleaser, VersionInfo } from './port.js';

/** What an attempt knows of its own writes when its lease stops vouching for it. */
export interface UnvouchedFacts {
  releaser: AgentReleaser;
  agentId: string;
  fence: LeaseFence;
  /** The step that was running or had just ended. */
  step: string;
  /** The version this attempt saw its own publish (or make-live) create, when it saw one. */
  ownVersion: VersionInfo | undefined;
  /** The change the attempt meant to make live, for vendors that cannot name the live version. */
  changes: AgentChanges | undefined;
  signal: AbortSignal | undefined;
}

/**
 * Runs the steps of an attempt under its lease and returns their answer while the lease still
 * vouches for it; when the lease ran out before the answer (or the failure) was in, the answer is
 * `settle()`'s instead. A caller's own abort keeps its error.
 */
export async function vouchedOrSettled<T>(
  fence: LeaseFence,
  signal: AbortSignal | undefined,
  run: () => Promise<T>,
  settle: () => Promise<T>,
): Promise<T> {
  let ran: T;
  try {
    ran = await run();
  } catch (error) {
    if (fence.holds() || signal?.aborted) throw error;
    return settle();
  }
  return fence.holds() ? ran : settle();
}

/**
 * The answer of an attempt whose lease ran out while it ran: nothing it saw can be trusted as
 * current, because another holder may have written since. So it reads what is live now (reads
 * only, outside the fence) and claims success only for a version it saw itself create that is
 * live now; anything else is a `LeaseLostError` that says what is live. Never `unchanged`: a
 * "nothing to do" seen without the lease may be someone else's change.
 */
export async function settleUnvouched(facts: UnvouchedFacts): Promise<VersionInfo> {
  const { releaser, ownVersion, step } = facts;
  const live = await runFenced(undefined, () => readLive(facts)).catch(() => undefined);
  if (ownVersion && live?.ownIsLive) return { ...ownVersion, ...live.version, isActive: true };
  const seen =
    live === undefined
      ? 'what is live could not be read'
      : live.version
        ? `version ${live.version.id} is live${ownVersion ? `, not this release's ${ownVersion.id}` : ''}`
        : live.ownIsLive
          ? "the live configuration matches this release's change, but whose publish made it live cannot be told"
          : "the live configuration is not this release's change";
  throw facts.fence.error(step, releaser.provider, `Afterwards ${seen}; check it before trying again.`);
}

async function readLive(
  facts: UnvouchedFacts,
): Promise<{ version: VersionInfo | undefined; ownIsLive: boolean }> {
  const { releaser, agentId, ownVersion, changes, signal } = facts;
  if (releaser.capabilities.confirmsActiveVersion) {
    const live = await releaser.getActiveVersion(agentId, { signal });
    return { version: live ?? undefined, ownIsLive: !!live && live.id === ownVersion?.id };
  }
  if (!releaser.readConfig || !changes) return { version: undefined, ownIsLive: false };
  const config = await releaser.readConfig(agentId, { signal });
  return { version: undefined, ownIsLive: changesHold(config, changes, releaser.provider) };
}
