import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis every machine of the project runs (see DESIGN.md, "Services on the machines"). */
export const REDIS = {
  host: process.env.REDIS_HOST ?? '127.0.0.1',
  port: Number(process.env.REDIS_PORT ?? 6379),
};

const START = 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no';

async function answers(): Promise<boolean> {
  const client = new Redis({
    ...REDIS,
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Whether the Redis-backed suites can run. Without Redis they are skipped with a message naming
 * them, except under CI, where a missing Redis fails the run loudly.
 */
export async function redisForSuites(suites: string): Promise<boolean> {
  if (await answers()) return true;
  const message = `Redis does not answer on ${REDIS.host}:${REDIS.port}, so these suites did not run: ${suites}. Start it with: ${START}`;
  if (process.env.CI && process.env.CI !== 'false')
    throw new Error(`${message} (CI is set: Redis is required.)`);
  console.warn(`SKIPPED — ${message}`);
  return false;
}

/** A key prefix no other test uses. */
export function uniquePrefix(): string {
  return `test-rollout-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(prefix: string): Promise<void> {
  const client = new Redis(REDIS);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    await client.quit();
  }
}

/** Every key under `prefix` (to check that none names a secret). */
export async function keysUnder(prefix: string): Promise<string[]> {
  const client = new Redis(REDIS);
  try {
    return await client.keys(`${prefix}:*`);
  } finally {
    await client.quit();
  }
}
