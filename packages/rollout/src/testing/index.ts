/**
 * Test helpers that need no test runner: an in-memory test fleet. The rollout engine conformance
 * suite, which runs under vitest, is `@agent-release/rollout/testing/conformance`.
 * @packageDocumentation
 */
export { TestFleet, type TestTenant } from './fleet.js';
