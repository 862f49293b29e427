/**
 * Test helpers: the rollout engine conformance suite (needs vitest) and an in-memory test fleet.
 * @packageDocumentation
 */
export {
  describeRolloutEngineConformance,
  type MakeRolloutEngine,
  type RolloutConformanceFixture,
} from './conformance.js';
export { TestFleet, type TestTenant } from './fleet.js';
