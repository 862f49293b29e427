// Issue 17: a holder knows its own deadline from a monotonic clock. The lease says how long it
// still vouches for its holder (`remainingMs`), and fires `lost` at the deadline even when the
// renewal that should have extended it never answers (a hung store, a paused process).
import type { ReleaseLockKey } from '@agent-release/core';
import { describe, expect, it } from 'vitest';
import { createLeaseLock, safetyMarginMs } from '../src/lease-lock.js';
import type { LeaseStore } from '../src/lease-store.js';

const key: ReleaseLockKey = { provider: 'atoms', agentId: 'a1' };

function store(renew: LeaseStore['renew']): LeaseStore & { renewals: number } {
  const s = {
    renewals: 0,
    tryAcquire: async () => true,
    leave: async () => undefined,
    renew: (...args: Parameters<LeaseStore['renew']>) => {
      s.renewals += 1;
      return renew(...args);
    },
    release: async () => undefined,
  };
  return s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the lease deadline', () => {
  it('runs out at acquire + ttl − margin when renewals hang, and fires lost then', async () => {
    const ttlMs = 300;
    const hung = store(() => new Promise<boolean>(() => undefined));
    const started = performance.now();
    const lease = await createLeaseLock(hung, { ttlMs, pollMs: 5 }).acquire(key);

    const left = lease.remainingMs?.() ?? Number.NaN;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(ttlMs - safetyMarginMs(ttlMs));
    await new Promise<void>((resolve) => lease.lost.addEventListener('abort', () => resolve()));

    expect(performance.now() - started).toBeGreaterThanOrEqual(ttlMs - safetyMarginMs(ttlMs) - 1);
    expect(lease.remainingMs?.()).toBeLessThanOrEqual(0);
    expect(hung.renewals).toBeGreaterThan(0);
    await lease.release();
  });

  it('moves the deadline on with every renewal that succeeds', async () => {
    const ttlMs = 900;
    const ok = store(async () => true);
    const lease = await createLeaseLock(ok, { ttlMs, pollMs: 5 }).acquire(key);
    await sleep(3 * ttlMs);

    expect(lease.lost.aborted).toBe(false);
    expect(lease.remainingMs?.()).toBeGreaterThan(0);
    expect(ok.renewals).toBeGreaterThan(1);
    await lease.release();
  });

  it('stays lost once its deadline passed, even if a late renewal then succeeds', async () => {
    const ttlMs = 120;
    let answer: ((ok: boolean) => void) | undefined;
    const late = store(
      () =>
        new Promise<boolean>((resolve) => {
          answer = resolve;
        }),
    );
    const lease = await createLeaseLock(late, { ttlMs, pollMs: 5 }).acquire(key);
    await new Promise<void>((resolve) => lease.lost.addEventListener('abort', () => resolve()));
    answer?.(true);
    await sleep(10);

    expect(lease.lost.aborted).toBe(true);
    expect(lease.remainingMs?.()).toBeLessThanOrEqual(0);
    await lease.release();
  });
});
