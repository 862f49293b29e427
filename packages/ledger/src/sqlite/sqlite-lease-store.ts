import type Database from 'better-sqlite3';
import type { LeaseStore } from '../lease-store.js';

/**
 * Lease rows in SQLite. Expiry uses this machine's clock, which every process sharing the file
 * shares too. Takeover runs in a `BEGIN IMMEDIATE` transaction: it holds the write lock from its
 * first read, so two processes cannot both see the row expired and both take it.
 */
export function sqliteLeaseStore(db: Database.Database): LeaseStore {
  const select = db.prepare(
    'SELECT token, expires_at FROM ledger_leases WHERE provider = ? AND agent_id = ?',
  );
  const upsert = db.prepare(
    `INSERT INTO ledger_leases (provider, agent_id, holder, token, acquired_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (provider, agent_id) DO UPDATE SET
       holder = excluded.holder, token = excluded.token,
       acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
  );
  const renew = db.prepare(
    'UPDATE ledger_leases SET expires_at = ? WHERE provider = ? AND agent_id = ? AND token = ?',
  );
  const remove = db.prepare('DELETE FROM ledger_leases WHERE provider = ? AND agent_id = ? AND token = ?');

  const take = db.transaction(
    (provider: string, agentId: string, holder: string, token: string, ttlMs: number) => {
      const now = Date.now();
      const row = select.get(provider, agentId) as { token: string; expires_at: number } | undefined;
      if (row && row.expires_at > now) return false;
      upsert.run(provider, agentId, holder, token, now, now + ttlMs);
      return true;
    },
  );

  return {
    async tryAcquire(key, holder, token, ttlMs) {
      return take.immediate(key.provider, key.agentId, holder, token, ttlMs);
    },
    async renew(key, token, ttlMs) {
      return renew.run(Date.now() + ttlMs, key.provider, key.agentId, token).changes === 1;
    },
    async release(key, token) {
      remove.run(key.provider, key.agentId, token);
    },
  };
}
