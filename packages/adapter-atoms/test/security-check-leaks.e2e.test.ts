// REVIEW PROBE (issue 17, adversarial review): the fence joins every wait and request of a
// release; a long security-check poll under a durable lease and a long-lived caller signal must
// not pile listeners on any signal (MaxListenersExceededWarning) or leave timers behind.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { release } from '@agent-release/core';
import { createSqliteLedger } from '@agent-release/ledger';
import { afterEach, describe, expect, it } from 'vitest';
import { setupEmulator, useEmulators } from './emulator-harness.js';

useEmulators();

const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);
afterEach(() => {
  process.off('warning', onWarning);
});

describe('REVIEW: a long security-check wait under a durable lease', () => {
  it('adds no listener warnings and leaves no timers behind', async () => {
    process.on('warning', onWarning);
    const { emulator, releaser, agentId } = await setupEmulator(
      { securityCheck: { durationMs: 1_500 } },
      { securityCheck: { minDelayMs: 10, maxDelayMs: 10, maxWaitMs: 60_000, expectedMs: 0 } },
    );
    const dir = mkdtempSync(join(tmpdir(), 'review-leaks-'));
    const ledger = await createSqliteLedger({ path: join(dir, 'l.db'), lease: { ttlMs: 30_000 } });
    const caller = new AbortController();
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const timersBefore = timers();
    for (let i = 0; i < 3; i++) {
      const result = await release(
        releaser,
        agentId,
        { instructions: `Poll ${i}` },
        { ledger, lock: ledger.lock, signal: caller.signal },
      );
      expect(result.status).toBe('released');
    }
    const polls = emulator.requests.filter((r) => r.method === 'GET' && /versions\//.test(r.path)).length;
    expect(polls).toBeGreaterThan(30);
    await new Promise((r) => setTimeout(r, 50));
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
    await ledger.close();
    expect(timers()).toBeLessThanOrEqual(timersBefore);
  }, 60_000);
});
