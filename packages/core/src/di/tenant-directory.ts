import type { TenantConfig } from './tokens.js';

/**
 * Maps a tenant to its provider and credentials. Implement it over your secrets store;
 * {@link StaticTenantDirectory} ships for configuration files and tests.
 */
export interface TenantDirectory {
  /** The tenant's config, or `undefined` when the tenant is unknown. */
  resolve(tenantId: string): Promise<TenantConfig | undefined> | TenantConfig | undefined;
}

/** A directory over a fixed map, e.g. parsed from a config file. */
export class StaticTenantDirectory implements TenantDirectory {
  readonly #tenants: Map<string, TenantConfig>;

  constructor(tenants: Record<string, TenantConfig> | Map<string, TenantConfig>) {
    this.#tenants = new Map(tenants instanceof Map ? tenants : Object.entries(tenants));
  }

  resolve(tenantId: string): TenantConfig | undefined {
    return this.#tenants.get(tenantId);
  }

  /** Replaces or adds a tenant (call `TenantReleasers.invalidate` afterwards). */
  set(tenantId: string, config: TenantConfig): void {
    this.#tenants.set(tenantId, config);
  }

  /** Tenant ids, without credentials. */
  tenantIds(): string[] {
    return [...this.#tenants.keys()];
  }

  toJSON(): Record<string, unknown> {
    return { tenants: this.tenantIds() };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `StaticTenantDirectory { tenants: [${this.tenantIds().join(', ')}] }`;
  }
}
