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
  it('waits once until just before the expected end, then polls densely, then backs off', () => {
    expect(checkPollDelayMs(300)).toBe(5100);
    expect(checkPollDelayMs(5400)).toBe(ATOMS_CHECK_SCHEDULE.densePollMs);
    expect(checkPollDelayMs(7900)).toBe(200);
    expect(checkPollDelayMs(8000)).toBeUndefined();
  });

  it('a 6 s check: 5 polls (today ~10) and seen passed at most one dense step late', () => {
    const times = polls(6000);
    expect(times.length).toBeLessThanOrEqual(5);
    expect(times.at(-1)! - 6000).toBeLessThanOrEqual(200);
  });

  it('checks ending anywhere in the dense window are seen within 200 ms', () => {
    for (let end = 5400; end <= 8000; end += 50) {
      expect(polls(end).at(-1)! - end).toBeLessThanOrEqual(200);
    }
  });
});
