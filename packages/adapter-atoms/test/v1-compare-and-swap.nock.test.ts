// Issue 11, defect 3, the detection half: a version that went live between the base check and
// our activation is restored, and the caller gets a ConflictError naming both versions.
import { ConflictError, noopLogger } from '@agent-release/core';
import { HttpClient } from '@agent-release/core/provider';
import { ManualClock } from '@agent-release/core/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SECURITY_CHECK } from '../src/index.js';
import { restoreIfOverwritten } from '../src/v1/compare-and-swap.js';
import { AGENT, api, KEY, ORIGIN, ok, P, useNock, V1, V2, V3, versionRow } from './fixtures.js';

useNock();

const deps = () => ({
  http: new HttpClient({ provider: 'atoms', baseUrl: `${ORIGIN}${P}`, apiKey: KEY, retry: false }),
  logger: noopLogger,
  clock: new ManualClock(),
  random: () => 0.5,
  securityCheck: DEFAULT_SECURITY_CHECK,
});
// Ours: V3, published at :10, activated at :20. V2 (the other writer's) was activated at :15.
const ours = {
  provider: 'atoms',
  agentId: AGENT,
  id: V3,
  isActive: true,
  createdAt: '2026-01-01T00:00:10.000Z',
  activatedAt: '2026-01-01T00:00:20.000Z',
};
const list = (v2ActivatedAt: string) =>
  api()
    .get(`${P}/agent/${AGENT}/versions`)
    .query({ limit: '10', skip: '0' })
    .reply(
      200,
      ok({
        versions: [
          versionRow(V3, { isActive: true, activatedAt: ours.activatedAt }),
          versionRow(V2, { activatedAt: v2ActivatedAt }),
          versionRow(V1, { activatedAt: '2026-01-01T00:00:00.000Z' }),
        ],
        total: 3,
      }),
    );

describe('restoreIfOverwritten', () => {
  it('restores a version activated between our publish and our activation and names both', async () => {
    list('2026-01-01T00:00:15.000Z');
    api()
      .patch(`${P}/agent/${AGENT}/versions/${V2}/activate`)
      .reply(200, ok(versionRow(V2, { isActive: true })));

    const error = await restoreIfOverwritten(deps(), AGENT, ours, V1, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toContain(V2);
    expect((error as Error).message).toContain(V3);
    expect(error).toMatchObject({ details: { versionId: V3, concurrentVersionId: V2, live: V2 } });
  });

  it('leaves alone a version activated before ours was published (the base check saw it) or after ours', async () => {
    list('2026-01-01T00:00:05.000Z');
    await restoreIfOverwritten(deps(), AGENT, ours, V1, undefined);
    list('2026-01-01T00:00:25.000Z');
    await restoreIfOverwritten(deps(), AGENT, ours, V1, undefined);
  });

  it('of two activations at the same instant, exactly one side restores: the earlier-published one wins', async () => {
    const at = '2026-01-01T00:00:20.000Z';
    // V3 published at :10, V2 at :12; both went live at :20 (same server millisecond).
    const rows = [
      versionRow(V3, { publishedAt: '2026-01-01T00:00:10.000Z', activatedAt: at }),
      versionRow(V2, { publishedAt: '2026-01-01T00:00:12.000Z', activatedAt: at }),
      versionRow(V1, { activatedAt: '2026-01-01T00:00:00.000Z' }),
    ];
    const listed = () =>
      api()
        .get(`${P}/agent/${AGENT}/versions`)
        .query({ limit: '10', skip: '0' })
        .reply(200, ok({ versions: rows, total: 3 }));
    const restore = api()
      .patch(`${P}/agent/${AGENT}/versions/${V3}/activate`)
      .reply(200, ok(versionRow(V3, { isActive: true })));
    const v3 = { ...ours, createdAt: '2026-01-01T00:00:10.000Z', activatedAt: at };
    const v2 = { ...ours, id: V2, createdAt: '2026-01-01T00:00:12.000Z', activatedAt: at };

    // V3's writer keeps its activation: nothing is restored.
    listed();
    await restoreIfOverwritten(deps(), AGENT, v3, V1, undefined);
    expect(restore.isDone()).toBe(false);
    // V2's writer gives way: it makes V3 live again and fails naming both.
    listed();
    const error = await restoreIfOverwritten(deps(), AGENT, v2, V1, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ details: { versionId: V2, concurrentVersionId: V3, live: V3 } });
    expect(restore.isDone()).toBe(true);
  });
});
