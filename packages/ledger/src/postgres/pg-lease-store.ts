import type pg from 'pg';
import type { LeaseStore } from '../lease-store.js';

/**
 * Lease rows in PostgreSQL. Expiry is computed by the server's clock (`clock_timestamp()`), so
 * machines with skewed clocks still agree on when a lease expired. Takeover is one
 * `INSERT … ON CONFLICT DO UPDATE … WHERE expired` statement: the row lock it takes makes two
 * concurrent takers see each other, and at most one gets a row back.
 */
export function postgresLeaseStore(pool: pg.Pool, table: string): LeaseStore {
  const ttl = "clock_timestamp() + $1 * interval '1 millisecond'";
  return {
    async tryAcquire(key, holder, token, ttlMs) {
      const result = await pool.query(
        `INSERT INTO ${table} AS l (provider, agent_id, holder, token, acquired_at, expires_at)
         VALUES ($2, $3, $4, $5, clock_timestamp(), ${ttl})
         ON CONFLICT (provider, agent_id) DO UPDATE SET
           holder = excluded.holder, token = excluded.token,
           acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
         WHERE l.expires_at <= clock_timestamp()
         RETURNING token`,
        [ttlMs, key.provider, key.agentId, holder, token],
      );
      return result.rowCount === 1;
    },
    async renew(key, token, ttlMs) {
      const result = await pool.query(
        `UPDATE ${table} SET expires_at = ${ttl} WHERE provider = $2 AND agent_id = $3 AND token = $4`,
        [ttlMs, key.provider, key.agentId, token],
      );
      return result.rowCount === 1;
    },
    async release(key, token) {
      await pool.query(`DELETE FROM ${table} WHERE provider = $1 AND agent_id = $2 AND token = $3`, [
        key.provider,
        key.agentId,
        token,
      ]);
    },
  };
}
