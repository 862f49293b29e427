/**
 * @packageDocumentation
 * Dependency injection (inversify 8) for the Langdock adapter: `langdockModule` binds
 * {@link langdockReleaserFactory} to core's `TOKENS.ReleaserFactory` under the name
 * `'langdock'`. A separate entry, so code that only calls `createLangdockReleaser()` and
 * `release()` never loads inversify.
 */
export { langdockModule, langdockReleaserFactory } from './langdock-di.js';
