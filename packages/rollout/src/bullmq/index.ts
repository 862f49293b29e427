/**
 * The BullMQ-on-Redis rollout engine: {@link createBullmqEngine} runs plans, workers created with
 * {@link createRolloutWorker} release the targets, in any number of processes.
 * @packageDocumentation
 */
export { type BullmqEngineOptions, createBullmqEngine } from './bullmq-engine.js';
export type { BullmqConnectionOptions } from './connection.js';
export { RedisRateLimiter } from './redis-rate-limiter.js';
export { createRolloutWorker, type RolloutWorker, type RolloutWorkerOptions } from './rollout-worker.js';
