import type Database from 'better-sqlite3';
import type { LeaseStore } from '../lease-store.js';

/**
 * Lease rows and the queue of waiters in SQLite. Expiry uses this machine's clock, which every
 * process sharing the file shares too. Each attempt is one `BEGIN IMMEDIATE` transaction: it
 * holds the write lock from its first read, so two processes cannot both see the lease free and
 * both take it, and the queue they read is the queue they act on.
 */
export function sqliteLeaseStore(db: Database.Database): LeaseStore {
  const join = db.prepare(
    `INSERT INTO ledger_lease_waiters (provider, agent_id, token, holder, expires_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (token) DO UPDATE SET expires_at = excluded.expires_at`,
  );
  const dropStale = db.prepare(
    'DELETE FROM ledger_lease_waiters WHERE provider = ? AND agent_id = ? AND expires_at <= ?',
  );
  const head = db.prepare(
    'SELECT token FROM ledger_lease_waiters WHERE provider = ? AND agent_id = ? ORDER BY ticket LIMIT 1',
  );
  const leave = db.prepare('DELETE FROM ledger_lease_waiters WHERE token = ?');
  const select = db.prepare('SELECT expires_at FROM ledger_leases WHERE provider = ? AND agent_id = ?');
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
    (provider: string, agentId: string, holder: string, token: string, ttlMs: number, waitMs: number) => {
      const now = Date.now();
      join.run(provider, agentId, token, holder, now + waitMs);
      dropStale.run(provider, agentId, now);
      if ((head.get(provider, agentId) as { token: string } | undefined)?.token !== token) return false;
      const lease = select.get(provider, agentId) as { expires_at: number } | undefined;
      if (lease && lease.expires_at > now) return false;
      upsert.run(provider, agentId, holder, token, now, now + ttlMs);
      leave.run(token);
      return true;
    },
  );

  return {
    async tryAcquire(key, holder, token, ttlMs, waitMs) {
      return take.immediate(key.provider, key.agentId, holder, token, ttlMs, waitMs);
    },
    async leave(_key, token) {
      leave.run(token);
    },
    async renew(key, token, ttlMs) {
      return renew.run(Date.now() + ttlMs, key.provider, key.agentId, token).changes === 1;
    },
    async release(key, token) {
      remove.run(key.provider, key.agentId, token);
    },
  };
}
