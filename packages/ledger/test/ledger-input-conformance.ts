import { type LedgerEntryFinish, ValidationError } from '@agent-release/core';
import { type LedgerStore, MAX_SNAPSHOT_BYTES } from '@agent-release/ledger';
import { expect, it } from 'vitest';
import { agent, finishOf, startOf } from './conformance-fixtures.js';

/**
 * The conformance of what a store accepts as an entry: snapshot size and finish outcomes. Part of
 * {@link describeLedgerConformance}; `open` gives a store on that suite's database.
 */
export function describeEntryInputConformance(open: () => Promise<LedgerStore>): void {
  it('refuses a snapshot over the size limit on begin and finish, naming the field, and writes nothing', async () => {
    const store = await open();
    const agentId = agent();
    const tooBig = { instructions: 'x'.repeat(MAX_SNAPSHOT_BYTES) };
    // Bytes of JSON, not characters: 'é' is two bytes in UTF-8.
    const tooBigInBytes = { instructions: 'é'.repeat(MAX_SNAPSHOT_BYTES / 2) };
    for (const [field, start] of [
      ['snapshotBefore', startOf(agentId, { snapshotBefore: tooBig })],
      ['snapshotAfter', startOf(agentId, { snapshotAfter: tooBig })],
      ['snapshotBefore', startOf(agentId, { snapshotBefore: tooBigInBytes })],
    ] as const) {
      const error = await store.begin(start).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain(field);
      expect((error as Error).message).toContain(`${MAX_SNAPSHOT_BYTES.toLocaleString('en-US')} bytes`);
    }
    expect(await store.history({ agentId })).toEqual([]);

    const begun = await store.begin(startOf(agentId));
    const error = await store
      .finish(begun.id, { ...finishOf('released'), snapshotAfter: tooBig })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('snapshotAfter');
    expect(await store.get(begun.id)).toEqual(begun);
  });

  it('keeps a snapshot of a long prompt, well under the limit', async () => {
    const store = await open();
    const snapshot = {
      instructions: 'Answer billing questions. '.repeat(10_000),
      providerOptions: { atoms: { voiceId: 'v' } },
    };
    const begun = await store.begin(startOf(agent(), { snapshotBefore: snapshot, snapshotAfter: snapshot }));
    const done = await store.finish(begun.id, { ...finishOf('released'), snapshotAfter: snapshot });
    expect(await store.get(begun.id)).toEqual(done);
    expect(done.snapshotBefore).toEqual(snapshot);
  });

  it('finishes an attempt as abandoned, which made no version live', async () => {
    const store = await open();
    const agentId = agent();
    const begun = await store.begin(startOf(agentId));
    // Cast while core's LedgerOutcome may not name 'abandoned' yet.
    const abandoned = {
      ...finishOf('failed', { versionAfter: 'v2' }),
      outcome: 'abandoned',
    } as unknown as LedgerEntryFinish;
    const done = await store.finish(begun.id, abandoned);
    expect(done.outcome).toBe('abandoned');
    expect((await store.get(begun.id))?.outcome).toBe('abandoned');
    expect(await store.lastMadeLive({ provider: 'atoms', agentId, versionId: 'v2' })).toBeNull();
  });
}
