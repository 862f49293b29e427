import type { Logger } from '../logger.js';
import type { AgentReleaser } from '../port.js';

/** What a {@link TenantDirectory} says about one tenant. */
export interface TenantConfig {
  /** Provider id; selects the releaser factory bound under this name. */
  provider: string;
  apiKey: string;
  baseUrl?: string | undefined;
  /** Provider-specific factory options (timeouts, retry, security-check waits, ...). */
  options?: Record<string, unknown> | undefined;
}

/** What the container hands a factory besides the tenant's config. */
export interface ReleaserFactoryDeps {
  /** The logger bound to `TOKENS.Logger`, or a silent one when none is bound. */
  logger: Logger;
}

/** Builds a releaser for one tenant's credentials. Adapters bind one, named by provider. */
export type ReleaserFactory = (config: TenantConfig, deps: ReleaserFactoryDeps) => AgentReleaser;

/** Finds a provider's factory by name; bound by `coreModule`. */
export type ReleaserFactoryResolver = (provider: string) => ReleaserFactory | undefined;

/**
 * Injection tokens. `Symbol.for` keys, so two copies of this package in one app still agree.
 */
export const TOKENS = Object.freeze({
  /** `ReleaserFactory`, bound once per provider with `.whenNamed(provider)`. */
  ReleaserFactory: Symbol.for('@agent-release/core.ReleaserFactory'),
  /** `ReleaserFactoryResolver` (bound by `coreModule`). */
  ReleaserFactoryResolver: Symbol.for('@agent-release/core.ReleaserFactoryResolver'),
  /** `TenantDirectory` — yours to bind (e.g. `StaticTenantDirectory`). */
  TenantDirectory: Symbol.for('@agent-release/core.TenantDirectory'),
  /** `TenantReleasers` (bound by `coreModule`). */
  TenantReleasers: Symbol.for('@agent-release/core.TenantReleasers'),
  /** `Logger` — optional; when bound, releasers built by `TenantReleasers` log through it. */
  Logger: Symbol.for('@agent-release/core.Logger'),
  /**
   * `ReleaseLedger` — optional; bind one (e.g. `createSqliteLedger` from `@agent-release/ledger`)
   * and pass it as `options.ledger` to `release()` / `rollback()` to record every attempt.
   */
  ReleaseLedger: Symbol.for('@agent-release/core.ReleaseLedger'),
  /**
   * `ReleaseLock` — optional; bind a durable one (e.g. a ledger store's `lock`) and pass it as
   * `options.lock` when several processes release the same agents.
   */
  ReleaseLock: Symbol.for('@agent-release/core.ReleaseLock'),
} as const);
