import { type PollResult, type WaiterOptions, waiterDelayMs, waitUntil } from '@agent-release/core/provider';
import { ManualClock } from '@agent-release/core/testing';
import { describe, expect, it } from 'vitest';

const base: WaiterOptions = { minDelayMs: 100, maxDelayMs: 1000, maxWaitMs: 10_000 };

function script<T>(...results: PollResult<T>[]) {
  let i = 0;
  const seen: number[] = [];
  const poll = async (attempt: number) => {
    seen.push(attempt);
    return results[Math.min(i++, results.length - 1)]!;
  };
  return { poll, seen };
}

describe('waitUntil', () => {
  it('stops at success with the value and the number of polls', async () => {
    const clock = new ManualClock();
    const { poll } = script<string>(
      { state: 'retry', reason: 'queued' },
      { state: 'retry' },
      { state: 'success', value: 'v' },
    );
    const result = await waitUntil(poll, { ...base, clock, random: () => 0 });
    expect(result).toMatchObject({ state: 'success', value: 'v', attempts: 3 });
    expect(clock.sleeps).toEqual([100, 100]);
    expect(result.elapsedMs).toBe(200);
  });

  it('stops at failure with the reason', async () => {
    const { poll } = script<string>(
      { state: 'retry' },
      { state: 'failure', reason: 'check failed: prompt injection', value: 'x' },
    );
    const result = await waitUntil(poll, { ...base, clock: new ManualClock() });
    expect(result).toMatchObject({ state: 'failure', reason: 'check failed: prompt injection', attempts: 2 });
  });

  it('times out at the deadline, keeping the last reason, without polling at or after it', async () => {
    const clock = new ManualClock();
    const { poll } = script<string>({ state: 'retry', reason: 'queued', value: 'last' });
    const result = await waitUntil(poll, {
      minDelayMs: 100,
      maxDelayMs: 400,
      maxWaitMs: 1000,
      clock,
      random: () => 1,
    });
    expect(result).toMatchObject({ state: 'timeout', reason: 'queued', value: 'last', attempts: 4 });
    expect(result.elapsedMs).toBe(1000);
    // Delays never overshoot the deadline: the final sleep is clamped to what remains.
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(clock.sleeps).toEqual([100, 200, 400, 300]);
  });

  it('grows delays exponentially with jitter inside [min, max]', () => {
    for (let attempt = 1; attempt < 20; attempt++) {
      for (const r of [0, 0.3, 0.999]) {
        const d = waiterDelayMs(attempt, base, () => r);
        expect(d).toBeGreaterThanOrEqual(base.minDelayMs);
        expect(d).toBeLessThanOrEqual(base.maxDelayMs);
      }
    }
    expect(waiterDelayMs(1, base, () => 0.9)).toBe(100);
    expect(waiterDelayMs(3, base, () => 1)).toBe(400);
    expect(waiterDelayMs(10, base, () => 1)).toBe(1000);
  });

  it('reports aborted when the signal fires between polls', async () => {
    const controller = new AbortController();
    let polls = 0;
    const result = await waitUntil(
      async () => {
        polls++;
        if (polls === 2) controller.abort();
        return { state: 'retry', reason: 'pending' };
      },
      { ...base, clock: new ManualClock(), signal: controller.signal },
    );
    expect(result).toMatchObject({ state: 'aborted', reason: 'pending', attempts: 2 });
  });

  it('reports aborted without polling when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { poll, seen } = script<string>({ state: 'success' });
    const result = await waitUntil(poll, { ...base, signal: controller.signal });
    expect(result.state).toBe('aborted');
    expect(seen).toEqual([]);
  });

  it('aborts a real sleep promptly', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const result = await waitUntil(async () => ({ state: 'retry' }), {
      minDelayMs: 60_000,
      maxDelayMs: 60_000,
      maxWaitMs: 120_000,
      signal: controller.signal,
    });
    expect(result.state).toBe('aborted');
  });

  it('propagates errors thrown by the poll', async () => {
    await expect(
      waitUntil(async () => Promise.reject(new Error('boom')), { ...base, clock: new ManualClock() }),
    ).rejects.toThrow('boom');
  });

  it('rejects inconsistent options', async () => {
    await expect(
      waitUntil(async () => ({ state: 'success' }), { minDelayMs: 10, maxDelayMs: 5, maxWaitMs: 1 }),
    ).rejects.toBeInstanceOf(RangeError);
  });
});
