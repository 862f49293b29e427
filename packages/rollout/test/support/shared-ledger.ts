import type { ReleaseLedger } from '@agent-release/core';
import { Redis } from 'ioredis';
import { REDIS } from './redis.js';
import { RedisTestLedger } from './redis-test-ledger.js';

/**
 * The ledger every process of the crash test opens, by a name they agree on. The one switch to
 * flip when `@agent-release/ledger` lands: return `createSqliteLedger({ path })` (one file per
 * name) or `createPostgresLedger({ connectionString })` (one schema per name) instead.
 */
export function openSharedLedger(name: string): ReleaseLedger {
  const redis = new Redis(REDIS);
  const ledger = new RedisTestLedger(redis, name);
  return Object.assign(Object.create(ledger) as ReleaseLedger, {
    close: async () => {
      await redis.quit();
    },
  });
}
