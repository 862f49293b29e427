/**
 * The winner's side of a race between two v1 activations (see `compare-and-swap.ts`): right
 * after this releaser activated `ours`, the live version may be another writer's that went live
 * later but was forked from the same base. That writer sees ours as the earlier activation,
 * restores it and fails; until it has, reading the live version would report the other writer's
 * version and make this caller fail too, while ours ends up live. So the read waits, bounded,
 * for the live version to move off the loser, and then reads again what is live.
 */
import type { VersionInfo } from '@agent-release/core';
import type { AtomsVersionRow } from '../shared/api.js';
import { ATOMS_PROVIDER } from '../shared/ids.js';
import { type AtomsReleaserDeps, getAtomsAgent } from '../shared/requests.js';
import { overwrote } from './compare-and-swap.js';
import { toVersionInfo } from './mapping.js';

// How long the loser has to restore ours: its intruder read and one activate (which it bounds
// by 15 s), with room for a retry. After that the live version is reported as it is.
const RESTORE_WAIT_MS = 20_000;

/**
 * Whether `live` (a version other than `ours`) is a loser bound to restore `ours` and moved off
 * within the wait: then the caller reads the live version again. False at once when `live` is
 * not such a loser (made from another base, or not overwriting ours), and when the wait ran out.
 */
export async function awaitRestore(
  deps: AtomsReleaserDeps,
  agentId: string,
  ours: { version: VersionInfo; base?: string | undefined },
  live: AtomsVersionRow,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  // Without a base (a version this releaser did not publish, e.g. a rollback) there is no race.
  if (ours.base === undefined || live.sourceVersionId !== ours.base) return false;
  if (!overwrote(toVersionInfo(agentId, live), ours.version)) return false;
  const { clock, random, securityCheck } = deps;
  const deadline = clock.now() + RESTORE_WAIT_MS;
  let delay = securityCheck.minDelayMs;
  while (clock.now() < deadline) {
    // Jittered so two waiting writers do not poll in lockstep.
    await clock.sleep(delay * (0.5 + random() / 2), signal);
    const agent = await getAtomsAgent(deps.http, agentId, {}, signal);
    if ((agent.activeVersionId ?? agent.versionId ?? undefined) !== live._id) return true;
    delay = Math.min(delay * 2, securityCheck.maxDelayMs);
  }
  deps.logger.warn('atoms v1 a concurrent activation was not undone in time; reporting it as live', {
    provider: ATOMS_PROVIDER,
    agentId,
    ours: ours.version.id,
    live: live._id,
  });
  return false;
}
