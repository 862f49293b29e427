// REVIEW PROBE (issue 17, adversarial review): a holder whose durable lease ran out (paused past its
// deadline right after acquiring it) must not settle another writer's `running` entry as
// `abandoned` — that writer holds the lease now and is still writing.
import {
  type DraftRef,
  type PublishOptions,
  type ReleaseLease,
  type ReleaseLock,
  release,
} from '@agent-release/core';
import { InMemoryLedger, InMemoryReleaser } from '@agent-release/core/testing';
import { describe, expect, it } from 'vitest';

/** Holds B's publish until the test lets it go, so B's entry is `running` for real meanwhile. */
class GatedReleaser extends InMemoryReleaser {
  gate: Promise<void> | undefined;
  entered: (() => void) | undefined;
  override async publish(draft: DraftRef, opts?: PublishOptions) {
    this.entered?.();
    await this.gate;
    return super.publish(draft, opts);
  }
}

/** A durable lease granted at once, whose deadline is `leftMs()` away (0: it ran out while paused). */
function leaseLock(leftMs: () => number): ReleaseLock {
  return {
    acquire: async (key): Promise<ReleaseLease> => ({
      key,
      lost: new AbortController().signal,
      remainingMs: leftMs,
      release: async () => undefined,
    }),
  };
}

describe('REVIEW: a holder whose durable lease ran out', () => {
  it("leaves the new holder's running entry alone", async () => {
    const r = new GatedReleaser();
    const ledger = new InMemoryLedger();
    const agentId = r.createAgent({ instructions: 'v0' });

    // B holds the lease now and is in its publish step.
    let open!: () => void;
    r.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const bInPublish = new Promise<void>((resolve) => {
      r.entered = resolve;
    });
    const bErrors: unknown[] = [];
    const b = release(
      r,
      agentId,
      { instructions: 'B' },
      {
        ledger,
        lock: leaseLock(() => 60_000),
        observer: (e) => e.type === 'ledger-error' && bErrors.push(e.error),
      },
    );
    await bInPublish;
    r.entered = undefined;
    const [bEntry] = await ledger.history({ provider: r.provider, agentId });
    expect(bEntry?.outcome).toBe('running');

    // A acquired before B, was paused, and wakes with its deadline passed: it fails.
    await expect(
      release(r, agentId, { instructions: 'A' }, { ledger, lock: leaseLock(() => 0) }),
    ).rejects.toThrow();

    // B is still running: its entry must still say so.
    expect((await ledger.get(bEntry?.id as string))?.outcome).toBe('running');

    open();
    const bResult = await b;
    expect(bResult.status).toBe('released');
    expect(bErrors).toEqual([]);
    expect(await ledger.get(bEntry?.id as string)).toMatchObject({
      outcome: 'released',
      versionAfter: bResult.version?.id,
    });
  });
});
