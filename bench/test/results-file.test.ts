import { describe, expect, it } from 'vitest';
import { mergeResults, type ResultsFile } from '../src/results-file.js';

const run = (over: Partial<ResultsFile>): ResultsFile => ({
  startedAt: '2026-11-27T00:00:00.000Z',
  quick: true,
  runCounts: {},
  targets: [],
  ...over,
});

describe('results file', () => {
  it('a subset run replaces only its own sections, run counts and targets', () => {
    const previous = run({
      startedAt: '2026-11-22T00:00:00.000Z',
      quick: false,
      ttl: { a: 1 },
      rollout: { b: 2 },
      runCounts: { ttl: 'five runs', rollout: 'one run' },
      targets: [
        { target: 'TTL', measured: 'old', met: true },
        { target: 'rollout', measured: 'kept', met: true },
      ],
    });
    const merged = mergeResults(
      previous,
      run({
        ttl: { a: 9 },
        rollout: undefined,
        runCounts: { ttl: 'one run' },
        targets: [{ target: 'TTL', measured: 'new', met: false }],
      }),
    );
    expect(merged.ttl).toEqual({ a: 9 });
    expect(merged.rollout).toEqual({ b: 2 });
    expect(merged.runCounts).toEqual({ ttl: 'one run', rollout: 'one run' });
    expect(merged.targets).toEqual([
      { target: 'rollout', measured: 'kept', met: true },
      { target: 'TTL', measured: 'new', met: false },
    ]);
    expect(merged.sections).toEqual({
      ttl: { startedAt: '2026-11-27T00:00:00.000Z', quick: true },
      rollout: { startedAt: '2026-11-22T00:00:00.000Z', quick: false },
    });
  });

  it('the first run writes what it measured', () => {
    const merged = mergeResults(undefined, run({ ttl: { a: 1 } }));
    expect(merged.ttl).toEqual({ a: 1 });
    expect(merged.sections).toEqual({ ttl: { startedAt: '2026-11-27T00:00:00.000Z', quick: true } });
  });
});
