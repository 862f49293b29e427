/**
 * When to look at a v1 security check. Atoms documents the check as taking about 6 s from the
 * publish that triggers it. Polling every 0.5–1 s from the start costs ~10 polls and finds the
 * pass ~400 ms late on average; instead a few early looks with doubling gaps (a check that ends
 * early is still seen early), then dense polls around the likely end, then the usual backoff for
 * a slow check: ~8 polls for a 6 s check, at most `densePollMs` late while the check ends inside
 * the dense window.
 */

/** Where the schedule puts its dense window, relative to the check's start. */
export interface CheckSchedule {
  /** Looks before the dense window, in ms since the check started, ascending. */
  earlyPollsMs: readonly number[];
  /** How long the check usually takes (Atoms: ~6 s). */
  expectedMs: number;
  /** Dense polling starts this long before `expectedMs`. */
  leadMs: number;
  /** The delay between dense polls. */
  densePollMs: number;
  /** Dense polling lasts this long after `expectedMs`, then the backoff takes over. */
  tailMs: number;
}

/** Looks at 0.5, 1.5 and 3.5 s; Atoms' documented ~6 s: dense polls every 200 ms from 5.4 s to 8 s. */
export const ATOMS_CHECK_SCHEDULE: Readonly<CheckSchedule> = Object.freeze({
  earlyPollsMs: Object.freeze([500, 1500, 3500]),
  expectedMs: 6000,
  leadMs: 600,
  densePollMs: 200,
  tailMs: 2000,
});

/**
 * The delay before the next poll, `sinceStartMs` after the check started (the publish that
 * triggered it answered), or `undefined` for the waiter's usual backoff.
 */
export function checkPollDelayMs(
  sinceStartMs: number,
  schedule: CheckSchedule = ATOMS_CHECK_SCHEDULE,
): number | undefined {
  const denseFrom = schedule.expectedMs - schedule.leadMs;
  if (sinceStartMs < denseFrom - schedule.densePollMs) {
    // The next early look still ahead (at least one dense step away), else the dense window.
    const next = schedule.earlyPollsMs.find(
      (at) => at < denseFrom && at - sinceStartMs >= schedule.densePollMs,
    );
    return (next ?? denseFrom) - sinceStartMs;
  }
  if (sinceStartMs < schedule.expectedMs + schedule.tailMs) return schedule.densePollMs;
  return undefined;
}
