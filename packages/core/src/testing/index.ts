/**
 * Test helpers: the shared conformance suite (needs vitest), an in-memory releaser and ledger, a
 * manual clock.
 * @packageDocumentation
 */
export { type ConformanceHarness, describeReleaserConformance } from './conformance.js';
export { InMemoryLedger } from './in-memory-ledger.js';
export { type InMemoryConfig, InMemoryReleaser, type InMemoryReleaserOptions } from './in-memory-releaser.js';
export { ManualClock } from './manual-clock.js';
