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

/** Builds a releaser for one tenant's credentials. Adapters bind one, named by provider. */
export type ReleaserFactory = (config: TenantConfig) => AgentReleaser;

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
  /** `Logger`; `coreModule` binds a no-op one unless you bound yours first. */
  Logger: Symbol.for('@agent-release/core.Logger'),
} as const);
