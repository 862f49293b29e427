/**
 * Test helpers that need no test runner: an in-memory releaser and ledger, a manual clock. The
 * shared conformance suite, which runs under vitest, is `@agent-release/core/testing/conformance`.
 * @packageDocumentation
 */
export { InMemoryLedger } from './in-memory-ledger.js';
export { type InMemoryConfig, InMemoryReleaser, type InMemoryReleaserOptions } from './in-memory-releaser.js';
export { ManualClock } from './manual-clock.js';
