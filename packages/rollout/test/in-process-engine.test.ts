import { createInProcessEngine } from '@agent-release/rollout';
import { describeRolloutEngineConformance } from '@agent-release/rollout/testing/conformance';

describeRolloutEngineConformance('in-process', (fixture) => createInProcessEngine(fixture));
