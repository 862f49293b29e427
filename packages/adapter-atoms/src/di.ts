/**
 * @packageDocumentation
 * Dependency injection (inversify 8) for the Atoms adapter: `atomsModule` binds the Atoms
 * releaser factory to core's `TOKENS.ReleaserFactory` under the name `'atoms'`;
 * `createAtomsModule(defaults)` builds it with process-wide defaults. A separate entry, so code
 * that only calls `createAtomsReleaser()` and `release()` never loads inversify.
 */
export { type AtomsModuleDefaults, atomsModule, createAtomsModule } from './atoms-di.js';
