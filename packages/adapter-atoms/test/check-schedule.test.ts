// Issue 12, time to live: dense polls where the ~6 s check is likely to end, without more polls.
import { describe, expect, it } from 'vitest';
import { ATOMS_CHECK_SCHEDULE, checkPollDelayMs } from '../src/v1/check-schedule.js';

/** Poll times (ms since the check started) until a check of `durationMs` is seen passed. */
function polls(durationMs: number, firstPollAt = 300): number[] {
  const times = [firstPollAt];
  while (times.at(-1)! < durationMs) {
    const now = times.at(-1)!;
    times.push(now + (checkPollDelayMs(now) ?? 1000));
  }
  return times;
}

describe('checkPollDelayMs', () => {
  it('looks early with doubling gaps, waits until just before the expected end, then polls densely, then backs off', () => {
    expect(checkPollDelayMs(0)).toBe(500);
    expect(checkPollDelayMs(300)).toBe(200);
    expect(checkPollDelayMs(400)).toBe(1100);
    expect(checkPollDelayMs(1500)).toBe(2000);
    expect(checkPollDelayMs(3500)).toBe(1900);
    expect(checkPollDelayMs(5400)).toBe(ATOMS_CHECK_SCHEDULE.densePollMs);
    expect(checkPollDelayMs(7900)).toBe(200);
    expect(checkPollDelayMs(8000)).toBeUndefined();
  });

  it('a 6 s check: at most 8 polls (was ~10) and seen passed at most one dense step late', () => {
    const times = polls(6000);
    expect(times.length).toBeLessThanOrEqual(8);
    expect(times.at(-1)! - 6000).toBeLessThanOrEqual(200);
  });

  it('checks ending anywhere in the dense window are seen within 200 ms', () => {
    for (let end = 5400; end <= 8000; end += 50) {
      expect(polls(end).at(-1)! - end).toBeLessThanOrEqual(200);
    }
  });

  it('a check that ends early is seen early, not at the dense window', () => {
    expect(polls(400, 0).at(-1)).toBe(500);
    expect(polls(1200, 0).at(-1)).toBe(1500);
    expect(polls(3000, 0).at(-1)).toBe(3500);
  });
});
