import type pg from 'pg';
import type { LeaseStore } from '../lease-store.js';

/**
 * Lease rows and the queue of waiters in PostgreSQL. Expiry is computed by the server's clock
 * (`clock_timestamp()`), so machines with skewed clocks still agree on when a lease expired.
 * Taking the lease is one `INSERT … ON CONFLICT DO UPDATE … WHERE expired` statement: the row
 * lock it takes makes two concurrent takers see each other, and at most one gets a row back.
 * The queue only decides who tries: a moment's stale view of it can reorder two waiters, never
 * let two hold the lease.
 */
export function postgresLeaseStore(pool: pg.Pool, schema: string): LeaseStore {
  const leases = `${schema}.ledger_leases`;
  const waiters = `${schema}.ledger_lease_waiters`;
  const later = (param: string) => `clock_timestamp() + ${param} * interval '1 millisecond'`;
  return {
    async tryAcquire(key, holder, token, ttlMs, waitMs) {
      const { provider, agentId } = key;
      await pool.query(
        `INSERT INTO ${waiters} (provider, agent_id, token, holder, expires_at) VALUES ($1, $2, $3, $4, ${later('$5')})
         ON CONFLICT (token) DO UPDATE SET expires_at = excluded.expires_at`,
        [provider, agentId, token, holder, waitMs],
      );
      await pool.query(
        `DELETE FROM ${waiters} WHERE provider = $1 AND agent_id = $2 AND expires_at <= clock_timestamp()`,
        [provider, agentId],
      );
      const head = await pool.query<{ token: string }>(
        `SELECT token FROM ${waiters} WHERE provider = $1 AND agent_id = $2 ORDER BY ticket LIMIT 1`,
        [provider, agentId],
      );
      if (head.rows[0]?.token !== token) return false;
      const taken = await pool.query(
        `INSERT INTO ${leases} AS l (provider, agent_id, holder, token, acquired_at, expires_at)
         VALUES ($2, $3, $4, $5, clock_timestamp(), ${later('$1')})
         ON CONFLICT (provider, agent_id) DO UPDATE SET
           holder = excluded.holder, token = excluded.token,
           acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
         WHERE l.expires_at <= clock_timestamp()
         RETURNING token`,
        [ttlMs, provider, agentId, holder, token],
      );
      if (taken.rowCount !== 1) return false;
      await pool.query(`DELETE FROM ${waiters} WHERE token = $1`, [token]);
      return true;
    },
    async leave(_key, token) {
      await pool.query(`DELETE FROM ${waiters} WHERE token = $1`, [token]);
    },
    async renew(key, token, ttlMs) {
      const result = await pool.query(
        `UPDATE ${leases} SET expires_at = ${later('$1')} WHERE provider = $2 AND agent_id = $3 AND token = $4`,
        [ttlMs, key.provider, key.agentId, token],
      );
      return result.rowCount === 1;
    },
    async release(key, token) {
      await pool.query(`DELETE FROM ${leases} WHERE provider = $1 AND agent_id = $2 AND token = $3`, [
        key.provider,
        key.agentId,
        token,
      ]);
    },
  };
}
