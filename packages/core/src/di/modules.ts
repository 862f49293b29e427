import { ContainerModule, type ContainerModuleLoadOptions } from 'inversify';
import { TenantReleasers } from './tenant-releasers.js';
import { type ReleaserFactory, type ReleaserFactoryResolver, TOKENS } from './tokens.js';

/**
 * Binds {@link TenantReleasers} (singleton) and the factory resolver. You bind
 * `TOKENS.TenantDirectory` (and optionally `TOKENS.Logger`); adapter modules bind their factories.
 */
export const coreModule = new ContainerModule(({ bind }: ContainerModuleLoadOptions) => {
  // Resolved lazily per provider, so adapter modules may be loaded after this one.
  bind<ReleaserFactoryResolver>(TOKENS.ReleaserFactoryResolver)
    .toDynamicValue(
      (context) => (provider: string) =>
        context.get<ReleaserFactory>(TOKENS.ReleaserFactory, { name: provider, optional: true }),
    )
    .inSingletonScope();
  bind(TOKENS.TenantReleasers).to(TenantReleasers).inSingletonScope();
});

/**
 * The convention every adapter module follows: its factory bound to `TOKENS.ReleaserFactory`
 * under the provider's name.
 *
 * @example
 * // in an adapter's `/di` entry, never its main one (that must not load inversify):
 * export const atomsModule = releaserModule('atoms', (c) => createAtomsReleaser({ ... }));
 */
export function releaserModule(provider: string, factory: ReleaserFactory): ContainerModule {
  return new ContainerModule(({ bind }: ContainerModuleLoadOptions) => {
    bind<ReleaserFactory>(TOKENS.ReleaserFactory).toConstantValue(factory).whenNamed(provider);
  });
}
