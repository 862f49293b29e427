import { createInProcessEngine, type KeyedRateLimiter } from '@agent-release/rollout';
import { TestFleet } from '@agent-release/rollout/testing';
import { describe, expect, it } from 'vitest';
import { rateKeyName } from '../src/rate-limit.js';

describe('in-process engine rate limiting', () => {
  it('takes a permit for every port call of every task, in one bucket per API key shared by its tenants', async () => {
    const fleet = new TestFleet();
    const acme = fleet.addTenant('acme', 'explicit', 3);
    const globex = fleet.addTenant('globex', 'on-publish', 3);
    const initech = fleet.addTenant('initech', 'explicit', 3);
    const permits: string[] = [];
    const limiter: KeyedRateLimiter = { acquire: async (key) => void permits.push(key) };
    const keyOf: Record<string, string> = { acme: 'shared-key', globex: 'shared-key', initech: 'own-key' };
    const engine = createInProcessEngine({
      resolveReleaser: fleet.resolveReleaser,
      ledger: fleet.ledger,
      limiter,
      rateKeyOf: (tenant) => keyOf[tenant] as string,
      concurrency: 4,
    });
    const summary = await engine.start({
      id: 'limits',
      changes: { instructions: 'x' },
      targets: fleet.targets(),
    }).done;
    expect(summary.progress.totals.done).toBe(9);
    const count = (key: string) => permits.filter((p) => p === rateKeyName(key)).length;
    expect(count('shared-key')).toBe(acme.releaser.requestCount + globex.releaser.requestCount);
    expect(count('own-key')).toBe(initech.releaser.requestCount);
    expect(permits).toHaveLength(count('shared-key') + count('own-key'));
  });
});
