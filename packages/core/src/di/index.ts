/**
 * Dependency injection for inversify 8: the core container module, the per-provider releaser
 * factory convention, tenant routing and the tokens. A separate entry, so that code using only
 * `release()` and an adapter factory never loads inversify; the adapters' modules are likewise
 * behind their own `/di` entries (`import { atomsModule } from '@agent-release/adapter-atoms/di'`).
 *
 * Vitest and other esbuild-based tools emit no decorator metadata: put an explicit
 * `@inject(TOKEN)` on every constructor parameter of your own injectables.
 * @packageDocumentation
 */
export { coreModule, releaserModule } from './modules.js';
export { StaticTenantDirectory, type TenantDirectory } from './tenant-directory.js';
export { TenantReleasers } from './tenant-releasers.js';
export {
  type ReleaserFactory,
  type ReleaserFactoryDeps,
  type ReleaserFactoryResolver,
  type TenantConfig,
  TOKENS,
} from './tokens.js';
