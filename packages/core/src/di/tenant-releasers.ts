import { inject, injectable, optional } from 'inversify';
import { ConfigurationError, NotFoundError } from '../errors.js';
import { type Logger, noopLogger } from '../logger.js';
import type { AgentReleaser } from '../port.js';
import type { TenantDirectory } from './tenant-directory.js';
import { type ReleaserFactoryResolver, TOKENS } from './tokens.js';

/**
 * Returns each tenant's releaser, built once from the {@link TenantDirectory} and the factory
 * bound for the tenant's provider, then cached. Call {@link TenantReleasers.invalidate} when a
 * tenant's credentials rotate.
 */
@injectable()
export class TenantReleasers {
  readonly #cache = new Map<string, Promise<AgentReleaser>>();
  readonly #directory: TenantDirectory;
  readonly #resolveFactory: ReleaserFactoryResolver;
  readonly #logger: Logger;

  constructor(
    @inject(TOKENS.TenantDirectory) directory: TenantDirectory,
    @inject(TOKENS.ReleaserFactoryResolver) resolveFactory: ReleaserFactoryResolver,
    @inject(TOKENS.Logger) @optional() logger?: Logger,
  ) {
    this.#directory = directory;
    this.#resolveFactory = resolveFactory;
    this.#logger = logger ?? noopLogger;
  }

  /**
   * The tenant's releaser.
   * @throws NotFoundError for a tenant the directory does not know; ConfigurationError when no
   *   adapter module for its provider is loaded.
   */
  get(tenantId: string): Promise<AgentReleaser> {
    const cached = this.#cache.get(tenantId);
    if (cached) return cached;
    const building = this.#build(tenantId);
    this.#cache.set(tenantId, building);
    // A failed lookup is not cached: the directory may know the tenant on the next call.
    building.catch(() => {
      if (this.#cache.get(tenantId) === building) this.#cache.delete(tenantId);
    });
    return building;
  }

  /** Drops the cached releaser so the next `get` reads the directory again. */
  invalidate(tenantId: string): void {
    this.#cache.delete(tenantId);
  }

  /** Drops every cached releaser. */
  invalidateAll(): void {
    this.#cache.clear();
  }

  /** Number of cached tenants. */
  get size(): number {
    return this.#cache.size;
  }

  async #build(tenantId: string): Promise<AgentReleaser> {
    const config = await this.#directory.resolve(tenantId);
    if (!config) throw new NotFoundError(`Tenant "${tenantId}" is not in the tenant directory`);
    const factory = this.#resolveFactory(config.provider);
    if (!factory) {
      throw new ConfigurationError(
        `Tenant "${tenantId}" uses provider "${config.provider}", but no releaser factory is bound under that name; load the adapter module for that provider into the container`,
        { provider: config.provider },
      );
    }
    return factory(config, { logger: this.#logger });
  }
}
