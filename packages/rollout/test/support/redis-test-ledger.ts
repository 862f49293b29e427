import type {
  LedgerEntry,
  LedgerEntryFinish,
  LedgerEntryStart,
  LedgerHistoryQuery,
  ReleaseLedger,
} from '@agent-release/core';
import type { Redis } from 'ioredis';

/**
 * A {@link ReleaseLedger} kept in Redis, so that worker processes of the crash test share one
 * ledger. TEST DOUBLE ONLY, standing in until `@agent-release/ledger` (SQLite/PostgreSQL) is on
 * this branch; see `shared-ledger.ts` for the switch.
 */
export class RedisTestLedger implements ReleaseLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async begin(start: LedgerEntryStart): Promise<LedgerEntry> {
    const id = String(await this.redis.incr(`${this.prefix}:ledger:seq`)).padStart(12, '0');
    const entry: LedgerEntry = { ...start, id, outcome: 'running', steps: [] };
    await this.redis
      .multi()
      .hset(`${this.prefix}:ledger:entries`, id, JSON.stringify(entry))
      .rpush(`${this.prefix}:ledger:agent:${start.agentId}`, id)
      .exec();
    return entry;
  }

  async finish(id: string, finish: LedgerEntryFinish): Promise<LedgerEntry> {
    const entry = await this.get(id);
    if (!entry) throw new Error(`ledger entry ${id} not found`);
    const done: LedgerEntry = { ...entry, ...finish };
    await this.redis.hset(`${this.prefix}:ledger:entries`, id, JSON.stringify(done));
    return done;
  }

  async get(id: string): Promise<LedgerEntry | null> {
    const raw = await this.redis.hget(`${this.prefix}:ledger:entries`, id);
    return raw ? (JSON.parse(raw) as LedgerEntry) : null;
  }

  async history(query: LedgerHistoryQuery): Promise<LedgerEntry[]> {
    const ids = await this.redis.lrange(`${this.prefix}:ledger:agent:${query.agentId}`, 0, -1);
    if (ids.length === 0) return [];
    const raws = await this.redis.hmget(`${this.prefix}:ledger:entries`, ...ids.reverse());
    return raws
      .filter((r): r is string => r !== null)
      .map((r) => JSON.parse(r) as LedgerEntry)
      .filter(
        (e) =>
          (query.provider === undefined || e.provider === query.provider) &&
          (query.tenant === undefined || e.tenant === query.tenant) &&
          (query.rolloutId === undefined || e.rolloutId === query.rolloutId),
      )
      .slice(0, Math.min(query.limit ?? 50, 1000));
  }

  async lastMadeLive(query: {
    provider: string;
    agentId: string;
    versionId: string;
  }): Promise<LedgerEntry | null> {
    const entries = await this.history({ agentId: query.agentId, provider: query.provider, limit: 1000 });
    return (
      entries.find(
        (e) =>
          (e.outcome === 'released' || e.outcome === 'rolled-back') && e.versionAfter === query.versionId,
      ) ?? null
    );
  }

  async close(): Promise<void> {}
}
