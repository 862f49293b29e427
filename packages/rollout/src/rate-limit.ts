import { createHash } from 'node:crypto';
import { type AgentReleaser, type Clock, systemClock } from '@agent-release/core';

/** A vendor's limit for one API key: `points` calls per `durationMs`. */
export interface KeyRateLimit {
  points: number;
  durationMs: number;
}

/**
 * Hands out permits per key. Every port call of every release made under one key takes one permit
 * first, so all tasks (and, with a shared store, all processes) stay under the vendor's per-key limit.
 */
export interface KeyedRateLimiter {
  /** Resolves when a call under `key` may go; rejects with `AbortedError` when `signal` fires first. */
  acquire(key: string, signal?: AbortSignal): Promise<void>;
}

/**
 * The name a rate limit is kept under. Callers may key limits by the API key itself, so it is
 * hashed: the key never becomes a map key, a Redis key or a log line.
 */
export function rateKeyName(rawKey: string): string {
  return createHash('sha256').update(rawKey).digest('hex').slice(0, 24);
}

/**
 * An in-process limiter: per key, calls are spaced evenly (`durationMs / points` apart), with a
 * burst of at most `points`. Waiters are served in arrival order.
 */
export class InProcessRateLimiter implements KeyedRateLimiter {
  readonly #interval: number;
  readonly #burst: number;
  readonly #next = new Map<string, number>();

  constructor(
    limit: KeyRateLimit,
    private readonly clock: Clock = systemClock,
  ) {
    this.#interval = limit.durationMs / limit.points;
    this.#burst = limit.points;
  }

  async acquire(key: string, signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    // A key idle for a while earns back up to `burst` permits, never more.
    const earliest = now - this.#interval * (this.#burst - 1);
    const slot = Math.max(this.#next.get(key) ?? earliest, earliest);
    this.#next.set(key, slot + this.#interval);
    if (slot > now) await this.clock.sleep(slot - now, signal);
  }
}

/**
 * A releaser whose every port call first takes a permit under `key`. A plain delegating object,
 * not a subclass: adapters keep private state that only their own instance can read.
 */
export function rateLimitedReleaser(
  releaser: AgentReleaser,
  limiter: KeyedRateLimiter,
  key: string,
): AgentReleaser {
  const gate = (signal: AbortSignal | undefined) => limiter.acquire(key, signal);
  const limited: AgentReleaser = {
    provider: releaser.provider,
    capabilities: releaser.capabilities,
    editDraft: async (agentId, changes, opts) => {
      await gate(opts?.signal);
      return releaser.editDraft(agentId, changes, opts);
    },
    publish: async (draft, opts) => {
      await gate(opts?.signal);
      return releaser.publish(draft, opts);
    },
    activate: async (agentId, versionId, opts) => {
      await gate(opts?.signal);
      return releaser.activate(agentId, versionId, opts);
    },
    getActiveVersion: async (agentId, opts) => {
      await gate(opts?.signal);
      return releaser.getActiveVersion(agentId, opts);
    },
  };
  const { listVersions, readConfig, validate } = releaser;
  if (listVersions) {
    limited.listVersions = async (agentId, opts) => {
      await gate(opts?.signal);
      return listVersions.call(releaser, agentId, opts);
    };
  }
  if (readConfig) {
    limited.readConfig = async (agentId, opts) => {
      await gate(opts?.signal);
      return readConfig.call(releaser, agentId, opts);
    };
  }
  if (validate) limited.validate = (input) => validate.call(releaser, input);
  return limited;
}
