import { describe, expect, it } from 'vitest';
import { table } from '../src/report.js';
import { type RolloutRunRecord, renderRollout, rolloutVerdicts } from '../src/rollout.js';

const run = (
  workers: number,
  throughput: number,
  extra: Partial<RolloutRunRecord> = {},
): RolloutRunRecord => ({
  workers,
  agents: 100,
  tenants: 10,
  throughputReqPerSec: throughput,
  bindingCeilingReqPerSec: 100,
  bindingCeiling: 'rate',
  fraction: throughput / 100,
  rateCeilingReqPerSec: 100,
  concurrencyCeilingReqPerSec: 3200 * workers,
  workWeighted: { ceilingReqPerSec: 60, fraction: throughput / 60 },
  duplicates: 0,
  missed: 0,
  failed: 0,
  throttled429: 0,
  requestsPerAgent: 6,
  p50AgentMs: 1000,
  p95AgentMs: 2000,
  workerCpuSec: [1.5],
  elapsedSec: 10,
  ...extra,
});
const options = {
  workers: [1, 2, 4],
  agents: 100,
  tenants: 10,
  latencyMs: 20,
  requestsPerSecondPerKey: 10,
  concurrencyPerWorker: 64,
};

describe('rollout bench report', () => {
  it('misses the ceiling target below 0.9 and owes growth only until the rate ceiling binds', () => {
    const verdicts = rolloutVerdicts({ options, runs: [run(1, 40), run(2, 41), run(4, 95)] });
    expect(verdicts.map((v) => v.met)).toEqual([false, false, true, false, true, true]);
    // Once the rate ceiling binds, a flat throughput is not a miss.
    const bound = rolloutVerdicts({ options, runs: [run(1, 95), run(2, 94)] });
    expect(bound.find((v) => v.target.includes('grows'))?.met).toBe(true);
  });

  it('misses the correctness target on one duplicate or one missed agent', () => {
    const verdicts = rolloutVerdicts({
      options,
      runs: [run(1, 95, { duplicates: 1 }), run(2, 95, { missed: 1 })],
    });
    expect(verdicts.at(-1)).toMatchObject({ met: false, measured: '1w: 1/0/0, 2w: 0/1/0' });
  });

  it('renders one row per worker count with both ceilings', () => {
    const text = renderRollout({ options, runs: [run(1, 95)] }, table);
    expect(text).toMatch(/## Fleet rollouts \(100 agents, 10 tenants/);
    expect(text).toMatch(/\| 1 +\| 95 +\| 100 \(rate\) +\| 0\.95 +\| 60 +\|/);
  });
});
