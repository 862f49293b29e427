// Issue 10, the winner's side: right after our activation another writer's version may be live
// for a moment before that writer restores ours. The read waits for that restore only when the
// live version is such a loser (made from our base, overwrote ours), and never past its bound.
import { noopLogger } from '@agent-release/core';
import { HttpClient } from '@agent-release/core/provider';
import { ManualClock } from '@agent-release/core/testing';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SECURITY_CHECK } from '../src/index.js';
import { awaitRestore } from '../src/v1/settle.js';
import { AGENT, agentBody, api, KEY, ORIGIN, P, useNock, V1, V2, V3, versionRow } from './fixtures.js';

useNock();

const setup = () => {
  const clock = new ManualClock();
  const deps = {
    http: new HttpClient({ provider: 'atoms', baseUrl: `${ORIGIN}${P}`, apiKey: KEY, retry: false, clock }),
    logger: noopLogger,
    clock,
    random: () => 0.5,
    securityCheck: DEFAULT_SECURITY_CHECK,
  };
  return { deps, clock };
};
// Ours: V3 from V1, published at :10, live at :20.
const ours = {
  version: {
    provider: 'atoms',
    agentId: AGENT,
    id: V3,
    isActive: true,
    createdAt: '2026-01-01T00:00:10.000Z',
    activatedAt: '2026-01-01T00:00:20.000Z',
  },
  base: V1,
};
// The other writer's V2 from V1, published at :12 (before ours went live), live at :21.
const loser = (extra: Record<string, unknown> = {}) =>
  versionRow(V2, {
    publishedAt: '2026-01-01T00:00:12.000Z',
    activatedAt: '2026-01-01T00:00:21.000Z',
    ...extra,
  });
const agentLive = (id: string) =>
  api()
    .get(`${P}/agent/${AGENT}`)
    .reply(200, agentBody({ activeVersionId: id, versionId: id }));

describe('awaitRestore', () => {
  it('waits while the loser is live and reports the move once it restored ours', async () => {
    const { deps } = setup();
    agentLive(V2);
    agentLive(V3);
    expect(await awaitRestore(deps, AGENT, ours, loser(), undefined)).toBe(true);
  });

  it('sends nothing for a version made from another base, or one that went live before ours', async () => {
    const { deps } = setup();
    expect(await awaitRestore(deps, AGENT, ours, loser({ sourceVersionId: V3 }), undefined)).toBe(false);
    const earlier = loser({ activatedAt: '2026-01-01T00:00:19.000Z' });
    expect(await awaitRestore(deps, AGENT, ours, earlier, undefined)).toBe(false);
    // A version published after ours went live passed its base check seeing ours: not a loser.
    const later = loser({ publishedAt: '2026-01-01T00:00:20.500Z' });
    expect(await awaitRestore(deps, AGENT, ours, later, undefined)).toBe(false);
  });

  it('gives up after its bound and reports the loser as live', async () => {
    const { deps, clock } = setup();
    const reads = api()
      .get(`${P}/agent/${AGENT}`)
      .times(100)
      .reply(200, agentBody({ activeVersionId: V2 }));
    const start = clock.now();
    expect(await awaitRestore(deps, AGENT, ours, loser(), undefined)).toBe(false);
    expect(clock.now() - start).toBeGreaterThanOrEqual(20_000);
    expect(clock.now() - start).toBeLessThan(22_000);
    expect(reads.isDone()).toBe(false); // bounded: far fewer reads than armed
    nock.cleanAll();
  });
});
