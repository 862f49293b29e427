import type { RedisOptions } from 'bullmq';
import { type RedisOptions as IoRedisOptions, Redis } from 'ioredis';

/** Where the queue lives, shared by the engine and its workers. */
export interface BullmqConnectionOptions {
  /** ioredis options of the Redis server (e.g. `{ host: '127.0.0.1', port: 6379 }`). */
  connection: RedisOptions;
  /** Namespaces every key (queue, events, rate limits). Default `agent-release`. */
  prefix?: string | undefined;
  /** The queue's name. Default `rollout`. */
  queueName?: string | undefined;
}

/** Defaults filled in. */
export interface ResolvedConnection {
  connection: RedisOptions;
  prefix: string;
  queueName: string;
}

export function resolveConnection(options: BullmqConnectionOptions): ResolvedConnection {
  return {
    // BullMQ's blocking commands need ioredis never to give up on a request.
    connection: { ...options.connection, maxRetriesPerRequest: null },
    prefix: options.prefix ?? 'agent-release',
    queueName: options.queueName ?? 'rollout',
  };
}

/** A plain client (rate limits, clean-up), from the same options. */
export function redisClient(resolved: ResolvedConnection): Redis {
  return new Redis(resolved.connection as IoRedisOptions);
}
