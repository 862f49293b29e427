/**
 * Atoms v1 time to live with the adapter's defaults (issue 12): how late after the security
 * check passes the new version goes live, and how many check polls a release sends, for a check
 * of about Atoms' documented 6 s.
 *
 * Lateness is measured on the emulator's clock (`activatedAt − securityCheck.completedAt`), so
 * it is the delay the client adds to the vendor's check. Polls are the `GET version` requests
 * between the publish and the accepted activate (`countAtomsRequests`); the compare-and-swap
 * reads of the new adapter are lifecycle requests, counted in `requests`, not polls.
 *
 * Releases run `parallel` at a time on separate agents of one emulator: they spend nearly all
 * their time waiting for the check. This file only imports packages that existed before issue
 * 12, so its build also runs inside an older checkout for the before figures.
 * Target: median lateness ≤ 200 ms with no more polls per release than before.
 */
import { createAtomsReleaser } from '@agent-release/adapter-atoms';
import { release } from '@agent-release/core';
import { startAtomsEmulator } from '@agent-release/emulator';
import { countAtomsRequests } from './requests-per-release.js';
import { type Spread, spread } from './stats.js';

/** Results of {@link measureAtomsV1Live}. */
export interface AtomsV1LiveResult {
  checkMs: number;
  runs: number;
  parallel: number;
  succeeded: number;
  /** activatedAt − securityCheck.completedAt, emulator clock. */
  lateMs: Spread;
  polls: Spread;
  /** Every request of the release, lifecycle and polls. */
  requests: Spread;
}

/** Releases `runs` changes (`parallel` at a time) against a `checkMs` security check. */
export async function measureAtomsV1Live(options: {
  checkMs: number;
  runs: number;
  parallel: number;
}): Promise<AtomsV1LiveResult> {
  const emulator = await startAtomsEmulator({ securityCheck: { durationMs: options.checkMs } });
  try {
    // Adapter defaults on purpose: what a user gets out of the box.
    const releaser = createAtomsReleaser({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl });
    const late: number[] = [];
    const polls: number[] = [];
    const requests: number[] = [];
    let succeeded = 0;
    const one = async (run: number): Promise<void> => {
      const agentId = emulator.state.createAgent({ name: `v1-live-${run}`, prompt: 'Bench agent.' });
      const result = await release(releaser, agentId, { firstMessage: `Hello from run ${run}.` });
      const version = result.version ? emulator.state.version(agentId, result.version.id) : undefined;
      const completedAt = version?.securityCheck?.completedAt;
      if (result.status === 'released' && version?.isActive && version.activatedAt && completedAt) {
        succeeded += 1;
        late.push(Date.parse(version.activatedAt) - Date.parse(completedAt));
      }
      const count = countAtomsRequests(emulator.requests, agentId);
      polls.push(count.polls);
      requests.push(count.total);
    };
    for (let first = 0; first < options.runs; first += options.parallel) {
      const batch = [];
      for (let run = first; run < Math.min(options.runs, first + options.parallel); run++)
        batch.push(one(run));
      await Promise.all(batch);
    }
    return {
      checkMs: options.checkMs,
      runs: options.runs,
      parallel: options.parallel,
      succeeded,
      lateMs: spread(late),
      polls: spread(polls),
      requests: spread(requests),
    };
  } finally {
    await emulator.close();
  }
}
