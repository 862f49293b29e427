/**
 * Time to live of one Atoms release: the library (`release()` with the adapter's default
 * security-check waiter) against the documented recipe (fork, patch, publish, fixed `sleep 6`,
 * activate), for security checks of several durations, on the Atoms emulator.
 *
 * "Live after the check" is measured on the emulator's own clock: the version's
 * `activatedAt` minus its `securityCheck.completedAt`. That is the delay the client adds on top of
 * the vendor's check, independent of client/server clock skew. Target: ≤ 500 ms (median), and the
 * library succeeds at 9 s where the recipe's fixed sleep is too short.
 */
import { createAtomsReleaser } from '@agent-release/adapter-atoms';
import { release } from '@agent-release/core';
import { type AtomsEmulator, startAtomsEmulator } from '@agent-release/emulator';
import { runRecipe } from './recipe.js';
import { countAtomsRequests } from './requests-per-release.js';
import { nowMs, type Spread, spread } from './stats.js';

/** One check duration's results. */
export interface TimeToLiveRow {
  checkMs: number;
  runs: number;
  library: {
    succeeded: number;
    wallMs: Spread;
    /** activatedAt − securityCheck.completedAt, emulator clock. */
    liveAfterCheckMs: Spread;
    /** The individual runs behind `liveAfterCheckMs`, for the pooled median over all durations. */
    liveAfterCheckSamples: number[];
    polls: Spread;
  };
  recipe: {
    succeeded: number;
    wallMs: Spread;
    /** Only over the runs whose activate was accepted. */
    liveAfterCheckMs: Spread;
    /** The vendor's refusal when activate failed (first failing run). */
    failure: string | undefined;
  };
  /** Median recipe wall time / median library wall time (> 1: the library is faster). */
  recipeOverLibrary: number;
}

/** Options of {@link measureTimeToLive}. */
export interface TimeToLiveOptions {
  checkMs: readonly number[];
  runs: number;
  /** The recipe's fixed wait. Default 6000 (the guide's `sleep 6`). */
  recipeSleepMs?: number;
}

function liveAfterCheck(emulator: AtomsEmulator, agentId: string, versionId: string): number | undefined {
  const version = emulator.state.version(agentId, versionId);
  const completedAt = version?.securityCheck?.completedAt;
  if (!version?.isActive || !version.activatedAt || !completedAt) return undefined;
  return Date.parse(version.activatedAt) - Date.parse(completedAt);
}

/**
 * For each check duration: `runs` rounds, each releasing once with the library and once with the
 * recipe, concurrently on two agents of one emulator (both spend nearly all their time waiting,
 * so running them side by side halves the wall time without skewing either).
 */
export async function measureTimeToLive(options: TimeToLiveOptions): Promise<TimeToLiveRow[]> {
  const rows: TimeToLiveRow[] = [];
  for (const checkMs of options.checkMs) {
    const emulator = await startAtomsEmulator({ securityCheck: { durationMs: checkMs } });
    try {
      // Adapter defaults on purpose: the benchmark measures what a user gets out of the box.
      const releaser = createAtomsReleaser({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl });
      const lib = { wall: [] as number[], live: [] as number[], polls: [] as number[], ok: 0 };
      const rec = {
        wall: [] as number[],
        live: [] as number[],
        ok: 0,
        failure: undefined as string | undefined,
      };
      for (let run = 0; run < options.runs; run++) {
        const libAgent = emulator.state.createAgent({ name: `ttl-lib-${run}`, prompt: 'Bench agent.' });
        const recipeAgent = emulator.state.createAgent({ name: `ttl-recipe-${run}`, prompt: 'Bench agent.' });
        const firstMessage = `Hello from run ${run} (${checkMs} ms check).`;
        const libraryRun = (async () => {
          const started = nowMs();
          const result = await release(releaser, libAgent, { firstMessage });
          return { result, wallMs: nowMs() - started };
        })();
        const [libOutcome, recipeOutcome] = await Promise.all([
          libraryRun,
          runRecipe({
            baseUrl: emulator.baseUrl,
            apiKey: emulator.apiKey,
            agentId: recipeAgent,
            firstMessage,
            sleepMs: options.recipeSleepMs,
          }),
        ]);

        lib.wall.push(libOutcome.wallMs);
        const libVersion = libOutcome.result.version;
        const libLive = libVersion ? liveAfterCheck(emulator, libAgent, libVersion.id) : undefined;
        if (libOutcome.result.status === 'released' && libLive !== undefined) {
          lib.ok += 1;
          lib.live.push(libLive);
        }
        lib.polls.push(countAtomsRequests(emulator.requests, libAgent).polls);

        rec.wall.push(recipeOutcome.wallMs);
        if (recipeOutcome.succeeded) {
          rec.ok += 1;
          const live = liveAfterCheck(emulator, recipeAgent, recipeOutcome.versionId);
          if (live !== undefined) rec.live.push(live);
        } else {
          rec.failure ??= `HTTP ${recipeOutcome.activateStatus}: ${recipeOutcome.activateError}`;
        }
      }
      const libraryWall = spread(lib.wall);
      const recipeWall = spread(rec.wall);
      rows.push({
        checkMs,
        runs: options.runs,
        library: {
          succeeded: lib.ok,
          wallMs: libraryWall,
          liveAfterCheckMs: spread(lib.live),
          liveAfterCheckSamples: lib.live,
          polls: spread(lib.polls),
        },
        recipe: {
          succeeded: rec.ok,
          wallMs: recipeWall,
          liveAfterCheckMs: spread(rec.live),
          failure: rec.failure,
        },
        recipeOverLibrary: recipeWall.median / libraryWall.median,
      });
    } finally {
      await emulator.close();
    }
  }
  return rows;
}
