/**
 * The benchmark code itself, on small parameters, so CI notices when a benchmark breaks before a
 * `pnpm bench` run does: the recipe fails exactly when its fixed sleep is shorter than the check,
 * the library goes live shortly after the check in both cases, request counting splits polls
 * from lifecycle requests, and the report judges targets from the numbers.
 */
import { startAtomsEmulator } from '@agent-release/emulator';
import { describe, expect, it } from 'vitest';
import { runRecipe } from '../src/recipe.js';
import { render, verdicts } from '../src/report.js';
import {
  atomsOperationOf,
  countAtomsRequests,
  measureRequestsPerRelease,
} from '../src/requests-per-release.js';
import { median, spread } from '../src/stats.js';
import { measureTimeToLive } from '../src/time-to-live.js';

describe('time to live', () => {
  it('the recipe fails when the check outlasts its sleep; the library succeeds either way', async () => {
    const rows = await measureTimeToLive({ checkMs: [100, 600], runs: 1, recipeSleepMs: 300 });
    const [short, long] = rows;
    expect(short!.recipe.succeeded).toBe(1);
    expect(long!.recipe.succeeded).toBe(0);
    expect(long!.recipe.failure).toMatch(/HTTP 400: Security check pending/);
    for (const row of rows) {
      expect(row.library.succeeded).toBe(1);
      expect(row.library.polls.median).toBeGreaterThanOrEqual(1);
      // Default waiter: polls ≤ 1 s apart, so live within about a second of the check.
      expect(row.library.liveAfterCheckMs.median).toBeGreaterThanOrEqual(0);
      expect(row.library.liveAfterCheckMs.median).toBeLessThan(1500);
    }
  });

  it('the recipe reports the refusal rather than hiding it like `curl -s`', async () => {
    const emulator = await startAtomsEmulator({ securityCheck: { durationMs: 10_000 } });
    try {
      const agentId = emulator.state.createAgent({ name: 'recipe', prompt: 'x' });
      const outcome = await runRecipe({
        baseUrl: emulator.baseUrl,
        apiKey: emulator.apiKey,
        agentId,
        firstMessage: 'Hi',
        sleepMs: 10,
      });
      expect(outcome).toMatchObject({ succeeded: false, activateStatus: 400, requests: 5 });
      expect(emulator.state.activeVersion(agentId)?.versionNumber).toBe(1);
      expect(emulator.requests).toHaveLength(5);
    } finally {
      await emulator.close();
    }
  });
});

describe('requests per release', () => {
  it('names Atoms requests by route', () => {
    const a = 'a'.repeat(24);
    expect(atomsOperationOf({ method: 'GET', path: `/agent/${a}` })).toBe('getAgent');
    expect(atomsOperationOf({ method: 'POST', path: `/agent/${a}/drafts` })).toBe('forkDraft');
    expect(atomsOperationOf({ method: 'GET', path: `/agent/${a}/drafts/d1/diff` })).toBe('diffDraft');
    expect(atomsOperationOf({ method: 'DELETE', path: `/agent/${a}/drafts/d1` })).toBe('discardDraft');
    expect(atomsOperationOf({ method: 'GET', path: `/agent/${a}/versions/${a}` })).toBe('getVersion');
    expect(atomsOperationOf({ method: 'PATCH', path: `/agent/${a}/versions/${a}/activate` })).toBe(
      'activate',
    );
  });

  it('splits polls (between publish and the accepted activate) from lifecycle requests', () => {
    const a = 'a'.repeat(24);
    const b = 'b'.repeat(24);
    const entry = (method: string, path: string, status: number) => ({
      method,
      path,
      status,
      query: {},
      body: undefined,
      at: 0,
    });
    const log = [
      entry('GET', `/agent/${a}`, 200),
      entry('GET', `/agent/${b}`, 200), // another agent: ignored
      entry('POST', `/agent/${a}/drafts/d/publish`, 201),
      entry('GET', `/agent/${a}/versions/${b}`, 200),
      entry('PATCH', `/agent/${a}/versions/${b}/activate`, 400),
      entry('GET', `/agent/${a}/versions/${b}`, 200),
      entry('PATCH', `/agent/${a}/versions/${b}/activate`, 200),
      entry('GET', `/agent/${a}/versions/${b}`, 200), // confirm
    ];
    expect(countAtomsRequests(log, a)).toMatchObject({ total: 7, polls: 3, lifecycle: 4 });
  });

  it('counts real releases from the emulator log', async () => {
    const result = await measureRequestsPerRelease({ runs: 2, checkMs: 200 });
    // GET the live agent, PATCH update, POST publish.
    expect(result.langdock.total.max).toBe(3);
    expect(result.atoms.polls.min).toBeGreaterThanOrEqual(1);
    expect(result.atoms.lifecycle.median).toBeGreaterThanOrEqual(5);
    expect(result.atoms.byOperation.publish).toBe(1);
  });
});

describe('report', () => {
  it('judges targets from the measured numbers and renders every section', () => {
    const base = {
      startedAt: 'now',
      quick: true,
      machine: {
        cpu: 'test',
        cores: 2,
        memoryGiB: 1,
        node: 'v20',
        platform: 'linux-x64',
        loadAverage: { start: 0 },
      },
      runCounts: { timeToLive: '1', requests: '1', overhead: '1', fleet: '1', coldStart: '1' },
      requests: {
        runs: 1,
        atoms: {
          checkMs: 6000,
          total: spread([19]),
          lifecycle: spread([9]),
          polls: spread([10]),
          byOperation: {},
        },
        langdock: { total: spread([2]), byOperation: {} },
        recipe: 5,
      },
    };
    const targets = verdicts(base);
    expect(targets.map((t) => t.met)).toEqual([false, true, true]);
    expect(render({ ...base, durationS: 1, targets })).toMatch(/Requests per release[\s\S]*\| NO {2}\|/);
  });

  it('medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(spread([5, 1, 9])).toEqual({ median: 5, min: 1, max: 9, n: 3 });
  });
});
